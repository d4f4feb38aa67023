// The full-screen answer to a scan: green (checked in), amber (already in: when and where),
// red (not let in, and why). Big enough to read at arm's length; a tap dismisses it.
import { useEffect, useRef } from "preact/hooks";
import type { ScanAnswer } from "../../door-api";

export type ResultColor = "green" | "amber" | "red";

/** What the overlay shows: from a server answer, or said by the phone itself. */
export interface ShownResult {
  color: ResultColor;
  headline: string;
  name?: string;
  details?: string;
  message: string;
}

const HEADLINES: Record<ScanAnswer["outcome"], string> = {
  ok: "Checked in",
  already_checked_in: "Already checked in",
  invalid: "Unknown badge",
  revoked: "Replaced badge",
  wrong_event: "Other event",
  not_open: "Check-in not open",
};

// Distinct patterns, so staff feel the answer without looking: one tick, three ticks, two long.
const VIBRATION: Record<ResultColor, number[]> = {
  green: [80],
  amber: [60, 60, 60, 60, 60],
  red: [300, 120, 300],
};

/** What to show for a server answer. */
export function resultFromAnswer(answer: ScanAnswer): ShownResult {
  const person = answer.attendee;
  let message = answer.message;
  if (answer.outcome === "already_checked_in" && answer.check_in) {
    const first = answer.check_in;
    const where =
      first.method === "self" ? " (self check-in)" : first.gate ? `, gate ${first.gate}` : "";
    message = `Already checked in at ${first.local_time}${where}.`;
  }
  return {
    color: answer.color,
    headline: HEADLINES[answer.outcome] ?? answer.outcome,
    name: person?.name,
    details: person ? [person.title, person.company].filter(Boolean).join(" · ") : undefined,
    message,
  };
}

/** Buzz the phone, where it can, with the pattern for this colour. */
export function vibrateFor(color: ResultColor): void {
  try {
    navigator.vibrate?.(VIBRATION[color]);
  } catch {
    // Some browsers refuse without a recent tap: the colour says it anyway.
  }
}

interface Props {
  result: ShownResult;
  onDismiss: () => void;
  /** Dismiss by itself after this long (ms); 0 keeps it until tapped. */
  autoDismissMs?: number;
}

export function ScanResult({ result, onDismiss, autoDismissMs = 0 }: Props) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    button.current?.focus({ preventScroll: true });
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onDismiss();
    };
    document.addEventListener("keydown", onKey);
    const timer = autoDismissMs ? window.setTimeout(onDismiss, autoDismissMs) : 0;
    return () => {
      document.removeEventListener("keydown", onKey);
      window.clearTimeout(timer);
    };
  }, [result]);

  return (
    <div class={`scan-result scan-result-${result.color}`} role="alert" onClick={onDismiss}>
      <p class="scan-result-headline">{result.headline}</p>
      {result.name && <p class="scan-result-name">{result.name}</p>}
      {result.details && <p class="scan-result-details">{result.details}</p>}
      <p class="scan-result-message">{result.message}</p>
      {/* Its click reaches the overlay's handler: one dismissal for a tap or for Enter. */}
      <button ref={button} type="button" class="button scan-result-dismiss">
        {autoDismissMs ? "Next scan" : "Close"}
      </button>
    </div>
  );
}
