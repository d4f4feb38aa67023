// /b/:token: where a phone camera (or the in-app scanner) lands after scanning a badge.
// Signed in, the badge's owner becomes my contact at once (their shared card), and I see them;
// not signed in, I sign in first and come straight back here.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiError } from "../api";
import { Button } from "../components/Button";
import { ErrorBox } from "../components/ErrorBox";
import { Loading } from "../components/Loading";
import { PersonCard } from "../components/people/PersonCard";
import { type Contact, newId, people, type ScanResult } from "../contacts-api";
import { enqueue, findWaiting, onAnswered } from "../outbox/outbox";
import { asApiError } from "../hooks";
import "../people.css";
import type { ScreenProps } from "../router";
import { loadSession, session } from "../session";
import { useStore } from "../store";

const PROBLEM_TITLES: Record<string, string> = {
  own_badge: "That is your own badge",
  badge_revoked: "This badge no longer works",
  badge_unknown: "We do not know this badge",
};

export default function BadgeLanding({ params }: ScreenProps) {
  const state = useStore(session);
  const here = `/b/${encodeURIComponent(params.token)}`;
  if (state.status === "loading") return <Loading />;
  if (state.status === "unreachable") {
    return (
      <section class="panel narrow">
        <h1 tabIndex={-1}>Rapport is out of reach</h1>
        <p role="alert">{state.detail}</p>
        <Button onClick={() => loadSession()}>Try again</Button>
      </section>
    );
  }
  if (state.status !== "signed-in") {
    return (
      <section class="panel narrow">
        <h1 tabIndex={-1}>You scanned a Rapport badge</h1>
        <p>
          Sign in to add this person to your contacts at the event. You will come straight back
          here afterwards.
        </p>
        <p>
          <a class="button button-primary" href={`/signin?next=${encodeURIComponent(here)}`}>
            Sign in to connect
          </a>
        </p>
        <p class="muted">
          Rapport is the companion app of the event you are at: attendees swap contact details
          and the door team checks people in by scanning badges like this one.
        </p>
      </section>
    );
  }
  return <Exchange token={params.token} />;
}

function Exchange({ token }: { token: string }) {
  const [result, setResult] = useState<ScanResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [mutual, setMutual] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // Offline: the scan waits in the outbox under this placeholder id (its op id, once queued).
  const [queuedOp, setQueuedOp] = useState<string | null>(null);
  // One client id per badge visit: a retry after a lost answer cannot add the person twice.
  const contactId = useRef(newId());

  useEffect(
    () =>
      onAnswered((op, answer) => {
        if (op.id !== queuedOp || !answer.result) return;
        const { contact, event_id, event_name } = answer.result as {
          contact?: Contact;
          event_id?: string;
          event_name?: string;
        };
        if (contact) {
          setQueuedOp(null);
          setResult({
            contact,
            created: answer.status === "applied",
            event_id: event_id ?? "",
            event_name: event_name ?? "",
          });
        } else if (answer.status === "rejected") {
          setQueuedOp(null);
        }
      }),
    [queuedOp],
  );

  useEffect(() => {
    let live = true;
    setError(null);
    if (queuedOp) return;
    const scannedAt = new Date().toISOString();
    people.scanBadge(token, contactId.current).then(
      async (answer) => {
        if (!live) return;
        setResult(answer);
        const personId = answer.contact.person_id;
        if (!personId) return;
        try {
          const recent = await people.notifications();
          if (live) setMutual(recent.items.some((n) => n.actor_id === personId));
        } catch {
          // Only a nicety: the contact is saved either way.
        }
      },
      async (err: unknown) => {
        const problem = asApiError(err);
        if (problem.status === 0) {
          // No connection: keep the scan on the phone; it becomes the contact when it syncs.
          // The same badge already waiting (this page reloaded) is not queued twice.
          const waiting = await findWaiting(
            (op) => op.type === "exchange.scan" && op.payload.badge === token,
          );
          if (waiting) contactId.current = String(waiting.payload.contact_id);
          const op = waiting ?? (await enqueue(
            "exchange.scan",
            { contact_id: contactId.current, badge: token, scanned_at: scannedAt },
            "A badge scanned offline",
          ));
          if (live) setQueuedOp(op.id);
          return;
        }
        if (live) setError(problem);
      },
    );
    return () => {
      live = false;
    };
  }, [token, attempt]);

  if (error) {
    const title = PROBLEM_TITLES[error.code] ?? "Could not add this person";
    const retry = error.status === 0 || error.status >= 500;
    return (
      <section class="panel narrow">
        <h1 tabIndex={-1}>{title}</h1>
        <ErrorBox error={error}>
          {retry && (
            <Button kind="secondary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </Button>
          )}
        </ErrorBox>
        <div class="actions">
          <a class="button button-primary" href="/scan">
            Scan another badge
          </a>
          <a class="button button-secondary" href="/contacts">
            My contacts
          </a>
        </div>
      </section>
    );
  }
  if (queuedOp && !result) {
    return (
      <section class="stack exchange">
        <h1 tabIndex={-1}>Scanned — details when online</h1>
        <p class="exchange-status" role="status">
          This badge is saved on your phone. The person becomes your contact as soon as you are
          back online; you can write a note on them now.
        </p>
        <div class="actions actions-stacked">
          <a class="button button-primary button-big" href={`/contacts/${contactId.current}/note`}>
            Write a note
          </a>
          <a class="button button-secondary" href="/scan">
            Scan the next badge
          </a>
        </div>
      </section>
    );
  }
  if (!result) return <Loading label="Adding this person to your contacts…" />;

  const { contact, created, event_name: eventName } = result;
  const first = contact.name.split(/\s+/)[0] || "They";
  return (
    <section class="stack exchange">
      <p class={created ? "exchange-status exchange-new" : "exchange-status"} role="status">
        {created
          ? `Added to your contacts · met at ${eventName}`
          : `You already have ${contact.name || "this person"}`}
      </p>
      <div class="panel">
        <PersonCard contact={contact} level={1} photoUrl={people.contactPhotoUrl(contact.id)} />
      </div>
      <div class="actions actions-stacked">
        <a class="button button-primary button-big" href={`/contacts/${contact.id}/note`}>
          Write a note
        </a>
        <a class="button button-secondary" href={`/contacts/${contact.id}`}>
          Open contact
        </a>
        <a class="button button-secondary" href="/scan">
          Scan the next badge
        </a>
      </div>
      <p class="muted">
        {mutual
          ? `${first} added you too: you have each other's cards.`
          : `${first} is told you added them and can share back with one tap. What they receive is what you share on your card.`}{" "}
        <a href="/me">Check what I share</a>
      </p>
    </section>
  );
}
