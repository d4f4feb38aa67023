// What a screen shows when what it needs could not load: what happened in plain words (never
// a list of fields), "Try again" only where trying again can help, and the way back.
import type { ApiError } from "../api";
import { Button } from "./Button";

interface Props {
  title: string;
  error: ApiError | null | undefined;
  onRetry?: () => void;
  /** Where "back" leads: my events, unless the screen has a closer place. */
  back?: { href: string; label: string };
}

const MY_EVENTS = { href: "/", label: "Back to my events" };
const NOT_HERE = "There is nothing at this address. The link may be wrong, or it was deleted.";

/** The one sentence to show: the server's own words, or plain ones where it has none. */
function message(error: ApiError | null | undefined): string {
  if (!error) return "Something went wrong. Try again in a moment.";
  const ours = error.code !== "error"; // our JSON error shape, not a proxy's page
  if (error.status === 404) return ours ? error.detail : NOT_HERE;
  if (error.status === 422) return NOT_HERE; // a malformed address, not something to fix here
  return error.detail;
}

export function LoadFailed({ title, error, onRetry, back = MY_EVENTS }: Props) {
  const retry = onRetry && (error?.retryable ?? true);
  return (
    <section class="panel">
      <h1 tabIndex={-1}>{title}</h1>
      <div class="error-box" role="alert">
        <p>{message(error)}</p>
        {retry && (
          <Button kind="secondary" onClick={onRetry}>
            Try again
          </Button>
        )}
      </div>
      <p>
        <a href={back.href}>{back.label}</a>
      </p>
    </section>
  );
}
