// The live view's "Conflicts" section: badges let in by two phones (offline doors), with every
// admitting scan, and how many scans came from offline phones (GET …/door/conflicts).
import { useEffect, useState } from "preact/hooks";
import { request } from "../../api";
import type { AttendeeBrief } from "../../door-api";

interface ConflictScan {
  scan_id: string;
  device: string;
  gate: string;
  scanned_at: string;
  received_at: string;
  offline: boolean;
}

interface DoorConflicts {
  conflicts: { attendee: AttendeeBrief; scans: ConflictScan[]; first_reported_at: string }[];
  offline_scans: number;
  late_uploads: number;
}

const POLL_MS = 15_000;

export function DoorConflictsPanel({ eventId, clock }: { eventId: string; clock: Intl.DateTimeFormat }) {
  const [data, setData] = useState<DoorConflicts | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      request<DoorConflicts>(`/events/${encodeURIComponent(eventId)}/door/conflicts`).then(
        (answer) => live && setData(answer),
        () => {}, // the stats above already say when the server is out of reach
      );
    void load();
    const timer = window.setInterval(load, POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [eventId]);
  if (!data) return null;
  return (
    <section class="panel" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts</h2>
      <p class="muted">
        {data.offline_scans} scans from offline phones, {data.late_uploads} of them uploaded late.
      </p>
      {data.conflicts.length === 0 ? (
        <p class="muted">No badge was let in by two phones.</p>
      ) : (
        <ul class="people live-conflicts">
          {data.conflicts.map((c) => (
            <li key={c.attendee.id}>
              <span class="person-name">{c.attendee.name} — let in by {c.scans.length} phones</span>
              <span class="person-meta">
                {c.scans
                  .map(
                    (s) =>
                      `${s.device}${s.gate ? ` (gate ${s.gate})` : ""} at ${clock.format(new Date(s.scanned_at))}${s.offline ? ", offline" : ""}`,
                  )
                  .join("; ")}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
