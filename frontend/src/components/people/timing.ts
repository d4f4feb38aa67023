// Speaking time of a pitch, counted as the server counts it (services/people/pitches.py), live.

const WORD = /[\p{L}\p{N}_]+(?:['\u2019-][\p{L}\p{N}_]+)*/gu;

/** Words as a listener hears them: "don't" and "e-mail" count once. */
export function wordCount(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

export interface Timing {
  words: number;
  seconds: number;
  delta: number;
  fit: "under" | "on_target" | "over";
}

/** Seconds to say `text` at `wpm`, and how far from `target` (within 10 % is on target). */
export function timing(text: string, target: number, wpm: number): Timing {
  const words = wordCount(text);
  const seconds = Math.round((words * 600) / wpm) / 10;
  const delta = Math.round((seconds - target) * 10) / 10;
  const fit = Math.abs(delta) <= target * 0.1 ? "on_target" : delta > 0 ? "over" : "under";
  return { words, seconds, delta, fit };
}

/** "1:05" */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** "12 s too long", "on target", "8 s short". */
export function fitText(t: Timing): string {
  if (t.fit === "on_target") return "On target";
  const off = Math.abs(Math.round(t.delta));
  return t.fit === "over" ? `${off} s too long` : `${off} s short`;
}
