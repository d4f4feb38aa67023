// A file made in the background (an export, badge sheets): one tap starts the job, a progress
// bar follows it, then a link downloads the file (kept a day on the server).
import { useState } from "preact/hooks";
import type { ApiError } from "../api";
import { asApiError } from "../hooks";
import { type Job, jobError } from "../jobs-api";
import { Button } from "./Button";
import { ErrorBox } from "./ErrorBox";
import { JobProgress } from "./JobProgress";

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function ExportButton({
  label,
  start,
  unit = "rows",
  kind = "secondary",
}: {
  label: string;
  start: () => Promise<Job>;
  unit?: string;
  kind?: "primary" | "secondary";
}) {
  const [job, setJob] = useState<Job | null>(null);
  const [made, setMade] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function go() {
    setError(null);
    setMade(null);
    try {
      setJob(await start());
    } catch (err) {
      setError(asApiError(err));
    }
  }

  function ended(done: Job) {
    setJob(null);
    if (done.status === "succeeded") setMade(done);
    else if (done.status === "failed") setError(jobError(done));
  }

  return (
    <div class="export-job">
      <Button kind={kind} busy={job !== null} busyLabel="Preparing…" onClick={go}>
        {label}
      </Button>
      {job && <JobProgress job={job} unit={unit} onEnd={ended} />}
      {made?.file && (
        <a class="button button-primary" href={made.file.url} download={made.file.name}>
          Download {made.file.name} ({size(made.file.size)})
        </a>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
