// /pitches: my elevator pitches (title, audience, text) with live word count and speaking time
// at my words-per-minute against a 30/60/90 s target; practise one; use one as my headline.
import { useState } from "preact/hooks";
import { type ApiError, fieldProblem } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import { clock, fitText, timing } from "../../components/people/timing";
import { newId, type Pitch, people, type TargetSeconds } from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";
import "../../people.css";

const TARGETS: TargetSeconds[] = [30, 60, 90];

export default function Pitches() {
  const list = useApi(() => people.pitches(), []);
  const card = useApi(() => people.myCard(), []);
  const [adding, setAdding] = useState(false);
  const wpm = card.data?.words_per_minute ?? list.data?.[0]?.words_per_minute ?? 130;

  async function add() {
    setAdding(true);
    try {
      await people.createPitch({ id: newId(), title: "New pitch", audience: "", text: "", target_seconds: 60 });
      list.reload();
    } catch (err) {
      announce(asApiError(err).detail, "error");
    } finally {
      setAdding(false);
    }
  }

  return (
    <section class="stack-lg">
      <div class="title-row">
        <h1 tabIndex={-1}>Pitches</h1>
        <Button onClick={add} busy={adding} busyLabel="Adding…">
          New pitch
        </Button>
      </div>
      <p class="breadcrumb">
        <a href="/me">My card</a>
      </p>
      {card.data && <SpeakingSpeed wpm={wpm} onSaved={() => { card.reload(); list.reload(); }} />}
      {list.loading && !list.data && <Loading label="Loading your pitches…" />}
      <ErrorBox error={list.error} />
      {list.data?.length === 0 && (
        <div class="panel empty">
          <p>No pitches yet. Write a 30-second one for the coffee queue and a longer one for investors.</p>
        </div>
      )}
      {list.data?.map((pitch) => (
        <PitchEditor key={pitch.id} pitch={pitch} wpm={wpm} onChange={list.reload} />
      ))}
    </section>
  );
}

function SpeakingSpeed({ wpm, onSaved }: { wpm: number; onSaved: () => void }) {
  const [value, setValue] = useState(String(wpm));
  const [error, setError] = useState<ApiError | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      await people.cardSettings({ words_per_minute: Number(value) });
      announce("Speaking speed saved.", "success");
      onSaved();
    } catch (err) {
      setError(asApiError(err));
    }
  }

  return (
    <form class="inline-add wpm" onSubmit={save}>
      <label for="wpm">My speaking speed (words per minute)</label>
      <input id="wpm" type="number" inputMode="numeric" min={60} max={250} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <Button type="submit" kind="secondary">
        Save
      </Button>
      {error && <p class="field-error">{error.fieldMessage("words_per_minute") ?? error.detail}</p>}
    </form>
  );
}

function PitchEditor({ pitch, wpm, onChange }: { pitch: Pitch; wpm: number; onChange: () => void }) {
  const [title, setTitle] = useState(pitch.title);
  const [audience, setAudience] = useState(pitch.audience);
  const [text, setText] = useState(pitch.text);
  const [target, setTarget] = useState<TargetSeconds>(pitch.target_seconds);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const live = timing(text, target, wpm);
  const changed = title !== pitch.title || audience !== pitch.audience || text !== pitch.text || target !== pitch.target_seconds;
  const id = pitch.id;

  async function save(event?: Event) {
    event?.preventDefault();
    // `required` lets a title of spaces through; the server refuses it, so say so at once.
    if (!title.trim()) {
      setError(fieldProblem("title", "Give the pitch a title."));
      document.getElementById(`title-${id}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await people.patchPitch(id, { title, audience, text, target_seconds: target });
      announce("Pitch saved.", "success");
      onChange();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  async function useAsHeadline() {
    try {
      if (changed) await people.patchPitch(id, { title, audience, text, target_seconds: target });
      await people.cardSettings({ headline_pitch_id: id });
      announce("This pitch is now your card's headline.", "success");
      onChange();
    } catch (err) {
      announce(asApiError(err).detail, "error");
    }
  }

  async function remove() {
    if (!window.confirm(`Delete the pitch “${pitch.title}”?`)) return;
    try {
      await people.deletePitch(id);
      onChange();
    } catch (err) {
      announce(asApiError(err).detail, "error");
    }
  }

  return (
    <form class="panel stack pitch" onSubmit={save} aria-label={`Pitch: ${pitch.title}`}>
      <ErrorBox error={error} shownFields={["title", "audience", "text"]} />
      <div class="field">
        <label for={`title-${id}`}>Title</label>
        <input
          id={`title-${id}`}
          value={title}
          maxLength={200}
          required
          aria-invalid={error?.fieldMessage("title") ? true : undefined}
          aria-describedby={error?.fieldMessage("title") ? `title-${id}-error` : undefined}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
        {error?.fieldMessage("title") && (
          <p class="field-error" id={`title-${id}-error`}>
            {error.fieldMessage("title")}
          </p>
        )}
      </div>
      <div class="field">
        <label for={`audience-${id}`}>For whom</label>
        <input id={`audience-${id}`} value={audience} maxLength={200} placeholder="e.g. investors, engineers" onInput={(e) => setAudience(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`text-${id}`}>Pitch</label>
        <textarea id={`text-${id}`} rows={5} value={text} maxLength={5000} aria-describedby={`timing-${id}`} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      <fieldset class="capture-group">
        <legend>Target length</legend>
        <div class="segmented">
          {TARGETS.map((t) => (
            <button key={t} type="button" class="segment" aria-pressed={target === t} onClick={() => setTarget(t)}>
              {t} s
            </button>
          ))}
        </div>
      </fieldset>
      <p id={`timing-${id}`} class={`timing timing-${live.fit}`} aria-live="polite">
        <strong>{live.words} words</strong> · {clock(live.seconds)} at {wpm} wpm ·{" "}
        <span class="fit">{fitText(live)}</span>
      </p>
      {pitch.is_headline && <p class="exchange-status exchange-new">Your card's headline</p>}
      <div class="actions">
        <Button type="submit" busy={busy} busyLabel="Saving…" disabled={!changed}>
          Save
        </Button>
        <a class="button button-secondary" href={`/pitches/${id}/practice`}>
          Practice
        </a>
        {!pitch.is_headline && (
          <Button kind="secondary" onClick={useAsHeadline}>
            Use as my card headline
          </Button>
        )}
        <Button kind="quiet" onClick={remove}>
          Delete
        </Button>
      </div>
    </form>
  );
}
