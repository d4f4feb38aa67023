// Import attendees from a CSV file. The server checks every row first and takes all or none;
// when it refuses, every problem is listed with its line and column so the organizer can fix
// the file. The import runs in the background: a progress bar follows it to its report.
import { useState } from "preact/hooks";
import { api, ApiError, type ImportReport } from "../../api";
import { Button } from "../../components/Button";
import { JobProgress } from "../../components/JobProgress";
import { announce } from "../../components/Status";
import { asApiError } from "../../hooks";
import { type Job, jobError } from "../../jobs-api";

export function AttendeeImport({ eventId }: { eventId: string }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [job, setJob] = useState<Job<ImportReport> | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setJob(await api.importAttendees(eventId, file));
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  }

  function ended(done: Job<ImportReport>) {
    setBusy(false);
    setJob(null);
    if (done.status === "succeeded" && done.result) {
      setReport(done.result);
      announce("The attendee list is imported.", "success");
    } else if (done.status === "failed") {
      setError(jobError(done));
    } else {
      announce(
        `Import stopped after ${done.done.toLocaleString()} rows. Import the file again to finish.`,
      );
    }
  }

  return (
    <section class="panel" aria-labelledby="import-title">
      <h2 id="import-title">Import attendees</h2>
      <p class="muted">
        A CSV file with the columns <code>name</code>, <code>email</code>, <code>company</code>,{" "}
        <code>title</code>. People already on the list are matched by email and updated. Everyone
        new gets their invitation by email at once, with a personal sign-in link to their badge.
      </p>
      <form class="stack" onSubmit={submit}>
        <div class="field">
          <label for="import-file">CSV file</label>
          <input
            id="import-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            required
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <div class="actions">
          <Button type="submit" busy={busy} busyLabel="Importing…" disabled={!file}>
            Import
          </Button>
        </div>
      </form>
      {job && <JobProgress job={job} unit="rows" onEnd={ended} />}
      {report && (
        <dl class="report" aria-label="Import result">
          <div>
            <dt>New</dt>
            <dd>{report.created}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>{report.updated}</dd>
          </div>
          <div>
            <dt>Unchanged</dt>
            <dd>{report.unchanged}</dd>
          </div>
          <div>
            <dt>Invited</dt>
            <dd>{report.invited}</dd>
          </div>
        </dl>
      )}
      {error && <ImportProblems error={error} />}
    </section>
  );
}

function ImportProblems({ error }: { error: ApiError }) {
  return (
    <div class="error-box" role="alert">
      <p>{error.detail}</p>
      {error.fields.length > 0 && (
        <div class="table-scroll">
          <table>
            <caption>Problems in the file (nothing was imported)</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {error.fields.map((problem, i) => (
                <tr key={i}>
                  <td>{problem.line ?? "—"}</td>
                  <td>{problem.field || "—"}</td>
                  <td>{problem.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
