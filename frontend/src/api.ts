// The API client: JSON under /api/v1 with the session cookie, the CSRF header on changes,
// and every error turned into an ApiError with the server's one error shape.

import type { Job } from "./jobs-api";

const API = "/api/v1";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface FieldProblem {
  field: string;
  message: string;
  line: number | null;
}

/** An answer other than success, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fields: FieldProblem[] = [],
    /** The rest of the error body, e.g. `existing_contact_id` of a 409 possible_duplicate. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = "ApiError";
  }

  /** The message for one form field, if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }

  /** Whether asking again may bring another answer: yes for no answer and server trouble,
   *  and for 408 and 429; no for the other 4xx ("not found", "not yours", a refused request). */
  get retryable(): boolean {
    const s = this.status;
    return s < 400 || s >= 500 || s === 408 || s === 429;
  }
}

/** A problem with one field found before asking the server, shown as the server's would be. */
export function fieldProblem(field: string, message: string): ApiError {
  return new ApiError(400, "invalid", message, [{ field, message, line: null }]);
}

export const NETWORK_DETAIL = "Could not reach Rapport. Check your connection and try again.";

// The CSRF token lives in memory only: the cookie alone cannot make changes.
let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

/** Remember the CSRF token from /auth/me or /auth/verify (null after signing out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when the server says "not signed in" (the app sends people to /signin). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** A plain object is sent as JSON; FormData as multipart. */
  body?: unknown;
  query?: Query;
  /** `false` when a 401 is an expected answer rather than a reason to sign in. */
  redirectOn401?: boolean;
  /** Extra request headers (the door pass of a scan). */
  headers?: Record<string, string>;
  /** `false` for a GET whose answer the caller keeps itself (the door pack). */
  offlineCopy?: boolean;
}

function urlFor(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return `${API}${path}${search ? `?${search}` : ""}`;
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = await response.json();
    if (body && typeof body.detail === "string") {
      return new ApiError(
        response.status,
        typeof body.error === "string" ? body.error : "error",
        body.detail,
        Array.isArray(body.fields) ? body.fields : [],
        body,
      );
    }
  } catch {
    // Not our JSON (a proxy's error page, say): fall through to a plain message.
  }
  return new ApiError(
    response.status,
    "error",
    `The server answered ${response.status}. Try again in a moment.`,
  );
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body; // the browser sets the multipart boundary
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (UNSAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  try {
    return await fetch(urlFor(path, options.query), {
      method,
      headers,
      body,
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, "network", NETWORK_DETAIL);
  }
}

/** Where GET answers are kept for reading offline (src/offline/cache.ts registers it). */
export interface OfflineCache {
  save(url: string, data: unknown): void;
  load(url: string): Promise<unknown>;
}

let offlineCache: OfflineCache | null = null;

/** Keep successful GET answers, and answer from them when the network is gone. */
export function setOfflineCache(cache: OfflineCache | null): void {
  offlineCache = cache;
}

/** Call the API; resolves with the parsed JSON (undefined for 204), rejects with ApiError.
 *  Offline, a GET answers with the last answer kept on this phone, if there is one. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  if ((options.method ?? "GET") !== "GET" || !offlineCache || options.offlineCopy === false) {
    return requestOnline<T>(path, options);
  }
  const cache = offlineCache;
  const key = urlFor(path, options.query);
  try {
    const data = await requestOnline<T>(path, options);
    cache.save(key, data);
    return data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 0) {
      const kept = await cache.load(key).catch(() => undefined);
      if (kept !== undefined) return kept as T;
    }
    throw error;
  }
}

async function requestOnline<T>(path: string, options: RequestOptions): Promise<T> {
  let response = await send(path, options);
  if (response.status === 403 && UNSAFE.has(options.method ?? "GET")) {
    const error = await errorFrom(response.clone());
    if (error.code === "csrf_failed") {
      // The token went stale (signed in in another tab, say): fetch it again, try once more.
      await refreshCsrfToken();
      response = await send(path, options);
    }
  }
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const error = await errorFrom(response);
  if (error.status === 401 && options.redirectOn401 !== false) onUnauthorized();
  throw error;
}

// ---- The endpoints the app uses, with their shapes (see schemas/*.py) ----

export interface Me {
  id: string;
  email: string;
  name: string;
  is_organizer: boolean;
  csrf_token: string;
}

export interface SignedIn extends Me {
  next: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type Role = "organizer" | "staff" | "attendee";

export interface EventOut {
  id: string;
  name: string;
  venue: string;
  timezone: string;
  starts_at: string;
  ends_at: string;
  roles: Role[];
}

/** Times are wall-clock times at the event ("2026-05-04T09:00"), without an offset. */
export interface EventInput {
  name: string;
  venue: string;
  timezone: string;
  starts_at: string;
  ends_at: string;
}

export interface Attendee {
  id: string;
  email: string;
  name: string;
  company: string;
  title: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  invited: number;
}

export interface StaffMember {
  user_id: string;
  email: string;
  name: string;
  role: string;
}

export interface BadgeOut {
  event_id: string;
  event_name: string;
  name: string;
  company: string;
  title: string;
  url: string;
  qr_svg_url: string;
}

const ev = (id: string) => `/events/${encodeURIComponent(id)}`;

/** Who is signed in, or null; keeps the CSRF token. */
export async function fetchMe(): Promise<Me | null> {
  try {
    const me = await request<Me>("/auth/me", { redirectOn401: false });
    setCsrfToken(me.csrf_token);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

async function refreshCsrfToken(): Promise<void> {
  try {
    await fetchMe();
  } catch {
    // The retry will report the real problem.
  }
}

export const api = {
  signIn: (email: string, next: string) =>
    request<{ detail: string }>("/auth/sign-in", { method: "POST", body: { email, next } }),
  verify: async (token: string) => {
    const signedIn = await request<SignedIn>("/auth/verify", {
      method: "POST",
      body: { token },
      redirectOn401: false,
    });
    setCsrfToken(signedIn.csrf_token);
    return signedIn;
  },
  signOut: async () => {
    await request<void>("/auth/sign-out", { method: "POST", redirectOn401: false });
    setCsrfToken(null);
  },
  myEvents: (limit = 100, offset = 0) =>
    request<Page<EventOut>>("/events", { query: { limit, offset } }),
  event: (id: string) => request<EventOut>(ev(id)),
  createEvent: (data: EventInput) =>
    request<EventOut>("/events", { method: "POST", body: data }),
  updateEvent: (id: string, data: Partial<EventInput>) =>
    request<EventOut>(ev(id), { method: "PATCH", body: data }),
  attendees: (id: string, query: { q?: string; limit: number; offset: number }) =>
    request<Page<Attendee>>(`${ev(id)}/attendees`, { query }),
  importAttendees: (id: string, file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<Job<ImportReport>>(`${ev(id)}/attendees/import`, {
      method: "POST",
      body: form,
    });
  },
  staff: (id: string) => request<StaffMember[]>(`${ev(id)}/staff`),
  inviteStaff: (id: string, email: string, name: string) =>
    request<StaffMember>(`${ev(id)}/staff`, { method: "POST", body: { email, name } }),
  badge: (id: string) => request<BadgeOut>(`${ev(id)}/badge`),
};
