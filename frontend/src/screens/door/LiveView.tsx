// /events/:id/live: the organizer's live view of the door. Checked in of registered, per gate,
// arrivals per 5 minutes, the last scans and the failed ones by reason. Follows the stats
// stream (or polls every 3 s) while the tab is visible; organizers can download the check-in
// list as CSV.
import { useEffect, useState } from "preact/hooks";
import { api, type ApiError } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { ExportButton } from "../../components/ExportButton";
import { Loading } from "../../components/Loading";
import { type CheckInStats, doorApi, doorLinks, type ScanOutcome } from "../../door-api";
import { asApiError, useApi } from "../../hooks";
import { DoorConflictsPanel } from "./DoorConflicts";
import type { ScreenProps } from "../../router";
import { ArrivalsChart } from "./ArrivalsChart";
import "../../door.css";
import { LoadFailed } from "../../components/LoadFailed";
import { NotDoorTeam } from "./NotDoorTeam";

const POLL_MS = 3000;

const OUTCOME_WORDS: Record<ScanOutcome, string> = {
  ok: "Checked in",
  already_checked_in: "Already in",
  invalid: "Unknown badge",
  revoked: "Replaced badge",
  wrong_event: "Other event",
  not_open: "Not open",
};

/** The live figures while the page is visible (and `enabled`: only the door team may see
 * them): from the server-sent event stream, or by polling every 3 s where there is no
 * EventSource or the stream is refused. While the stream is down (offline, server restarting)
 * one fetch per reconnect attempt says why. An error keeps the last figures shown. */
function useLiveStats(eventId: string, enabled: boolean) {
  const [stats, setStats] = useState<CheckInStats | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [mode, setMode] = useState<"stream" | "poll">(() =>
    typeof EventSource === "undefined" ? "poll" : "stream",
  );

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    let timer = 0;
    let source: EventSource | null = null;

    async function fetchOnce() {
      try {
        const next = await doorApi.stats(eventId);
        if (!live) return;
        setStats(next);
        setError(null);
      } catch (err) {
        if (live) setError(asApiError(err));
      }
    }

    async function poll() {
      window.clearTimeout(timer);
      await fetchOnce();
      if (live && !document.hidden) timer = window.setTimeout(poll, POLL_MS);
    }

    function stream() {
      source = new EventSource(doorLinks.statsStream(eventId));
      source.addEventListener("stats", (event) => {
        if (!live) return;
        setStats(JSON.parse((event as MessageEvent<string>).data) as CheckInStats);
        setError(null);
      });
      source.onerror = () => {
        // A refused stream is closed: poll instead, which also says why (signed out …). A
        // dropped one reconnects by itself; meanwhile a plain fetch says what is wrong
        // (offline …) instead of leaving the page loading.
        if (!live) return;
        if (source?.readyState === EventSource.CLOSED) setMode("poll");
        else void fetchOnce();
      };
    }

    function start() {
      if (document.hidden) return;
      if (mode === "stream") stream();
      else void poll();
    }

    function stop() {
      window.clearTimeout(timer);
      source?.close();
      source = null;
    }

    const onVisibility = () => (document.hidden ? stop() : start());
    start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      live = false;
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [eventId, mode, enabled]);
  return { stats, error };
}

export default function LiveView({ params }: ScreenProps) {
  const eventId = params.id;
  const event = useApi(() => api.event(eventId), [eventId]);
  const roles = event.data?.roles ?? [];
  const doorTeam = roles.includes("staff") || roles.includes("organizer");
  const { stats, error } = useLiveStats(eventId, doorTeam);

  if (event.error) {
    return <LoadFailed title="The live view could not open" error={event.error} />;
  }
  if (event.data && !doorTeam) {
    return (
      <NotDoorTeam
        eventId={eventId}
        title="Live view"
        message="Only the door team can see the live view."
      />
    );
  }
  if (!event.data || (!stats && !error)) return <Loading label="Loading the live view…" />;
  const { timezone, name } = event.data;
  const clock = new Intl.DateTimeFormat(undefined, {
    timeZone: timezone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const organizer = roles.includes("organizer");

  return (
    <div class="door stack-lg">
      <p class="breadcrumb">
        <a href={`/events/${eventId}`}>{name}</a>
      </p>
      <div class="title-row">
        <h1 tabIndex={-1}>Live view</h1>
        {organizer && (
          <ExportButton
            label="Export check-ins (CSV)"
            start={() => doorApi.checkInsCsv(eventId)}
          />
        )}
      </div>
      <ErrorBox error={error} />
      {stats && (
        <>
          <section class="panel live-count" aria-labelledby="live-count-title">
            <h2 id="live-count-title" class="visually-hidden">
              Checked in
            </h2>
            <p class="live-figure" aria-live="polite">
              <span class="live-checked-in">{stats.checked_in}</span>
              <span class="live-of"> of {stats.registered} checked in</span>
            </p>
            <p class="muted">
              {stats.registered > 0
                ? `${Math.round((100 * stats.checked_in) / stats.registered)} % arrived`
                : "Nobody registered yet"}
              {stats.undone > 0 ? ` · ${stats.undone} undone` : ""} · as of{" "}
              {clock.format(new Date(stats.generated_at))}
            </p>
          </section>

          <section class="panel" aria-labelledby="arrivals-title">
            <h2 id="arrivals-title">Arrivals per 5 minutes</h2>
            <ArrivalsChart arrivals={stats.arrivals} />
          </section>

          <div class="live-grid">
            <section class="panel" aria-labelledby="gates-title">
              <h2 id="gates-title">Per gate</h2>
              {stats.by_gate.length === 0 ? (
                <p class="muted">No check-ins yet.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Gate</th>
                      <th scope="col">Checked in</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.by_gate.map((row) => (
                      <tr key={row.gate}>
                        <td>{row.gate || "(none)"}</td>
                        <td>{row.checked_in}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <p class="muted live-methods">
                Badge {stats.by_method.badge ?? 0} · by name {stats.by_method.manual ?? 0} ·
                self {stats.by_method.self ?? 0}
              </p>
            </section>

            <section class="panel" aria-labelledby="failed-title">
              <h2 id="failed-title">Failed scans</h2>
              {Object.keys(stats.failed_by_reason).length === 0 ? (
                <p class="muted">None.</p>
              ) : (
                <ul class="live-failed">
                  {Object.entries(stats.failed_by_reason).map(([reason, count]) => (
                    <li key={reason}>
                      <span>{OUTCOME_WORDS[reason as ScanOutcome] ?? reason}</span>
                      <strong>{count}</strong>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>

          <section class="panel" aria-labelledby="recent-title">
            <h2 id="recent-title">Last scans</h2>
            {stats.recent_scans.length === 0 ? (
              <p class="muted">No scans yet.</p>
            ) : (
              <ul class="people live-recent">
                {stats.recent_scans.map((scan) => (
                  <li
                    key={scan.scan_id}
                    class={scan.undone_at ? "live-outcome-undone" : `live-outcome-${scan.outcome}`}
                  >
                    <span class="person-name">{scan.name ?? "Unknown"}</span>
                    <span class="person-meta">
                      {scan.undone_at
                        ? `Checked in, undone at ${clock.format(new Date(scan.undone_at))}`
                        : (OUTCOME_WORDS[scan.outcome] ?? scan.outcome)}{" "}
                      · {clock.format(new Date(scan.scanned_at))}
                      {scan.gate ? ` · gate ${scan.gate}` : ""}
                      {scan.method === "self" ? " · self" : ""}
                      {scan.method === "manual" ? " · by name" : ""}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <DoorConflictsPanel eventId={eventId} clock={clock} />
        </>
      )}
    </div>
  );
}
