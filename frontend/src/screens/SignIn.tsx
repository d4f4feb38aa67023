// /signin: ask for a sign-in link by email, then "check your mail".
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { Button } from "../components/Button";
import { ErrorBox } from "../components/ErrorBox";
import { TextField } from "../components/Field";
import { asApiError } from "../hooks";
import { appPath, type ScreenProps } from "../router";
import { session } from "../session";
import { useStore } from "../store";

/** Only app paths may follow sign-in (the server checks again). */
/** Where to go after signing in: a page of this site, never another site, and never the
 * sign-in steps themselves (that would land the person back here). */
function safeNext(next: string | null): string {
  const local = appPath(next);
  return local && !/^\/(signin|verify)(\/|\?|#|$)/.test(local) ? local : "/";
}

/** Whether the development mailbox is on (only then is it worth mentioning). */
function useDevMailbox(): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    fetch("/dev/mailbox.json", { credentials: "same-origin" })
      .then((response) => setAvailable(response.status === 200))
      .catch(() => setAvailable(false));
  }, []);
  return available;
}

export default function SignIn({ query }: ScreenProps) {
  const next = safeNext(query.get("next"));
  const [email, setEmail] = useState(query.get("email") ?? "");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const devMailbox = useDevMailbox();
  const state = useStore(session);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn(email.trim(), next);
      setSentTo(email.trim());
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  if (sentTo) {
    return (
      <section class="panel narrow">
        <h1 tabIndex={-1}>Check your mail</h1>
        <p>
          We sent a sign-in link to <strong>{sentTo}</strong>. Open it on this device; it works
          once, for 15 minutes.
        </p>
        {devMailbox && <DevMailboxHint />}
        <p>
          No mail after a minute? Look in the spam folder, or{" "}
          <button type="button" class="link-button" onClick={() => setSentTo(null)}>
            try another address
          </button>
          .
        </p>
      </section>
    );
  }

  return (
    <section class="panel narrow">
      <h1 tabIndex={-1}>Sign in</h1>
      {query.get("deleted") === "1" && state.status !== "signed-in" && (
        <p class="note" role="status">
          Your account and everything in it were deleted. Signing in with the same address
          starts a new, empty account.
        </p>
      )}
      {state.status === "signed-in" ? (
        <p class="note">
          You are signed in as <strong>{state.me.email}</strong>.{" "}
          <a href={next}>Continue as {state.me.name || state.me.email}</a>, or sign in with
          another address below.
        </p>
      ) : (
        <p>No password: we mail you a link that signs you in.</p>
      )}
      <form class="stack" onSubmit={submit}>
        <ErrorBox error={error} shownFields={["email"]} />
        <TextField
          label="Email"
          name="email"
          type="email"
          inputMode="email"
          autoComplete="email"
          autoCapitalize="none"
          spellcheck={false}
          required
          value={email}
          onValue={setEmail}
          error={error?.fieldMessage("email")}
        />
        <Button type="submit" busy={busy} busyLabel="Sending…">
          Email me a sign-in link
        </Button>
      </form>
      {devMailbox && <DevMailboxHint />}
    </section>
  );
}

function DevMailboxHint() {
  return (
    <p class="note">
      Development server: mail is not sent but kept in the{" "}
      <a href="/dev/mailbox">development mailbox</a>.
    </p>
  );
}
