// /events/:id/door: the staff scanner. Point the phone at a badge; the answer fills the screen
// (green, amber or red) and scanning resumes by itself. The last green one can be undone.
// People without a badge are found by name below the scanner.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import { type Attempt, doorApi, newAttempt, type ScanAnswer } from "../../door-api";
import { asApiError, useApi } from "../../hooks";
import { checkInOffline, findOffline, scanOffline } from "../../offline/door-offline";
import { refreshPack, type StoredPack, storedPack } from "../../offline/door-pack";
import type { ScreenProps } from "../../router";
import { classifyScan, describeScan } from "../../scanner/classify";
import { passRefused, useDoorPass } from "../../scanner/door-pass";
import Scanner from "../../scanner/Scanner";
import { GatePicker, loadGate, saveGate } from "./GatePicker";
import { ManualCheckIn } from "./ManualCheckIn";
import { resultFromAnswer, ScanResult, type ShownResult, vibrateFor } from "./ScanResult";
import "../../door.css";
import { LoadFailed } from "../../components/LoadFailed";
import { NotDoorTeam } from "./NotDoorTeam";

const GREEN_MS = 1500;
const OTHER_MS = 2500; // amber and red need a moment more: staff have something to do
const PACK_REFRESH_MS = 60_000;

/** The event's offline pack: the kept one at once, a fresh one whenever online. Only for the
 * door team (`enabled`): nobody else may download it. */
function useDoorPack(eventId: string, enabled: boolean) {
  const [pack, setPack] = useState<StoredPack | null>(null);
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const fetchPack = () => {
      if (!navigator.onLine) return;
      refreshPack(eventId).then(
        (fresh) => live && setPack(fresh),
        () => {}, // not staff, or the connection dropped: keep what we have
      );
    };
    const goneOnline = () => {
      setOnline(true);
      fetchPack();
    };
    const goneOffline = () => setOnline(false);
    void storedPack(eventId).then((kept) => live && kept && setPack((now) => now ?? kept));
    fetchPack();
    const timer = window.setInterval(fetchPack, PACK_REFRESH_MS);
    window.addEventListener("online", goneOnline);
    window.addEventListener("offline", goneOffline);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener("online", goneOnline);
      window.removeEventListener("offline", goneOffline);
    };
  }, [eventId, enabled]);
  return { pack, online };
}

export default function DoorScanner({ params }: ScreenProps) {
  const eventId = params.id;
  const event = useApi(() => api.event(eventId), [eventId]);
  const [gate, setGate] = useState<string | null>(() => loadGate(eventId));
  const [result, setResult] = useState<ShownResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [lastGreen, setLastGreen] = useState<ScanAnswer | null>(null);
  const [lastLine, setLastLine] = useState<ShownResult | null>(null);
  const [refresh, setRefresh] = useState(0);
  const roles = event.data?.roles ?? [];
  const doorTeam = roles.includes("staff") || roles.includes("organizer");
  const door = useDoorPack(eventId, doorTeam);
  const doorPass = useDoorPass(eventId, doorTeam);

  function show(shown: ShownResult, answer?: ScanAnswer) {
    vibrateFor(shown.color);
    setResult(shown);
    setLastLine(shown);
    if (answer?.outcome === "ok") setLastGreen(answer);
    setRefresh((n) => n + 1);
  }

  async function onCode(text: string) {
    const scan = classifyScan(text);
    // A badge URL from another address of this server still goes to the server to judge.
    const worthSending = scan.kind === "badge" || (scan.kind === "unknown" && text.includes("/b/"));
    if (!worthSending) {
      show({
        color: "red",
        headline: "Not a badge",
        message: `This is ${describeScan(scan)}. Scan the QR code on the attendee's badge.`,
      });
      return;
    }
    setBusy(true);
    try {
      if (!navigator.onLine && door.pack) {
        await judgeHere(text);
        return;
      }
      const answer = await scanOnline(text, newAttempt(gate ?? ""));
      show(resultFromAnswer(answer), answer);
    } catch (err) {
      const error = asApiError(err);
      if (error.status === 0 && door.pack) {
        await judgeHere(text);
        return;
      }
      show({
        color: "red",
        headline: error.status === 0 ? "No connection" : "Not recorded",
        message:
          error.status === 0
            ? "The scan did not reach Rapport. Check the connection and scan again."
            : error.detail,
      });
    } finally {
      setBusy(false);
    }
  }

  /** Send the scan with the door pass; if the server refuses the pass, with the session. */
  async function scanOnline(text: string, attempt: Attempt): Promise<ScanAnswer> {
    const pass = doorPass.current();
    if (!pass) return doorApi.scan(eventId, text, attempt);
    try {
      return await doorApi.scan(eventId, text, attempt, pass);
    } catch (err) {
      if (!passRefused(err)) throw err;
      doorPass.refused();
      return doorApi.scan(eventId, text, attempt); // the same nonce: never counted twice
    }
  }

  /** No connection: the phone judges from the pack and queues the scan for upload. */
  async function judgeHere(text: string) {
    if (!door.pack) return;
    const { result: shown } = await scanOffline(eventId, door.pack, text, gate ?? "");
    setLastGreen(null);
    show(shown);
  }

  async function undo() {
    const answer = lastGreen;
    if (!answer?.check_in) return;
    try {
      await doorApi.undo(eventId, answer.check_in.id, "Undone at the door");
      setLastGreen(null);
      setLastLine(null);
      setRefresh((n) => n + 1);
      announce(`${answer.attendee?.name ?? "The check-in"} is undone.`, "success");
    } catch (err) {
      announce(asApiError(err).detail, "error");
    }
  }

  if (event.loading && !event.data) return <Loading label="Opening the door scanner…" />;
  if (event.error || !event.data) {
    return <LoadFailed title="The door scanner could not open" error={event.error} />;
  }
  if (!doorTeam) {
    return (
      <NotDoorTeam
        eventId={eventId}
        title="Door scanner"
        message="Only the door team can scan badges."
      />
    );
  }

  return (
    <div class="door stack">
      <p class="breadcrumb">
        <a href={`/events/${eventId}`}>{event.data.name}</a>
      </p>
      <div class="title-row">
        <h1 tabIndex={-1}>Door scanner</h1>
        {gate !== null && (
          <button type="button" class="button button-quiet" onClick={() => setGate(null)}>
            {gate ? `Gate ${gate}` : "No gate"} · change
          </button>
        )}
      </div>
      {!door.online && (
        <p class="door-offline" role="status">
          {door.pack
            ? `Offline — answering from the list downloaded at ${door.pack.saved_at.slice(11, 16)} UTC; scans sync when online.`
            : "Offline — no attendee list on this phone yet. Scans cannot be checked."}
        </p>
      )}
      {door.online && door.pack && (
        <p class="muted door-pack">
          Ready for offline: {door.pack.pack.attendees.length} attendees on this phone.
        </p>
      )}
      {gate === null ? (
        <GatePicker
          initial={loadGate(eventId) ?? "A"}
          onChoose={(chosen) => {
            saveGate(eventId, chosen);
            setGate(chosen);
          }}
        />
      ) : (
        <>
          <Scanner
            onCode={onCode}
            paused={busy || result !== null}
            hint="Hold the badge's QR code inside the square."
          />
          {lastLine && (
            <div class={`door-last door-last-${lastLine.color}`}>
              <p>
                <strong>Last: {lastLine.headline}</strong>
                {lastLine.name ? ` · ${lastLine.name}` : ""}
              </p>
              {lastGreen && lastLine.color === "green" && (
                <button type="button" class="button button-secondary" onClick={undo}>
                  Undo
                </button>
              )}
            </div>
          )}
          <ManualCheckIn
            eventId={eventId}
            gate={gate}
            refresh={refresh}
            onAnswer={(answer) => show(resultFromAnswer(answer), answer)}
            offline={
              door.pack
                ? {
                    find: (q) => (door.pack ? findOffline(door.pack, q) : []),
                    checkIn: (attendeeId) => checkInOffline(eventId, door.pack!, attendeeId, gate),
                    onShown: (shown) => {
                      setLastGreen(null);
                      show(shown);
                    },
                  }
                : undefined
            }
          />
          <p>
            <a href={`/events/${eventId}/live`}>Live view</a>
          </p>
        </>
      )}
      {result && (
        <ScanResult
          result={result}
          autoDismissMs={result.color === "green" ? GREEN_MS : OTHER_MS}
          onDismiss={() => setResult(null)}
        />
      )}
    </div>
  );
}
