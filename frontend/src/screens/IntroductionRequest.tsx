// /introduction-request#token=…: one of the two people asked about an introduction answers here,
// with no account. The token travels in the fragment, which is never sent when the link is
// fetched, so a mail scanner opening it answers nothing; only a button press (a POST) does.
// The token is kept for this tab (a reload still works) and taken out of the address bar.
import { useRef, useState } from "preact/hooks";
import { type ApiError } from "../api";
import { Button } from "../components/Button";
import { ErrorBox } from "../components/ErrorBox";
import { Loading } from "../components/Loading";
import { asApiError, useApi } from "../hooks";
import { type Answer, type IntroductionRequest as Request, introductions } from "../introductions-api";
import "../introductions.css";

const KEPT = "rapport.introduction-request";

function takeToken(): string | null {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get("token");
  try {
    if (fromLink) sessionStorage.setItem(KEPT, fromLink);
    else return sessionStorage.getItem(KEPT);
  } catch {
    // No storage: this visit still works.
  }
  if (window.location.hash) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return fromLink;
}

function longDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "long", year: "numeric" });
}

/** "CTO at Volta", as the introducer has it ("" when they have neither). */
function roleOf(other: Request["other"]): string {
  return [other.title, other.company].filter(Boolean).join(" at ");
}

export default function IntroductionRequest() {
  const token = useRef<string | null | undefined>(undefined);
  if (token.current === undefined) token.current = takeToken();
  const value = token.current;
  const loaded = useApi(
    () => (value ? introductions.viewRequest(value) : Promise.reject(new Error("no token"))),
    [value],
  );
  // The answer's own reply, shown over what was loaded before it.
  const [answered, setAnswered] = useState<Request | null>(null);
  const [busy, setBusy] = useState<Answer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  if (!value) {
    return (
      <section class="panel narrow">
        <h1 tabIndex={-1}>This link is incomplete</h1>
        <p>Open the whole link from the email again; it ends in a long code after “#token=”.</p>
      </section>
    );
  }
  const view = answered ?? loaded.data;
  if (!view) {
    if (loaded.loading) return <Loading label="Opening the request…" />;
    const offline = loaded.error?.status === 0;
    return (
      <section class="panel narrow">
        <h1 tabIndex={-1}>{offline ? "No connection" : "This link does not work"}</h1>
        <ErrorBox error={loaded.error}>
          <Button onClick={loaded.reload}>Try again</Button>
        </ErrorBox>
        {!offline && <p>Check that you opened the whole link from the email.</p>}
      </section>
    );
  }

  async function answer(choice: Answer) {
    setBusy(choice);
    setError(null);
    try {
      setAnswered(await introductions.answerRequest(value as string, choice));
    } catch (err) {
      const problem = asApiError(err);
      setError(problem);
      if (problem.status === 410) loaded.reload(); // closed meanwhile: show where it stands
    } finally {
      setBusy(null);
    }
  }

  const other = view.other.name;
  return (
    <section class="panel narrow stack intro-request">
      <h1 tabIndex={-1}>
        {view.introducer} would like to introduce you to {other}
      </h1>
      {roleOf(view.other) && (
        <p class="intro-whom">
          {other}: {roleOf(view.other)}
        </p>
      )}
      <h2>
        Why {view.introducer} thinks you should meet
      </h2>
      <p class="intro-reason">{view.reason}</p>
      <ErrorBox error={error} />
      <Outcome view={view} />
      {view.state === "asked" && (
        <>
          <p>
            Only if you both say yes does each of you get an email with the other's name and email address. If you
            say no, {other} is not told; {view.introducer} sees your answer.
          </p>
          <div class="actions intro-answer">
            <Button onClick={() => answer("yes")} busy={busy === "yes"} busyLabel="Saving…" disabled={busy !== null}>
              Yes, introduce us
            </Button>
            <Button kind="secondary" onClick={() => answer("no")} busy={busy === "no"} busyLabel="Saving…" disabled={busy !== null}>
              No, thanks
            </Button>
          </div>
          <p class="muted">This request expires on {longDate(view.expires_at)} (14 days after it was sent).</p>
        </>
      )}
    </section>
  );
}

/** What has happened, once it is more than a question. */
function Outcome({ view }: { view: Request }) {
  const other = view.other.name;
  const when = view.answered_at ? ` on ${longDate(view.answered_at)}` : "";
  const text: Record<Request["state"], string | null> = {
    asked: null,
    you_said_yes: `You said yes${when}. If ${other} says yes too, each of you gets an email with the other's name and address.`,
    you_said_no: `You said no, thanks${when}. ${other} is not told; ${view.introducer} sees your answer. Nothing more to do.`,
    introduced: `You both said yes: the introduction is in your email, with ${other}'s address.`,
    no_longer_needed: "This introduction is no longer needed. Nothing more to do.",
    expired: `This request expired on ${longDate(view.expires_at)}. If you still want to meet, tell ${view.introducer}.`,
  };
  const said = text[view.state];
  return said ? (
    <p class="intro-outcome" role="status">
      {said}
    </p>
  ) : null;
}
