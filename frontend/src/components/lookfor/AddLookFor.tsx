// Adding to my look-for list: kind, words, and whether it is for this event only. What was
// typed stays in the form until the server has it, so a failed save loses nothing.
import { useRef, useState } from "preact/hooks";
import { type ApiError, fieldProblem } from "../../api";
import { newId } from "../../contacts-api";
import { asApiError } from "../../hooks";
import { type LookForKind, lookFor } from "../../look-for-api";
import { Button } from "../Button";
import { ErrorBox } from "../ErrorBox";
import { announce } from "../Status";
import { BLANK, LookForFields } from "./LookForFields";

export function AddLookFor({ eventId, eventName, onAdded }: { eventId: string; eventName: string; onAdded: () => void }) {
  const [kind, setKind] = useState<LookForKind>("person");
  const [text, setText] = useState("");
  const [thisEventOnly, setThisEventOnly] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // One id per draft: sent again after an answer that never came, it makes no second entry.
  const draftId = useRef(newId());

  function edited<T>(set: (value: T) => void) {
    return (value: T) => {
      draftId.current = newId();
      set(value);
    };
  }

  async function add(event: Event) {
    event.preventDefault();
    if (!text.trim()) {
      setError(fieldProblem("text", BLANK));
      document.getElementById("add-look-for-text")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const entry = await lookFor.add({ id: draftId.current, kind, text, event_id: thisEventOnly ? eventId : null });
      draftId.current = newId();
      setText("");
      announce(`“${entry.text}” is on your list.`, "success");
      onAdded();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="panel stack" onSubmit={add} aria-labelledby="add-look-for-title" noValidate>
      <h2 id="add-look-for-title">Add to my list</h2>
      <ErrorBox error={error} shownFields={["text"]} />
      <LookForFields idPrefix="add-look-for" kind={kind} text={text} error={error} onKind={edited(setKind)} onText={edited(setText)} />
      <label class="check">
        <input type="checkbox" checked={thisEventOnly} onChange={(e) => edited(setThisEventOnly)(e.currentTarget.checked)} />
        <span>Only for {eventName} (otherwise: every event)</span>
      </label>
      <div class="actions">
        <Button type="submit" busy={busy} busyLabel="Adding…">
          Add to my list
        </Button>
      </div>
    </form>
  );
}
