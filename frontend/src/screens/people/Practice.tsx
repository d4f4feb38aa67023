// /pitches/:id/practice: the pitch in big type with a big timer (start / pause / reset) that
// turns amber near the target and red past it.
import { useEffect, useRef, useState } from "preact/hooks";
import { Button } from "../../components/Button";
import { LoadFailed } from "../../components/LoadFailed";
import { Loading } from "../../components/Loading";
import { clock } from "../../components/people/timing";
import { people } from "../../contacts-api";
import { useApi } from "../../hooks";
import "../../people.css";
import type { ScreenProps } from "../../router";

export default function Practice({ params }: ScreenProps) {
  const pitch = useApi(() => people.pitch(params.id), [params.id]);
  const [elapsed, setElapsed] = useState(0);
  const [running, setRunning] = useState(false);
  const startedAt = useRef(0);
  const before = useRef(0);

  useEffect(() => {
    if (!running) return;
    startedAt.current = performance.now();
    const tick = window.setInterval(() => {
      setElapsed(before.current + (performance.now() - startedAt.current) / 1000);
    }, 200);
    return () => window.clearInterval(tick);
  }, [running]);

  function toggle() {
    if (running) before.current = elapsed;
    setRunning(!running);
  }

  function reset() {
    setRunning(false);
    before.current = 0;
    setElapsed(0);
  }

  if (pitch.loading && !pitch.data) return <Loading />;
  if (!pitch.data) {
    return (
      <LoadFailed
        title={pitch.error?.status === 404 ? "No such pitch" : "This pitch could not load"}
        error={pitch.error}
        onRetry={pitch.reload}
        back={{ href: "/pitches", label: "All pitches" }}
      />
    );
  }
  const target = pitch.data.target_seconds;
  const phase = elapsed > target ? "over" : elapsed > target * 0.9 ? "near" : "ok";

  return (
    <section class="stack practice">
      <p class="breadcrumb">
        <a href="/pitches">All pitches</a>
      </p>
      <h1 tabIndex={-1}>{pitch.data.title}</h1>
      <p class={`practice-timer practice-${phase}`} role="timer" aria-live="off">
        {clock(elapsed)}
        <span class="practice-target"> / {clock(target)}</span>
      </p>
      {phase === "over" && <p class="overdue" role="status">Past your {target} s target</p>}
      <div class="actions">
        <Button onClick={toggle}>{running ? "Pause" : elapsed > 0 ? "Resume" : "Start"}</Button>
        <Button kind="secondary" onClick={reset}>
          Reset
        </Button>
      </div>
      <p class="practice-text">{pitch.data.text || "This pitch has no text yet."}</p>
      <p class="muted">
        {pitch.data.word_count} words · about {clock(pitch.data.speaking_seconds)} at {pitch.data.words_per_minute} wpm
      </p>
    </section>
  );
}
