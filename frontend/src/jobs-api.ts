// Background jobs (imports, exports, badge sheets): the server answers 202 with a job at once;
// the app follows it here until it ends with a report, a file to download, or an error.
import { ApiError, type FieldProblem, request } from "./api";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface JobFile {
  url: string;
  name: string;
  media_type: string;
  size: number;
}

export interface Job<R = Record<string, unknown>> {
  id: string;
  kind: string;
  status: JobStatus;
  done: number;
  total: number | null;
  seconds_left: number | null;
  cancel_requested: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  result: R | null;
  error: { error: string; detail: string; fields: FieldProblem[] } | null;
  file: JobFile | null;
}

export const jobsApi = {
  job: <R>(id: string) => request<Job<R>>(`/jobs/${id}`),
  cancel: <R>(id: string) => request<Job<R>>(`/jobs/${id}/cancel`, { method: "POST" }),
};

export function isFinished(job: Job<unknown>): boolean {
  return job.status !== "queued" && job.status !== "running";
}

/** A failed job's error as the API's errors are shown everywhere else. */
export function jobError(job: Job<unknown>): ApiError {
  const error = job.error ?? {
    error: "job_failed",
    detail: "The job stopped. Try again in a moment.",
    fields: [],
  };
  return new ApiError(400, error.error, error.detail, error.fields);
}

/** Wait for a job to end, looking every `everyMs`; `onUpdate` sees each look (for progress). */
export async function finished<R>(
  job: Job<R>,
  onUpdate?: (job: Job<R>) => void,
  everyMs = 500,
): Promise<Job<R>> {
  let now = job;
  while (!isFinished(now)) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    now = await jobsApi.job<R>(job.id);
    onUpdate?.(now);
  }
  return now;
}

/** A finished job's result; its error (as an ApiError) if it failed or stopped. */
export function resultOf<R>(job: Job<R>): R {
  if (job.status === "succeeded" && job.result !== null) return job.result;
  throw jobError(job);
}
