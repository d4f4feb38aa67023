// /contacts/:id/note (?note=<id> to edit one): a usable note in ten seconds. The text box has
// focus at once; topics are one tap; warmth, channel, a personal detail, a promise and the next
// step are a tap away. Everything is saved as it is typed (see useNoteAutosave).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { LinkField } from "../../components/people/LinkField";
import { LiveSentence } from "../../components/people/LiveSentence";
import { linkProblem } from "../../components/people/links";
import { type SaveState, useNoteAutosave } from "../../components/people/useNoteAutosave";
import {
  type Channel,
  type DetailKind,
  newId,
  type NoteFields,
  people,
  type Warmth,
} from "../../contacts-api";
import { useApi } from "../../hooks";
import "../../people.css";
import { navigate, type ScreenProps } from "../../router";

const WARMTHS: Warmth[] = ["hot", "warm", "cold"];
const CHANNELS: { value: Channel; label: string }[] = [
  { value: "email", label: "Email" },
  { value: "linkedin", label: "LinkedIn" },
  { value: "phone", label: "Phone" },
  { value: "other", label: "Other" },
];
const DETAIL_KINDS: { value: DetailKind; label: string }[] = [
  { value: "family", label: "Family event" },
  { value: "trip", label: "Trip" },
  { value: "hobby", label: "Hobby" },
  { value: "milestone", label: "Milestone" },
  { value: "birthday", label: "Birthday" },
  { value: "health", label: "Health (never in a draft)" },
];
// What to type for each kind, so that the draft's sentence reads well.
const DETAIL_HINTS: Record<DetailKind, string> = {
  family: "Daughter graduates in June",
  trip: "Going to Lagos in May",
  hobby: "Plays the cello",
  milestone: "Promotion to CTO",
  birthday: "Birthday",
  health: "Knee surgery in March",
};
const SAVE_LABELS: Record<SaveState, string> = {
  idle: "Start typing: it saves by itself",
  waiting: "Saving…",
  saving: "Saving…",
  saved: "Saved",
  offline: "Saved on this phone — syncs when online",
  error: "Not saved yet — retrying",
};

const EMPTY: NoteFields = {
  text: "",
  topics: [],
  personal_details: [],
  promises: [],
  next_step: "",
  warmth: null,
  preferred_channel: null,
};

export default function QuickCapture({ params, query }: ScreenProps) {
  const editing = query.get("note");
  // The new note's id, made once: the first save creates it, retries find it.
  const freshId = useRef(newId());
  const existing = useApi(
    () => (editing ? people.note(editing) : Promise.resolve(null)),
    [editing],
  );
  if (editing && existing.loading) return <Loading label="Opening the note…" />;
  if (existing.error) {
    return (
      <section class="panel">
        <h1 tabIndex={-1}>This note could not open</h1>
        <ErrorBox error={existing.error} />
        <a href={`/contacts/${params.id}`}>Back to the contact</a>
      </section>
    );
  }
  const note = existing.data;
  const initial: NoteFields = note
    ? {
        text: note.text,
        topics: note.topics,
        personal_details: note.personal_details.map(({ kind, text, on_date }) => ({ kind, text, on_date })),
        promises: note.promises.map(({ id, text, link, due_on, done }) => ({ id, text, link, due_on, done })),
        next_step: note.next_step,
        warmth: note.warmth,
        preferred_channel: note.preferred_channel,
      }
    : EMPTY;
  return (
    <Capture
      key={note?.id ?? "new"}
      contactId={params.id}
      noteId={note?.id ?? freshId.current}
      version={note?.version ?? null}
      initial={initial}
    />
  );
}

interface CaptureProps {
  contactId: string;
  noteId: string;
  version: number | null;
  initial: NoteFields;
}

function Capture({ contactId, noteId, version, initial }: CaptureProps) {
  const contact = useApi(() => people.contact(contactId), [contactId]);
  const recent = useApi(() => people.contacts({ limit: 200 }), []);
  const [fields, setFields] = useState<NoteFields>(initial);
  const [newTopic, setNewTopic] = useState("");
  const saver = useNoteAutosave(contactId, noteId, version);
  const textBox = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    // After the app's own focus-the-heading step, so typing can start at once; but never away
    // from a field the person has already gone to (typing there would land in the note).
    const focus = () => {
      const active = document.activeElement;
      if (active instanceof HTMLElement && active.matches("input, textarea, select")) return;
      textBox.current?.focus({ preventScroll: true });
    };
    focus();
    const later = window.setTimeout(focus, 60);
    return () => window.clearTimeout(later);
  }, []);

  const topicChoices = useMemo(() => {
    const count = new Map<string, number>();
    for (const c of recent.data?.items ?? []) {
      for (const t of c.tags) count.set(t, (count.get(t) ?? 0) + 1);
    }
    const popular = [...count.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    return [...new Set([...fields.topics, ...popular.slice(0, 10)])];
  }, [recent.data, fields.topics]);

  function update(change: Partial<NoteFields>) {
    const next = { ...fields, ...change };
    setFields(next);
    saver.changed(next);
  }

  function toggleTopic(topic: string) {
    const has = fields.topics.some((t) => t.toLowerCase() === topic.toLowerCase());
    update({
      topics: has
        ? fields.topics.filter((t) => t.toLowerCase() !== topic.toLowerCase())
        : [...fields.topics, topic],
    });
  }

  function addTopic(event: Event) {
    event.preventDefault();
    const topic = newTopic.trim().replace(/^#/, "");
    if (topic && !fields.topics.some((t) => t.toLowerCase() === topic.toLowerCase())) {
      update({ topics: [...fields.topics, topic] });
    }
    setNewTopic("");
  }

  async function done() {
    await saver.settle();
    navigate(`/contacts/${contactId}`);
  }

  const name = contact.data?.name || "this contact";
  return (
    <section class="capture stack">
      <div class="capture-head">
        <h1 tabIndex={-1}>Note on {name}</h1>
        <p class={`save-state save-${saver.state}`} role="status" aria-live="polite">
          {SAVE_LABELS[saver.state]}
        </p>
      </div>
      {saver.state === "error" && <p class="field-error">{saver.problem}</p>}
      <label for="note-text" class="visually-hidden">
        What did you talk about?
      </label>
      <textarea
        id="note-text"
        ref={textBox}
        class="capture-text"
        rows={6}
        maxLength={20000}
        placeholder="What did you talk about? What did you learn about them?"
        value={fields.text}
        onInput={(e) => update({ text: e.currentTarget.value })}
      />

      <fieldset class="capture-group">
        <legend>Topics</legend>
        {topicChoices.length > 0 && (
          <div class="chips">
            {topicChoices.map((topic) => {
              const on = fields.topics.includes(topic);
              return (
                <button key={topic} type="button" class="chip" aria-pressed={on} onClick={() => toggleTopic(topic)}>
                  {topic}
                </button>
              );
            })}
          </div>
        )}
        <form class="inline-add" onSubmit={addTopic}>
          <label for="new-topic" class="visually-hidden">
            New topic
          </label>
          <input id="new-topic" value={newTopic} placeholder="Add a topic" maxLength={80} onInput={(e) => setNewTopic(e.currentTarget.value)} />
          <Button type="submit" kind="secondary">
            Add
          </Button>
        </form>
        <LiveSentence input={{ part: "topic", text: newTopic.trim() || fields.topics[0] || "", contact_id: contactId }} />
      </fieldset>

      <fieldset class="capture-group">
        <legend>How warm?</legend>
        <div class="segmented">
          {WARMTHS.map((w) => (
            <button key={w} type="button" class={`segment warmth-choice-${w}`} aria-pressed={fields.warmth === w} onClick={() => update({ warmth: fields.warmth === w ? null : w })}>
              {w[0].toUpperCase() + w.slice(1)}
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset class="capture-group">
        <legend>Best way to reach them</legend>
        <div class="segmented segmented-4">
          {CHANNELS.map((c) => (
            <button key={c.value} type="button" class="segment" aria-pressed={fields.preferred_channel === c.value} onClick={() => update({ preferred_channel: fields.preferred_channel === c.value ? null : c.value })}>
              {c.label}
            </button>
          ))}
        </div>
      </fieldset>

      <PromisesEditor contactId={contactId} fields={fields} update={update} />
      <DetailsEditor contactId={contactId} fields={fields} update={update} />

      <div class="field">
        <label for="next-step">Next step</label>
        <input id="next-step" value={fields.next_step} maxLength={1000} placeholder="e.g. Intro to our battery team" onInput={(e) => update({ next_step: e.currentTarget.value })} />
        <LiveSentence input={{ part: "next_step", text: fields.next_step, contact_id: contactId }} />
      </div>

      <div class="actions">
        <Button onClick={done}>Done</Button>
        <a class="button button-quiet" href={`/contacts/${contactId}`}>
          Back to {name}
        </a>
      </div>
    </section>
  );
}

interface EditorProps {
  contactId: string;
  fields: NoteFields;
  update: (change: Partial<NoteFields>) => void;
}

function PromisesEditor({ contactId, fields, update }: EditorProps) {
  // Links whose field the user has left: only then is a problem with one shown.
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const set = (i: number, change: Partial<NoteFields["promises"][number]>) =>
    update({ promises: fields.promises.map((p, j) => (i === j ? { ...p, ...change } : p)) });
  return (
    <fieldset class="capture-group">
      <legend>Promises</legend>
      {fields.promises.map((p, i) => {
        const key = p.id ?? String(i);
        const problem = left.has(key) ? linkProblem(p.link ?? "") : "";
        return (
          <div key={key} class="repeat-row">
            <div class="field">
              <label for={`promise-${i}`}>I promised to…</label>
              <input id={`promise-${i}`} value={p.text} maxLength={500} placeholder="send the white paper" onInput={(e) => set(i, { text: e.currentTarget.value })} />
              <LiveSentence input={{ part: "promise", text: p.text, link: p.link ?? "", contact_id: contactId }} />
            </div>
            <LinkField
              id={`promise-link-${i}`}
              value={p.link ?? ""}
              problem={problem}
              placeholder="https://… (optional)"
              onValue={(link) => set(i, { link })}
              onBlur={() => setLeft((s) => new Set(s).add(key))}
            />
            <div class="field">
              <label for={`promise-due-${i}`}>By</label>
              <input id={`promise-due-${i}`} type="date" value={p.due_on ?? ""} onInput={(e) => set(i, { due_on: e.currentTarget.value || null })} />
            </div>
            <Button kind="quiet" onClick={() => update({ promises: fields.promises.filter((_, j) => j !== i) })}>
              Remove promise
            </Button>
          </div>
        );
      })}
      <Button kind="secondary" onClick={() => update({ promises: [...fields.promises, { id: newId(), text: "", link: "", due_on: null, done: false }] })}>
        Add a promise
      </Button>
    </fieldset>
  );
}

function DetailsEditor({ contactId, fields, update }: EditorProps) {
  const set = (i: number, change: Partial<NoteFields["personal_details"][number]>) =>
    update({
      personal_details: fields.personal_details.map((d, j) => (i === j ? { ...d, ...change } : d)),
    });
  return (
    <fieldset class="capture-group">
      <legend>Personal details</legend>
      {fields.personal_details.map((d, i) => (
        <div key={i} class="repeat-row">
          <div class="field">
            <label for={`detail-kind-${i}`}>Kind</label>
            <select id={`detail-kind-${i}`} value={d.kind} onChange={(e) => set(i, { kind: e.currentTarget.value as DetailKind })}>
              {DETAIL_KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for={`detail-text-${i}`}>Detail</label>
            <input id={`detail-text-${i}`} value={d.text} maxLength={500} placeholder={DETAIL_HINTS[d.kind]} onInput={(e) => set(i, { text: e.currentTarget.value })} />
            <LiveSentence id={`detail-sentence-${i}`} input={{ part: "detail", kind: d.kind, text: d.text, contact_id: contactId }} />
          </div>
          <div class="field">
            <label for={`detail-date-${i}`}>Date{d.kind === "birthday" ? "" : " (optional)"}</label>
            <input id={`detail-date-${i}`} type="date" value={d.on_date ?? ""} onInput={(e) => set(i, { on_date: e.currentTarget.value || null })} />
            {d.kind === "birthday" && !d.on_date && <p class="field-hint">A birthday is saved once it has a date.</p>}
          </div>
          <Button kind="quiet" onClick={() => update({ personal_details: fields.personal_details.filter((_, j) => j !== i) })}>
            Remove detail
          </Button>
        </div>
      ))}
      <Button kind="secondary" onClick={() => update({ personal_details: [...fields.personal_details, { kind: "hobby", text: "", on_date: null }] })}>
        Add a personal detail
      </Button>
    </fieldset>
  );
}
