// "This looks like someone you have": shown after a 409 possible_duplicate, with the two ways on.
import { Button } from "../Button";

interface Props {
  existingId: string;
  busy: boolean;
  onMerge: () => void;
  onKeepBoth: () => void;
  onCancel: () => void;
}

export function DuplicateOffer({ existingId, busy, onMerge, onKeepBoth, onCancel }: Props) {
  return (
    <div class="duplicate-offer" role="alert">
      <p>
        <strong>You may already have this person.</strong> A contact with the same email or
        LinkedIn profile exists: <a href={`/contacts/${existingId}`}>open it</a>.
      </p>
      <div class="actions">
        <Button onClick={onMerge} busy={busy} busyLabel="Merging…">
          Merge into existing
        </Button>
        <Button kind="secondary" onClick={onKeepBoth} disabled={busy}>
          Keep both
        </Button>
        <Button kind="quiet" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
