// The door on the event page: links to the scanner and the live view for the door team, and for
// organizers the check-in window and self check-in with its printable door poster.
import { useState } from "preact/hooks";
import { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import { doorApi, doorLinks, type DoorSettings } from "../../door-api";
import { asApiError, useApi } from "../../hooks";
import "../../door.css";

export function DoorPanel({
  eventId,
  timezone,
  organizer,
}: {
  eventId: string;
  timezone: string;
  organizer: boolean;
}) {
  return (
    <section class="panel" aria-labelledby="door-title">
      <h2 id="door-title">Door</h2>
      <p class="door-links">
        <a class="button button-primary" href={`/events/${eventId}/door`}>
          Door scanner
        </a>
        <a class="button button-secondary" href={`/events/${eventId}/live`}>
          Live view
        </a>
      </p>
      {organizer && <DoorSettingsForm eventId={eventId} timezone={timezone} />}
    </section>
  );
}

function DoorSettingsForm({ eventId, timezone }: { eventId: string; timezone: string }) {
  const loaded = useApi(() => doorApi.settings(eventId), [eventId]);
  const [settings, setSettings] = useState<DoorSettings | null>(null);
  const [opensBefore, setOpensBefore] = useState<string | null>(null);
  // The box shows the choice at once, while the server is asked.
  const [wantSelf, setWantSelf] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const current = settings ?? loaded.data;

  if (loaded.loading && !current) return <Loading label="Loading the door settings…" />;
  if (!current) return <ErrorBox error={loaded.error} />;

  const clock = new Intl.DateTimeFormat(undefined, {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });

  async function change(run: () => Promise<DoorSettings>, done: string) {
    setBusy(true);
    setError(null);
    try {
      setSettings(await run());
      setOpensBefore(null);
      announce(done, "success");
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
      setWantSelf(null);
    }
  }

  function saveWindow(event: Event) {
    event.preventDefault();
    // An untouched box saves what it shows; an emptied one is a mistake, not 0.
    const typed = (opensBefore ?? String(current!.opens_minutes_before_start)).trim();
    const minutes = Number(typed);
    if (typed === "" || !Number.isInteger(minutes) || minutes < 0 || minutes > 10080) {
      setError(
        new ApiError(422, "invalid", "Give the minutes as a whole number from 0 to 10080 (a week)."),
      );
      return;
    }
    void change(
      () => doorApi.updateSettings(eventId, { opens_minutes_before_start: minutes }),
      "The check-in window is saved.",
    );
  }

  function rotate() {
    const sure = window.confirm(
      "Make a new door poster? The printed one stops working at once: print and hang the new one.",
    );
    if (sure) void change(() => doorApi.rotatePoster(eventId), "A new door poster is ready.");
  }

  const enabled = current.self_check_in_enabled;
  return (
    <div class="stack">
      <ErrorBox error={error} />
      <h3>Check-in window</h3>
      <p>
        Scans count from {clock.format(new Date(current.window.opens_at))} to{" "}
        {clock.format(new Date(current.window.closes_at))} ({timezone}).
      </p>
      <form class="field" onSubmit={saveWindow}>
        <label for="opens-before">Door opens, in minutes before the start</label>
        <div class="search">
          <input
            id="opens-before"
            type="number"
            min={0}
            max={10080}
            inputMode="numeric"
            value={opensBefore ?? String(current.opens_minutes_before_start)}
            onInput={(e) => setOpensBefore(e.currentTarget.value)}
          />
          <Button type="submit" kind="secondary" busy={busy}>
            Save
          </Button>
        </div>
      </form>

      <h3>Self check-in</h3>
      <label class="check-row">
        <input
          type="checkbox"
          checked={wantSelf ?? enabled}
          disabled={busy}
          onChange={(e) => {
            const on = e.currentTarget.checked;
            setWantSelf(on);
            void change(
              () => doorApi.updateSettings(eventId, { self_check_in_enabled: on }),
              on ? "Self check-in is on." : "Self check-in is off.",
            );
          }}
        />
        Attendees may check themselves in by scanning the door poster
      </label>
      {enabled && current.poster_url && (
        <>
          <img
            class="poster-preview"
            src={doorLinks.posterSvg(eventId, current.poster_rotated_at ?? "")}
            alt="The door poster's QR code"
            width={192}
            height={192}
          />
          <div class="actions">
            <a
              class="button button-primary"
              href={doorLinks.posterPdf(eventId)}
              target="_blank"
              rel="noopener"
            >
              Door poster (PDF, to print)
            </a>
            <Button kind="secondary" busy={busy} onClick={rotate}>
              New poster
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
