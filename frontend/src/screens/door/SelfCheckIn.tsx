// Self check-in for attendees, two ways in: /events/:id/self-check-in scans the door poster in
// the app; /door/:token is where a phone's own camera app lands after scanning the poster.
// Either way the poster's token goes to POST /self-check-in and the answer fills the screen.
import { useEffect, useRef, useState } from "preact/hooks";
import { Loading } from "../../components/Loading";
import { doorApi, newAttempt } from "../../door-api";
import { asApiError } from "../../hooks";
import type { ScreenProps } from "../../router";
import { classifyScan, describeScan } from "../../scanner/classify";
import Scanner from "../../scanner/Scanner";
import { resultFromAnswer, ScanResult, type ShownResult, vibrateFor } from "./ScanResult";
import "../../door.css";

/** Send a poster token; resolves to what to show (never rejects). */
async function checkInWithPoster(token: string): Promise<ShownResult> {
  try {
    const answer = await doorApi.selfCheckIn(token, newAttempt());
    const shown = resultFromAnswer(answer);
    if (answer.outcome === "ok") shown.message = "You are checked in. Enjoy the event!";
    return shown;
  } catch (err) {
    const error = asApiError(err);
    return {
      color: "red",
      headline: error.status === 0 ? "No connection" : "Not checked in",
      message: error.status === 0 ? "Check your connection and scan again." : error.detail,
    };
  }
}

/** /events/:id/self-check-in: scan the door poster with the app. */
export default function SelfCheckIn({ params }: ScreenProps) {
  const [result, setResult] = useState<ShownResult | null>(null);
  const [busy, setBusy] = useState(false);

  async function onCode(text: string) {
    const scan = classifyScan(text);
    let shown: ShownResult;
    if (scan.kind === "poster") {
      setBusy(true);
      shown = await checkInWithPoster(scan.token);
      setBusy(false);
    } else {
      shown = {
        color: "red",
        headline: "Not the door poster",
        message: `This is ${describeScan(scan)}. Scan the “Check in here” poster at the entrance.`,
      };
    }
    vibrateFor(shown.color);
    setResult(shown);
  }

  return (
    <div class="door stack">
      <p class="breadcrumb">
        <a href={`/events/${params.id}`}>Back to the event</a>
      </p>
      <h1 tabIndex={-1}>Self check-in</h1>
      <Scanner
        onCode={onCode}
        paused={busy || result !== null}
        hint="Point the camera at the “Check in here” poster at the door."
      />
      {result && (
        <ScanResult
          result={result}
          onDismiss={() => setResult(null)}
          autoDismissMs={result.color === "red" ? 0 : 4000}
        />
      )}
    </div>
  );
}

/** /door/:token: a phone's camera app scanned the poster and opened this link. */
export function PosterLanding({ params }: ScreenProps) {
  const [result, setResult] = useState<ShownResult | null>(null);
  const sent = useRef(false);

  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    void checkInWithPoster(params.token).then((shown) => {
      vibrateFor(shown.color);
      setResult(shown);
    });
  }, [params.token]);

  return (
    <div class="door stack">
      <h1 tabIndex={-1}>Self check-in</h1>
      {result ? (
        <div class={`door-answer scan-result-${result.color}`} role="alert">
          <p class="scan-result-headline">{result.headline}</p>
          {result.name && <p class="scan-result-name">{result.name}</p>}
          <p class="scan-result-message">{result.message}</p>
        </div>
      ) : (
        <Loading label="Checking you in…" />
      )}
      <p>
        <a href="/">Go to my events</a>
      </p>
    </div>
  );
}
