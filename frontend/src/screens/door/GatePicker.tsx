// Which door or desk this phone scans at ("A", "Main entrance"): asked once, remembered on this
// phone per event, and sent with every scan so the live view can count per gate.
import { useState } from "preact/hooks";
import { TextField } from "../../components/Field";

const key = (eventId: string) => `rapport.door.gate.${eventId}`;

/** The gate chosen on this phone for the event, or null if none yet. */
export function loadGate(eventId: string): string | null {
  try {
    return window.localStorage.getItem(key(eventId));
  } catch {
    return null; // storage blocked: ask each time
  }
}

/** Remember the gate for the event on this phone. */
export function saveGate(eventId: string, gate: string): void {
  try {
    window.localStorage.setItem(key(eventId), gate);
  } catch {
    // Storage blocked: it holds for this visit only.
  }
}

export function GatePicker({
  initial,
  onChoose,
}: {
  initial: string;
  onChoose: (gate: string) => void;
}) {
  const [gate, setGate] = useState(initial);
  return (
    <form
      class="panel stack"
      onSubmit={(e) => {
        e.preventDefault();
        onChoose(gate.trim().slice(0, 60));
      }}
    >
      <TextField
        label="Gate"
        name="gate"
        hint="Which door or desk you scan at, e.g. A (up to 60 characters). This phone remembers it."
        maxLength={60}
        value={gate}
        onValue={setGate}
      />
      <div class="actions">
        <button type="submit" class="button button-primary">
          Start scanning
        </button>
      </div>
    </form>
  );
}
