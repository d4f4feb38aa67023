// The review queue when there is no draft on screen: still loading, offline (it loads by itself
// when the connection returns), could not load, or nothing (left) to review.
import type { ComponentChildren } from "preact";
import type { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import type { ReviewSlot } from "../../followups-api";

/** Loading, offline, or the error, with "Try again". */
export function QueueNotLoaded(props: {
  heading: ComponentChildren;
  error: ApiError | null;
  offline: boolean;
  onRetry: () => void;
}) {
  const { heading, error, offline, onRetry } = props;
  const tryAgain = (
    <Button kind="secondary" onClick={onRetry}>
      Try again
    </Button>
  );
  return (
    <section class="stack-lg">
      {heading}
      {error && error.status === 0 && offline ? (
        <div class="panel review-offline" role="status">
          <p>You are offline. Your drafts will appear here by themselves as soon as the connection is back.</p>
          {tryAgain}
        </div>
      ) : error ? (
        <ErrorBox error={error}>{tryAgain}</ErrorBox>
      ) : (
        <Loading label="Loading your drafts…" />
      )}
    </section>
  );
}

/** "All done" (or "Nothing to review"), with the snoozed ones still to come. */
export function QueueDone({ heading, slot, lastDone }: { heading: ComponentChildren; slot: ReviewSlot; lastDone: string }) {
  return (
    <section class="stack-lg">
      {heading}
      {lastDone && <p class="review-done-line">{lastDone}</p>}
      <div class="panel all-done" role="status">
        <h2>{slot.total > 0 ? "All done" : "Nothing to review"}</h2>
        <p>
          {slot.total > 0
            ? "You have been through every draft."
            : "No drafts are waiting. Prepare drafts from the follow-ups list after an event."}
          {slot.snoozed > 0 &&
            ` ${slot.snoozed} snoozed ${slot.snoozed === 1 ? "draft comes" : "drafts come"} back later.`}
        </p>
        <p>
          <a class="button button-primary" href="/follow-ups">
            See all follow-ups
          </a>
        </p>
      </div>
    </section>
  );
}
