// One entry of my look-for list: what it is, whom among my contacts it found (worked out by
// the server), a "Done" tick, and editing or deleting it in place.
import { useState } from "preact/hooks";
import { asApiError } from "../../hooks";
import { KINDS, type LookForEntry, type LookForKind, lookFor } from "../../look-for-api";
import { Button } from "../Button";
import { announce } from "../Status";
import { LookForForm } from "./LookForForm";

const kindLabel = (kind: LookForKind) => KINDS.find((k) => k.kind === kind)?.label ?? kind;

export function LookForRow({ entry, onChanged }: { entry: LookForEntry; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  // The server's answer to my tick, shown until the list brings something at least as new.
  const [answered, setAnswered] = useState<LookForEntry | null>(null);
  const shown = answered && answered.updated_at > entry.updated_at ? answered : entry;
  // The tick as clicked, while the server has not answered yet.
  const [ticking, setTicking] = useState<boolean | null>(null);
  const done = ticking ?? shown.done;

  async function tick(value: boolean) {
    setTicking(value);
    try {
      setAnswered(await lookFor.edit(entry.id, { done: value }));
      onChanged();
    } catch (err) {
      announce(asApiError(err).detail, "error");
    } finally {
      setTicking(null);
    }
  }

  async function remove() {
    if (!window.confirm(`Take “${entry.text}” off your list?`)) return;
    try {
      await lookFor.remove(entry.id);
      announce(`“${entry.text}” is off your list.`, "success");
      onChanged();
    } catch (err) {
      announce(asApiError(err).detail, "error");
    }
  }

  if (editing) {
    return (
      <li class="look-for">
        <EditLookFor entry={shown} onSaved={() => { setEditing(false); onChanged(); }} onCancel={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li class={done ? "look-for look-for-done" : "look-for"}>
      <p class="look-for-what">
        <span class="look-for-kind">{kindLabel(shown.kind)}</span> <span class="look-for-text">{shown.text}</span>
        {shown.event_id === null && <span class="muted small"> · every event</span>}
      </p>
      {shown.found.length > 0 && (
        <p class="look-for-found">
          Found:{" "}
          {shown.found.map((f, i) => (
            <span key={f.contact_id}>
              {i > 0 && ", "}
              <a href={`/contacts/${f.contact_id}`}>{f.name || "a contact"}</a>
            </span>
          ))}
        </p>
      )}
      <div class="actions look-for-actions">
        <label class="check">
          <input type="checkbox" checked={done} aria-label={`Done: ${shown.text}`} onChange={(e) => tick(e.currentTarget.checked)} />
          <span aria-hidden="true">Done</span>
        </label>
        <Button kind="quiet" aria-label={`Edit ${shown.text}`} onClick={() => setEditing(true)}>
          Edit
        </Button>
        <Button kind="quiet" aria-label={`Delete ${shown.text}`} onClick={remove}>
          Delete
        </Button>
      </div>
    </li>
  );
}

function EditLookFor({ entry, onSaved, onCancel }: { entry: LookForEntry; onSaved: () => void; onCancel: () => void }) {
  async function save(kind: LookForKind, text: string) {
    await lookFor.edit(entry.id, { kind, text });
    announce("Saved.", "success");
    onSaved();
  }

  return (
    <LookForForm
      idPrefix={`edit-${entry.id}`}
      label={`Edit ${entry.text}`}
      initialKind={entry.kind}
      initialText={entry.text}
      submitLabel="Save"
      busyLabel="Saving…"
      onSubmit={save}
      actions={
        <Button kind="secondary" onClick={onCancel}>
          Cancel
        </Button>
      }
    />
  );
}
