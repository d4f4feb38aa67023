// "Keep in touch every …" for one contact: 2 weeks, 1 month, 3 months, a custom number of days,
// or off. Used on /reminders and on the contact page.
import { useEffect, useId, useState } from "preact/hooks";
import { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { shortDate } from "../../components/people/when";
import { announce } from "../../components/Status";
import { type Cadence, staying } from "../../followups-api";
import "../../followups.css";

const PRESETS: { days: number; label: string }[] = [
  { days: 14, label: "2 weeks" },
  { days: 30, label: "1 month" },
  { days: 90, label: "3 months" },
];

interface Props {
  contactId: string;
  current: Cadence | null;
  onChange?: (cadence: Cadence | null) => void;
}

/** The select's value for a cadence of this many days ("" for none). */
function preset(days: number | undefined): string {
  return days === undefined ? "" : PRESETS.some((p) => p.days === days) ? String(days) : "custom";
}

/** Give it `key={contactId}`: what the user picked belongs to one contact. */
export function CadenceControl({ contactId, current, onChange }: Props) {
  const id = useId();
  // What the user picked or typed; until then the saved cadence shows. Derived rather than copied
  // in by an effect, so a pick made before the effect would have run is never overwritten.
  const [picked, setChoice] = useState<string | null>(null);
  const [typed, setCustom] = useState<string | null>(null);
  const choice = picked ?? preset(current?.every_days);
  const custom = typed ?? String(current?.every_days ?? 60);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");

  async function save() {
    setBusy(true);
    setProblem("");
    try {
      if (choice === "") {
        if (current) await staying.removeCadence(contactId);
        announce("No keep-in-touch reminder for this contact.", "success");
        onChange?.(null);
      } else {
        const days = choice === "custom" ? Number.parseInt(custom, 10) : Number(choice);
        if (!Number.isFinite(days) || days < 1 || days > 3650) {
          setProblem("Give a number of days from 1 to 3650.");
          return;
        }
        const saved = await staying.setCadence(contactId, days);
        announce(`Keep in touch every ${days} days; next check-in ${shortDate(saved.next_due_on)}.`, "success");
        onChange?.(saved);
      }
    } catch (err) {
      setProblem(err instanceof ApiError ? err.detail : "Could not save.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="cadence-control">
      <div class="cadence-row">
        <div class="field">
          <label for={`${id}-every`}>Keep in touch every</label>
          <select id={`${id}-every`} value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
            <option value="">Off</option>
            {PRESETS.map((p) => (
              <option key={p.days} value={String(p.days)}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </div>
        {choice === "custom" && (
          <div class="field cadence-days">
            <label for={`${id}-days`}>Days</label>
            <input id={`${id}-days`} type="number" inputMode="numeric" min={1} max={3650} value={custom} onInput={(e) => setCustom(e.currentTarget.value)} />
          </div>
        )}
        <Button kind="secondary" busy={busy} busyLabel="Saving…" onClick={save}>
          Set
        </Button>
      </div>
      {current && <p class="muted small">Next check-in due {shortDate(current.next_due_on)}.</p>}
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

/** The contact page's "Keep in touch" section: loads this contact's cadence, if any. */
export function ContactKeepInTouch({ contactId }: { contactId: string }) {
  const [current, setCurrent] = useState<Cadence | null>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    staying.cadences().then(
      (all) => {
        if (!live) return;
        setCurrent(all.find((c) => c.contact_id === contactId) ?? null);
        setLoaded(true);
      },
      () => live && setLoaded(true),
    );
    return () => {
      live = false;
    };
  }, [contactId]);
  return (
    <section aria-labelledby="keep-in-touch-title">
      <h2 id="keep-in-touch-title">Keep in touch</h2>
      {loaded && <CadenceControl key={contactId} contactId={contactId} current={current} onChange={setCurrent} />}
    </section>
  );
}
