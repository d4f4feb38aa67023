// A running background job: a real progress bar (rows done of rows, a time estimate), a way
// to stop it, and a call to `onEnd` once it has ended. Each look at the job is one short GET.
import { useEffect, useRef, useState } from "preact/hooks";
import { isFinished, type Job, jobsApi } from "../jobs-api";
import { Button } from "./Button";

const POLL_MS = 700;

function timeLeft(seconds: number | null): string {
  if (seconds === null) return "";
  if (seconds < 60) return ` · about ${Math.max(1, Math.round(seconds))} s left`;
  return ` · about ${Math.round(seconds / 60)} min left`;
}

export function JobProgress<R>({
  job: started,
  unit,
  onEnd,
}: {
  job: Job<R>;
  /** What is counted: "rows", "badges"… */
  unit: string;
  onEnd: (job: Job<R>) => void;
}) {
  const [job, setJob] = useState(started);
  const [stopping, setStopping] = useState(false);
  const ended = useRef(false);

  useEffect(() => {
    let timer: number | undefined;
    let alive = true;
    async function look() {
      try {
        const now = await jobsApi.job<R>(started.id);
        if (!alive) return;
        setJob(now);
        if (isFinished(now)) {
          if (!ended.current) {
            ended.current = true;
            onEnd(now);
          }
          return;
        }
      } catch {
        // A dropped connection: look again in a moment.
      }
      if (alive) timer = window.setTimeout(look, POLL_MS);
    }
    timer = window.setTimeout(look, isFinished(started) ? 0 : POLL_MS);
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
  }, [started.id]);

  async function stop() {
    setStopping(true);
    try {
      setJob(await jobsApi.cancel<R>(job.id));
    } catch {
      setStopping(false);
    }
  }

  const counted = job.total !== null;
  const label =
    job.status === "queued"
      ? "Waiting for its turn…"
      : !counted
        ? "Reading the file…"
        : `${job.done.toLocaleString()} of ${job.total!.toLocaleString()} ${unit}` +
          timeLeft(job.seconds_left);
  return (
    <div class="job-progress" role="status" aria-live="polite">
      <progress
        aria-label="Progress"
        max={counted ? Math.max(job.total!, 1) : undefined}
        value={counted ? job.done : undefined}
      />
      <p class="job-progress-label">{label}</p>
      {!isFinished(job) && (
        <Button
          kind="secondary"
          busy={stopping || job.cancel_requested}
          busyLabel="Stopping…"
          onClick={stop}
        >
          Stop
        </Button>
      )}
    </div>
  );
}
