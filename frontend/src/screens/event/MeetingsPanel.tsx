// The organizer's meetings panel: whether people can book meetings, when (windows per day in
// the event's time zone), slot length, places and limits; and the figures (requests, meetings
// held, no-shows per day, how full each place is per slot) with a CSV export.
import { useEffect, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { announce } from "../../components/Status";
import { asApiError, useApi } from "../../hooks";
import { type MeetingSettings, type MeetingStats, meetings, slotLabel } from "../../meetings-api";
import "../../meetings.css";

const WINDOW = /^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/;
const PLACE = /^(.*?)(?:\s*[x×]\s*(\d+))?$/;

function windowsText(s: MeetingSettings): string {
  return s.windows.map((w) => `${w.day} ${w.start.slice(0, 5)}-${w.end.slice(0, 5)}`).join("\n");
}

function placesText(s: MeetingSettings): string {
  return s.places.map((p) => (p.capacity > 1 ? `${p.name} x${p.capacity}` : p.name)).join("\n");
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

export function MeetingsPanel({ eventId, timezone }: { eventId: string; timezone: string }) {
  const loaded = useApi(() => meetings.settings(eventId), [eventId]);
  const stats = useApi(() => meetings.stats(eventId), [eventId]);
  const [form, setForm] = useState<MeetingSettings | null>(null);
  const [windows, setWindows] = useState("");
  const [places, setPlaces] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!loaded.data) return;
    setForm(loaded.data);
    setWindows(windowsText(loaded.data));
    setPlaces(placesText(loaded.data));
  }, [loaded.data]);

  if (!form) return null;
  const set = (change: Partial<MeetingSettings>) => setForm({ ...form, ...change });

  async function save(event: Event) {
    event.preventDefault();
    if (!form) return;
    const parsed = lines(windows).map((l) => WINDOW.exec(l));
    if (parsed.some((m) => !m)) {
      setError(asApiError(new Error("Write each window as 2030-05-01 09:00-12:00, one per line.")));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const saved = await meetings.saveSettings(eventId, {
        ...form,
        windows: parsed.map((m) => ({ day: m![1], start: m![2], end: m![3] })),
        places: lines(places).map((l) => {
          const m = PLACE.exec(l)!;
          return { name: m[1], capacity: m[2] ? Number(m[2]) : 1 };
        }),
      });
      announce("Meeting settings saved.", "success");
      setForm(saved);
      stats.reload();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel stack meetings-panel" aria-labelledby="meetings-settings-title">
      <h2 id="meetings-settings-title">Meetings</h2>
      <form class="stack" onSubmit={save} noValidate>
        <ErrorBox error={error} />
        <label class="slot-choice">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: (e.target as HTMLInputElement).checked })} />
          People can book one-to-one meetings
        </label>
        <div class="field">
          <label for="meeting-windows">When ({timezone}), one window per line</label>
          <textarea id="meeting-windows" rows={3} value={windows} placeholder="2030-05-01 09:00-12:00" onInput={(e) => setWindows((e.target as HTMLTextAreaElement).value)} />
        </div>
        <div class="field">
          <label for="meeting-length">Slot length</label>
          <select id="meeting-length" value={String(form.slot_minutes)} onChange={(e) => set({ slot_minutes: Number((e.target as HTMLSelectElement).value) as 15 | 20 | 30 })}>
            <option value="15">15 minutes</option>
            <option value="20">20 minutes</option>
            <option value="30">30 minutes</option>
          </select>
        </div>
        <label class="slot-choice">
          <input type="checkbox" checked={form.find_each_other} onChange={(e) => set({ find_each_other: (e.target as HTMLInputElement).checked })} />
          No places: people find each other
        </label>
        {!form.find_each_other && (
          <div class="field">
            <label for="meeting-places">Places, one per line (“Lounge x3” holds three meetings at once)</label>
            <textarea id="meeting-places" rows={4} value={places} onInput={(e) => setPlaces((e.target as HTMLTextAreaElement).value)} />
          </div>
        )}
        <div class="field">
          <label for="meeting-pending">Requests one person may have waiting</label>
          <input id="meeting-pending" type="number" min={1} max={100} value={form.max_pending_out} onInput={(e) => set({ max_pending_out: Number((e.target as HTMLInputElement).value) })} />
        </div>
        <div class="field">
          <label for="meeting-per-day">Meetings per person per day</label>
          <input id="meeting-per-day" type="number" min={1} max={100} value={form.max_meetings_per_day} onInput={(e) => set({ max_meetings_per_day: Number((e.target as HTMLInputElement).value) })} />
        </div>
        <div class="field">
          <label for="meeting-expiry">A request expires after (hours)</label>
          <input id="meeting-expiry" type="number" min={1} max={720} value={form.expiry_hours} onInput={(e) => set({ expiry_hours: Number((e.target as HTMLInputElement).value) })} />
        </div>
        <div class="actions">
          <Button type="submit" busy={busy} busyLabel="Saving…">
            Save meeting settings
          </Button>
        </div>
      </form>
      {stats.data && <Figures stats={stats.data} timezone={timezone} eventId={eventId} />}
    </section>
  );
}

function Figures({ stats, timezone, eventId }: { stats: MeetingStats; timezone: string; eventId: string }) {
  return (
    <div class="stack">
      <h3>Figures</h3>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th>Day</th>
              <th>Sent</th>
              <th>Accepted</th>
              <th>Declined</th>
              <th>Expired</th>
              <th>Held</th>
              <th>No-shows</th>
            </tr>
          </thead>
          <tbody>
            {stats.days.map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                <td>{d.requests_sent}</td>
                <td>{d.accepted}</td>
                <td>{d.declined}</td>
                <td>{d.expired}</td>
                <td>{d.held}</td>
                <td>{d.no_shows}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {stats.places.map((p) => (
        <figure key={p.place} class="stack">
          <figcaption>
            {p.place} (holds {p.capacity})
          </figcaption>
          <div class="fullness" role="img" aria-label={`${p.place}: ${p.booked.reduce((a, b) => a + b, 0)} meetings booked`}>
            {p.booked.map((n, i) => (
              <span
                key={stats.slots[i]}
                style={{ height: `${Math.round((100 * n) / p.capacity)}%` }}
                title={`${slotLabel(stats.slots[i], timezone)}: ${n} of ${p.capacity}`}
              />
            ))}
          </div>
        </figure>
      ))}
      <p>
        <a href={`/api/v1/events/${eventId}/meetings/stats.csv`} download>
          Download the figures (CSV)
        </a>
      </p>
    </div>
  );
}
