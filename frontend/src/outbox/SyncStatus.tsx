// The sync status under the header: offline or not, how many changes wait on this phone, which
// ones the server refused and why (with what was typed, so nothing is lost), and "Sync now".
import { useEffect } from "preact/hooks";
import { refreshNoteConflicts, SyncNoteConflicts, useNoteConflicts } from "../components/people/NoteConflicts";
import { useOnline } from "../hooks";
import { useStore } from "../store";
import "./sync.css";
import { dismissFailed, type FailedOperation, replay, syncState } from "./outbox";

function typedText(op: FailedOperation): string {
  const p = op.payload;
  for (const field of ["text", "name", "badge", "token"]) {
    if (typeof p[field] === "string" && p[field]) return p[field] as string;
  }
  return "";
}

export function SyncStatus() {
  const state = useStore(syncState);
  const online = useOnline();
  const conflicts = useNoteConflicts();
  useEffect(() => {
    // A sync on this phone kept both versions of a note: say which, until marked seen.
    if (state.conflicts > 0) refreshNoteConflicts().catch(() => undefined);
  }, [state.conflicts]);
  if (online && state.waiting === 0 && state.failed.length === 0 && conflicts.length === 0) return null;
  const waitingText =
    state.waiting === 1 ? "1 change waits to sync" : `${state.waiting} changes wait to sync`;
  return (
    <section class="sync-status" aria-label="Sync">
      <p class="sync-line">
        {!online && <strong class="sync-offline">Offline</strong>}
        <span class="sync-count" data-waiting={state.waiting}>
          {state.waiting > 0 ? waitingText : online ? "Everything is synced" : "Changes are kept on this phone"}
        </span>
        {online && state.waiting > 0 && (
          <button type="button" class="button button-quiet" disabled={state.syncing} onClick={() => void replay()}>
            {state.syncing ? "Syncing…" : "Sync now"}
          </button>
        )}
      </p>
      {state.problem && state.waiting > 0 && online && <p class="sync-problem">{state.problem}</p>}
      <SyncNoteConflicts conflicts={conflicts} />
      {state.failed.length > 0 && (
        <ul class="sync-failed">
          {state.failed.map((op) => (
            <li key={op.id}>
              <strong>Not synced: {op.label}</strong> — {op.detail}
              {typedText(op) && <span class="sync-typed"> What you typed: “{typedText(op)}”</span>}{" "}
              <button type="button" class="button button-quiet" onClick={() => void dismissFailed(op.id)}>
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
