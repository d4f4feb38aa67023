// What a screen shows when what it needs could not load: what happened, "Try again" where trying
// again can help, and the way back to my events.
import type { ApiError } from "../api";
import { Button } from "./Button";
import { ErrorBox } from "./ErrorBox";

interface Props {
  title: string;
  error: ApiError | null | undefined;
  onRetry?: () => void;
}

export function LoadFailed({ title, error, onRetry }: Props) {
  return (
    <section class="panel">
      <h1 tabIndex={-1}>{title}</h1>
      <ErrorBox error={error ?? null}>
        {onRetry && (
          <Button kind="secondary" onClick={onRetry}>
            Try again
          </Button>
        )}
      </ErrorBox>
      <p>
        <a href="/">Back to my events</a>
      </p>
    </section>
  );
}
