// A promise's link to send: shown as a link (to another site: no opener, no referrer), and
// added, changed or removed in place. Saved online only; offline the typed address stays in the
// field with a word on why (the note editor saves links offline, through the outbox).
import { useState } from "preact/hooks";
import { ApiError } from "../../api";
import { type Promise_, people } from "../../contacts-api";
import { Button } from "../Button";
import { announce } from "../Status";
import { LinkField } from "./LinkField";
import { isWebLink, linkProblem } from "./links";

interface Props {
  promise: Promise_;
  /** Offer to add or change it (not once the promise is kept). */
  editable: boolean;
  onChange: () => void;
}

export function PromiseLink({ promise, editable, onChange }: Props) {
  const [editing, setEditing] = useState(false);
  const [typed, setTyped] = useState("");
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);

  function open() {
    setTyped(promise.link ?? "");
    setProblem("");
    setEditing(true);
  }

  async function save(event: Event) {
    event.preventDefault();
    const local = linkProblem(typed);
    if (local) {
      setProblem(local);
      return;
    }
    setBusy(true);
    try {
      await people.setPromiseLink(promise.id, typed.trim() || null);
      announce(typed.trim() ? "Link saved." : "Link removed.", "success");
      setEditing(false);
      onChange();
    } catch (err) {
      const error = err instanceof ApiError ? err : null;
      setProblem(
        error?.status === 0
          ? "You are offline: save the link when you are back online (or in the note)."
          : (error?.fieldMessage("link") ?? error?.detail ?? String(err)),
      );
    } finally {
      setBusy(false);
    }
  }

  if (editing) {
    return (
      <form class="promise-link-form" noValidate onSubmit={save}>
        <LinkField id={`promise-link-${promise.id}`} value={typed} problem={problem} onValue={setTyped} />
        <div class="actions">
          <Button type="submit" kind="secondary" busy={busy} busyLabel="Saving…">
            Save link
          </Button>
          <Button kind="quiet" onClick={() => setEditing(false)}>
            Cancel
          </Button>
        </div>
      </form>
    );
  }
  const shown = isWebLink(promise.link);
  if (!shown && !editable) return null;
  const label = promise.link ? "Change the link" : "Add a link";
  return (
    <p class="promise-link">
      {shown && (
        <a href={promise.link ?? undefined} target="_blank" rel="noopener noreferrer">
          {promise.link}
        </a>
      )}
      {editable && (
        <button type="button" class="button button-quiet" aria-label={`${label} to “${promise.text}”`} onClick={open}>
          {label}
        </button>
      )}
    </p>
  );
}
