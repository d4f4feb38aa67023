// Notes through the outbox: quick capture saves here when the network is gone. Consecutive
// edits of one note are merged into the one operation that has not been sent yet, so a note
// typed offline for five minutes is one note.create (or one note.update), not hundreds.
import { coalesce, enqueue, onAnswered, type Operation } from "./outbox";

/** The latest version the server gave each note this session (for base_version). */
const versions = new Map<string, number>();

onAnswered((_op, result) => {
  const note = result.result?.note as { id?: string; version?: number } | undefined;
  if (note?.id && typeof note.version === "number") versions.set(note.id, note.version);
});

/** The version the server last gave this note through the outbox, if any. */
export function knownNoteVersion(noteId: string): number | undefined {
  return versions.get(noteId);
}

function isFor(noteId: string) {
  return (op: Operation) =>
    (op.type === "note.create" && op.payload.id === noteId) ||
    (op.type === "note.update" && op.payload.note_id === noteId);
}

/**
 * Queue the note's fields as they are now: merged into this note's unsent operation if there
 * is one, else a new note.create (a note the server has never had) or note.update.
 */
export async function queueNoteSave(
  contactId: string,
  noteId: string,
  baseVersion: number | null,
  fields: Record<string, unknown>,
  label: string,
  createdBefore: boolean,
): Promise<void> {
  const editedAt = new Date().toISOString();
  const merged = await coalesce(isFor(noteId), (op) => ({
    ...op,
    payload: { ...op.payload, ...fields, ...(op.type === "note.update" ? { edited_at: editedAt } : {}) },
  }));
  if (merged) return;
  if (baseVersion === null && !createdBefore) {
    await enqueue("note.create", { id: noteId, contact_id: contactId, ...fields, created_at: editedAt }, label);
    return;
  }
  // A new note's first version is 1; a create still on its way will have made it so.
  const base = knownNoteVersion(noteId) ?? baseVersion ?? 1;
  await enqueue("note.update", { note_id: noteId, base_version: base, edited_at: editedAt, ...fields }, label);
}
