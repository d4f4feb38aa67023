// Checking in someone without their badge: find them by name (or email, company), then check
// them in by hand. Shows who is in already, with when and where.
import { useEffect, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { doorApi, type DoorAttendee, newAttempt, type ScanAnswer } from "../../door-api";
import { asApiError } from "../../hooks";
import type { ShownResult } from "./ScanResult";

const SEARCH_DELAY_MS = 250;

interface Props {
  eventId: string;
  gate: string;
  /** A check-in was answered: show it as a scan result. */
  onAnswer: (answer: ScanAnswer) => void;
  /** Bumped by the door screen after each answer, to refresh the shown states. */
  refresh: number;
  /** Offline, search and check in from the phone's offline pack instead (DoorScanner). */
  offline?: OfflineDoor;
}

export interface OfflineDoor {
  find: (q: string) => DoorAttendee[];
  checkIn: (attendeeId: string) => Promise<ShownResult>;
  onShown: (shown: ShownResult) => void;
}

export function ManualCheckIn({ eventId, gate, onAnswer, refresh, offline }: Props) {
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<DoorAttendee[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setFound(null);
      setError(null);
      return;
    }
    let live = true;
    const timer = window.setTimeout(() => {
      if (offline && !navigator.onLine) {
        setFound(offline.find(q));
        setError(null);
        return;
      }
      doorApi.findAtDoor(eventId, q).then(
        (people) => {
          if (!live) return;
          setFound(people);
          setError(null);
        },
        (err: unknown) => {
          if (!live) return;
          const problem = asApiError(err);
          if (problem.status === 0 && offline) setFound(offline.find(q));
          else setError(problem);
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [eventId, query, refresh]);

  async function checkIn(person: DoorAttendee) {
    setBusyId(person.attendee.id);
    setError(null);
    try {
      if (offline && !navigator.onLine) {
        offline.onShown(await offline.checkIn(person.attendee.id));
        return;
      }
      onAnswer(await doorApi.checkInByHand(eventId, person.attendee.id, newAttempt(gate)));
    } catch (err) {
      const problem = asApiError(err);
      if (problem.status === 0 && offline) offline.onShown(await offline.checkIn(person.attendee.id));
      else setError(problem);
    } finally {
      setBusyId(null);
    }
  }

  return (
    <section class="panel" aria-labelledby="manual-title">
      <h2 id="manual-title">No badge? Find them by name</h2>
      <form class="search" role="search" onSubmit={(e) => e.preventDefault()}>
        <label class="visually-hidden" for="door-search">
          Name, email or company
        </label>
        <input
          id="door-search"
          type="search"
          autoComplete="off"
          placeholder="Name, email or company"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </form>
      <ErrorBox error={error} />
      {found && found.length === 0 && <p class="muted">Nobody matches “{query.trim()}”.</p>}
      {found && found.length > 0 && (
        <ul class="people door-people">
          {found.map((person) => (
            <li key={person.attendee.id}>
              <div>
                <span class="person-name">{person.attendee.name}</span>
                <span class="person-meta">
                  {[person.attendee.title, person.attendee.company].filter(Boolean).join(" · ")}
                </span>
                {person.check_in && (
                  <span class="door-status">
                    Checked in at {person.check_in.local_time}
                    {person.check_in.gate ? `, gate ${person.check_in.gate}` : ""}
                  </span>
                )}
              </div>
              {!person.check_in && (
                <button
                  type="button"
                  class="button button-primary"
                  disabled={busyId !== null}
                  aria-busy={busyId === person.attendee.id || undefined}
                  onClick={() => checkIn(person)}
                >
                  {busyId === person.attendee.id ? "Checking in…" : "Check in"}
                  <span class="visually-hidden"> {person.attendee.name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
