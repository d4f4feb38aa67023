// Editing a follow-up's subject and body in place: changes are saved a moment after typing
// stops, at once when the field loses focus, and before any action on the draft (`flush`).
// One PATCH at a time; a change made meanwhile goes in the next one. With no connection the
// change waits in the outbox ("queued") and reaches the server through /sync.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api";
import { type FollowUp, reviewActions } from "../../followups-api";

export type EditState = "idle" | "saving" | "saved" | "queued" | "error";

const DEBOUNCE_MS = 800;

export function useDraftEditor(item: FollowUp | null, onSaved: (saved: FollowUp) => void) {
  const [subject, setSubjectValue] = useState(item?.subject ?? "");
  const [body, setBodyValue] = useState(item?.body ?? "");
  const [state, setState] = useState<EditState>("idle");
  const [problem, setProblem] = useState<ApiError | null>(null);
  const saved = useRef({ subject: item?.subject ?? "", body: item?.body ?? "" });
  const latest = useRef({ subject: item?.subject ?? "", body: item?.body ?? "" });
  const running = useRef<Promise<void> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const id = item?.id ?? null;
  const current = useRef(item);
  current.current = item;

  // A different draft on screen: start from what the server holds for it.
  useEffect(() => {
    window.clearTimeout(timer.current);
    const start = { subject: item?.subject ?? "", body: item?.body ?? "" };
    saved.current = { ...start };
    latest.current = { ...start };
    setSubjectValue(start.subject);
    setBodyValue(start.body);
    setState("idle");
    setProblem(null);
  }, [id]);

  async function saveOnce(): Promise<void> {
    const followUp = current.current;
    if (!followUp) return;
    const want = { ...latest.current };
    const change: { subject?: string; body?: string } = {};
    if (want.subject !== saved.current.subject) change.subject = want.subject;
    if (want.body !== saved.current.body) change.body = want.body;
    if (!("subject" in change) && !("body" in change)) return;
    setState("saving");
    try {
      const result = await reviewActions.edit(followUp, change);
      saved.current = result ? { subject: result.subject, body: result.body } : want;
      setProblem(null);
      setState(result ? "saved" : "queued");
      onSaved(result ?? { ...followUp, ...change });
    } catch (error) {
      setState("error");
      setProblem(error instanceof ApiError ? error : null);
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

  return {
    subject,
    body,
    state,
    problem,
    setSubject: (value: string) => {
      setSubjectValue(value);
      changed({ subject: value });
    },
    setBody: (value: string) => {
      setBodyValue(value);
      changed({ body: value });
    },
    flush,
    blur: () => flush().catch(() => undefined),
  };
}
