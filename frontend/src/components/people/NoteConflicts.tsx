// Notes edited on two devices at once. The server keeps both texts: the later edit is the note,
// the other a "Conflict copy" note beside it. This says so where the user will look (the
// contact page, and the sync status once a sync found one) until they mark it seen.
import { useState } from "preact/hooks";
import { type NoteConflict, people } from "../../contacts-api";
import { asApiError } from "../../hooks";
import { createStore, useStore } from "../../store";
import { announce } from "../Status";
import { shortDateTime } from "./when";

/** The open conflicts as last fetched, shared by the sync status and the contact page. */
const openConflicts = createStore<NoteConflict[]>([]);

/** Fetch the open conflicts again (after a sync reported some, or on a contact page). */
export async function refreshNoteConflicts(): Promise<void> {
  openConflicts.set(await people.noteConflicts());
}

export function useNoteConflicts(): NoteConflict[] {
  return useStore(openConflicts);
}

function SeenButton({ conflict }: { conflict: NoteConflict }) {
  const [busy, setBusy] = useState(false);
  async function seen() {
    setBusy(true);
    try {
      await people.resolveNoteConflict(conflict.id);
      openConflicts.set(openConflicts.get().filter((c) => c.id !== conflict.id));
    } catch (err) {
      announce(asApiError(err).detail, "error");
    } finally {
      setBusy(false);
    }
  }
  return (
    <button type="button" class="button button-quiet" disabled={busy} onClick={() => void seen()}>
      {busy ? "Saving…" : "Got it"}
    </button>
  );
}

/** On a contact's page: which of the notes below is a conflict copy, and of what. */
export function ContactNoteConflicts({ contactId }: { contactId: string }) {
  const conflicts = useNoteConflicts().filter((c) => c.contact_id === contactId);
  if (conflicts.length === 0) return null;
  return (
    <ul class="plain-list note-conflicts">
      {conflicts.map((c) => (
        <li key={c.id} class="panel" role="note">
          <p>
            <strong>A note was changed on two devices at once.</strong> Both versions are kept: the later edit is the
            note, the other is the note below that starts with “Conflict copy” (edited {shortDateTime(c.edited_at)}
            {c.device ? ` on ${c.device}` : ""}). Edit the note to merge what you need.
          </p>
          <p class="actions">
            <a href={`/contacts/${encodeURIComponent(c.contact_id)}/note?note=${encodeURIComponent(c.note_id)}`}>Edit the note</a>
            <SeenButton conflict={c} />
          </p>
        </li>
      ))}
    </ul>
  );
}

/** Under the sync status: the open conflicts, each linking to its contact. */
export function SyncNoteConflicts({ conflicts }: { conflicts: NoteConflict[] }) {
  if (conflicts.length === 0) return null;
  return (
    <ul class="sync-conflicts">
      {conflicts.map((c) => (
        <li key={c.id}>
          A note about{" "}
          <a href={`/contacts/${encodeURIComponent(c.contact_id)}`}>{c.contact_name || "a contact"}</a> was changed on two
          devices at once; both versions are kept. <SeenButton conflict={c} />
        </li>
      ))}
    </ul>
  );
}
