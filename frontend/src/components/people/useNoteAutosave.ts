// Save as you type: the first change creates the note under its client-made id (so a retry
// can never make two), later changes PATCH it on the version last saved. One request at a
// time; changes made meanwhile go in the next one. A failed save is retried a few seconds later.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api";
import { type Note, type NoteFields, people } from "../../contacts-api";
import { queueNoteSave } from "../../outbox/notes";
import { onAnswered } from "../../outbox/outbox";
import { linkProblem } from "./links";

/** "offline": kept in the phone's outbox, sent when the connection returns. */
export type SaveState = "idle" | "waiting" | "saving" | "saved" | "offline" | "error";

const DEBOUNCE_MS = 500;
const RETRY_MS = 4000;

/** The note as the server accepts it: empty promises and undated birthdays left out, and a
 *  link that is not a web address yet (still being typed) left out: the saved one stays. */
export function payloadOf(fields: NoteFields): NoteFields {
  return {
    ...fields,
    promises: fields.promises
      .filter((p) => p.text.trim())
      .map(({ link, ...promise }) =>
        link === undefined || linkProblem(link ?? "") ? promise : { ...promise, link: link?.trim() || null },
      ),
    personal_details: fields.personal_details.filter(
      (d) => (d.text.trim() || d.on_date) && (d.kind !== "birthday" || d.on_date),
    ),
  };
}

export function useNoteAutosave(contactId: string, noteId: string, startVersion: number | null) {
  const [state, setState] = useState<SaveState>("idle");
  const [problem, setProblem] = useState<string>("");
  const version = useRef<number | null>(startVersion);
  const latest = useRef<NoteFields | null>(null);
  const dirty = useRef(false);
  const inFlight = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const lastFailed = useRef(false);
  // Once an edit went to the outbox, later ones follow it there, so they stay in order.
  const queued = useRef(false);
  const createQueued = useRef(false);

  useEffect(() => {
    version.current = startVersion;
  }, [startVersion]);

  useEffect(
    () =>
      onAnswered((_op, result) => {
        const note = result.result?.note as Note | undefined;
        if (note?.id === noteId) version.current = note.version;
      }),
    [noteId],
  );

  async function queue(body: NoteFields): Promise<void> {
    const label = body.text.trim() ? `Note “${body.text.trim().slice(0, 40)}”` : "A note";
    await queueNoteSave(contactId, noteId, version.current, { ...body }, label, createQueued.current);
    if (version.current === null) createQueued.current = true;
    queued.current = true;
  }

  async function flush(): Promise<void> {
    window.clearTimeout(timer.current);
    if (!dirty.current || !latest.current) return;
    if (inFlight.current) return; // the running save starts another when it ends
    inFlight.current = true;
    dirty.current = false;
    setState("saving");
    const body = payloadOf(latest.current);
    let failed = false;
    try {
      if (queued.current || !navigator.onLine) {
        await queue(body);
        setProblem("");
        setState(dirty.current ? "waiting" : "offline");
        return;
      }
      let note: Note;
      if (version.current === null) {
        note = await people.createNote(contactId, { id: noteId, ...body });
      } else {
        try {
          note = await people.patchNote(noteId, { base_version: version.current, ...body });
        } catch (err) {
          // Edited elsewhere meanwhile: what is on this screen is what the user means now.
          if (!(err instanceof ApiError) || err.status !== 409) throw err;
          const current = await people.note(noteId);
          note = await people.patchNote(noteId, { base_version: current.version, ...body });
        }
      }
      version.current = note.version;
      setProblem("");
      setState(dirty.current ? "waiting" : "saved");
    } catch (err) {
      if (err instanceof ApiError && err.status === 0) {
        // No connection: keep it on the phone instead (the outbox sends it later).
        await queue(body);
        setProblem("");
        setState(dirty.current ? "waiting" : "offline");
        return;
      }
      failed = true;
      dirty.current = true;
      setProblem(err instanceof ApiError ? err.detail : String(err));
      setState("error");
      // No answer, a server hiccup or "slow down" passes; a refusal is shown until the next edit.
      const status = err instanceof ApiError ? err.status : 0;
      if (status === 0 || status === 429 || status >= 500) {
        timer.current = window.setTimeout(() => void flush(), RETRY_MS);
      }
    } finally {
      inFlight.current = false;
      lastFailed.current = failed;
      if (dirty.current && !failed) flushSoon();
    }
  }

  function flushSoon(): void {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void flush(), DEBOUNCE_MS);
  }

  /** Record the note's fields as they are now; saved half a second after typing stops. */
  function changed(fields: NoteFields): void {
    latest.current = fields;
    dirty.current = true;
    lastFailed.current = false;
    setState("waiting");
    flushSoon();
  }

  // Leaving the screen (or the app going to the background) saves what is pending at once.
  useEffect(() => {
    const onHide = () => void flush();
    window.addEventListener("pagehide", onHide);
    document.addEventListener("visibilitychange", onHide);
    return () => {
      window.removeEventListener("pagehide", onHide);
      document.removeEventListener("visibilitychange", onHide);
      void flush();
    };
  }, []);

  /** Save what is pending now and wait for it (a few seconds at most), e.g. before leaving. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      if (inFlight.current) {
        await new Promise((done) => window.setTimeout(done, 100));
        continue;
      }
      if (!dirty.current || lastFailed.current) return;
      await flush();
    }
  }

  return { state, problem, changed, settle };
}
