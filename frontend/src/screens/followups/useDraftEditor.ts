// Editing a follow-up's subject and body in place: changes are saved a moment after typing
// stops, at once when the field loses focus, and before any action on the draft (`flush`).
// One PATCH at a time; a change made meanwhile goes in the next one. With no connection the
// change waits in the outbox ("queued") and reaches the server through /sync.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api";
import { type FollowUp, reviewActions } from "../../followups-api";

export type EditState = "idle" | "saving" | "saved" | "queued" | "error";

const DEBOUNCE_MS = 800;

interface Text {
  id: string | null;
  subject: string;
  body: string;
}

const serverText = (item: FollowUp | null): Text => ({ id: item?.id ?? null, subject: item?.subject ?? "", body: item?.body ?? "" });

export function useDraftEditor(item: FollowUp | null, onSaved: (saved: FollowUp) => void) {
  const id = item?.id ?? null;
  // What the user typed, for one draft. Another draft on screen starts from what the server holds
  // for it, derived during the render rather than reset by an effect, so that typing which comes
  // before an effect would have run is never overwritten.
  const [typed, setTyped] = useState<Text>(() => serverText(item));
  const [status, setStatus] = useState<{ id: string | null; state: EditState; problem: ApiError | null }>({
    id,
    state: "idle",
    problem: null,
  });
  const text = typed.id === id ? typed : serverText(item);
  const saved = useRef(serverText(item)); // what the server holds, as far as we know
  const latest = useRef(serverText(item)); // what is typed, not yet saved
  if (saved.current.id !== id) {
    saved.current = serverText(item);
    latest.current = { ...text }; // back on a draft whose last change did not save: it is pending again
  }
  const running = useRef<Promise<void> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const current = useRef(item);
  current.current = item;
  const report = (state: EditState, problem: ApiError | null, forId: string) =>
    setStatus({ id: forId, state, problem });

  async function saveOnce(): Promise<void> {
    const followUp = current.current;
    if (!followUp || latest.current.id !== followUp.id) return;
    const want = { ...latest.current };
    const change: { subject?: string; body?: string } = {};
    if (want.subject !== saved.current.subject) change.subject = want.subject;
    if (want.body !== saved.current.body) change.body = want.body;
    if (!("subject" in change) && !("body" in change)) return;
    report("saving", null, followUp.id);
    try {
      const result = await reviewActions.edit(followUp, change);
      // The screen may have moved on to another draft meanwhile: its baseline is its own.
      if (saved.current.id === followUp.id) saved.current = result ? serverText(result) : want;
      report(result ? "saved" : "queued", null, followUp.id);
      onSaved(result ?? { ...followUp, ...change });
    } catch (error) {
      report("error", error instanceof ApiError ? error : null, followUp.id);
      throw error;
    }
  }

  /** Save what is typed now (waiting for a save already running first). */
  async function flush(): Promise<void> {
    window.clearTimeout(timer.current);
    while (running.current) await running.current.catch(() => undefined);
    const run = saveOnce().finally(() => {
      running.current = null;
    });
    running.current = run;
    await run;
  }

  function changed(next: { subject?: string; body?: string }) {
    latest.current = { ...latest.current, ...next };
    setTyped({ ...latest.current });
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => flush().catch(() => undefined), DEBOUNCE_MS);
  }

  // Leaving the screen with a save still waiting: send it now rather than lose it.
  const flushRef = useRef(flush);
  flushRef.current = flush;
  useEffect(
    () => () => {
      if (latest.current.subject !== saved.current.subject || latest.current.body !== saved.current.body) {
        flushRef.current().catch(() => undefined);
      }
    },
    [],
  );

  const shown = status.id === id ? status : { state: "idle" as EditState, problem: null };
  return {
    subject: text.subject,
    body: text.body,
    state: shown.state,
    problem: shown.problem,
    setSubject: (value: string) => changed({ subject: value }),
    setBody: (value: string) => changed({ body: value }),
    flush,
    blur: () => flush().catch(() => undefined),
    /** The server wrote this draft anew (a detail added from the queue): show its text. */
    replaced: (fresh: FollowUp) => {
      saved.current = serverText(fresh);
      latest.current = serverText(fresh);
      setTyped(serverText(fresh));
    },
  };
}

/** What useDraftEditor gives a screen: the text typed, its save state, and ways to change it. */
export type DraftEditor = ReturnType<typeof useDraftEditor>;
