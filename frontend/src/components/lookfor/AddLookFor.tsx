// Adding to my look-for list: kind, words, and whether it is for this event only.
import { useRef, useState } from "preact/hooks";
import { newId } from "../../contacts-api";
import { type LookForKind, lookFor } from "../../look-for-api";
import { announce } from "../Status";
import { LookForForm } from "./LookForForm";

export function AddLookFor({ eventId, eventName, onAdded }: { eventId: string; eventName: string; onAdded: () => void }) {
  const [thisEventOnly, setThisEventOnly] = useState(true);
  // One id per draft: sent again after an answer that never came, it makes no second entry.
  const draftId = useRef(newId());
  const edited = () => {
    draftId.current = newId();
  };

  async function add(kind: LookForKind, text: string) {
    const entry = await lookFor.add({ id: draftId.current, kind, text, event_id: thisEventOnly ? eventId : null });
    draftId.current = newId();
    announce(`“${entry.text}” is on your list.`, "success");
    onAdded();
  }

  return (
    <section class="panel stack" aria-labelledby="add-look-for-title">
      <h2 id="add-look-for-title">Add to my list</h2>
      <LookForForm idPrefix="add-look-for" label="Add to my list" submitLabel="Add to my list" busyLabel="Adding…" onSubmit={add} onEdit={edited} clearWhenSaved>
        <label class="check">
          <input
            type="checkbox"
            checked={thisEventOnly}
            onChange={(e) => {
              edited();
              setThisEventOnly(e.currentTarget.checked);
            }}
          />
          <span>Only for {eventName} (otherwise: every event)</span>
        </label>
      </LookForForm>
    </section>
  );
}
