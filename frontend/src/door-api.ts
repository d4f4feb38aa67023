// The door's endpoints: badge scans, manual and self check-in, undo, live view, door settings
// and the organizer's badge tools, with their shapes (see schemas/checkin.py, schemas/badges.py).
import { type Page, request } from "./api";
import type { Job } from "./jobs-api";

export type ScanOutcome =
  | "ok"
  | "already_checked_in"
  | "invalid"
  | "revoked"
  | "wrong_event"
  | "not_open";
export type CheckInMethod = "badge" | "manual" | "self";
export type BadgeLayout = "a6" | "a4x4" | "a4x8";

export interface AttendeeBrief {
  id: string;
  name: string;
  company: string;
  title: string;
}

export interface CheckInBrief {
  id: string;
  checked_in_at: string;
  /** The same moment as a wall-clock time at the event ("09:02"). */
  local_time: string;
  gate: string;
  method: CheckInMethod;
}

export interface CheckInWindow {
  opens_at: string;
  closes_at: string;
}

/** What the door phone shows; every outcome is a 200. */
export interface ScanAnswer {
  outcome: ScanOutcome;
  color: "green" | "amber" | "red";
  message: string;
  reason: string;
  scan_id: string;
  nonce: string;
  method: CheckInMethod;
  gate: string;
  scanned_at: string;
  received_at: string;
  attendee: AttendeeBrief | null;
  check_in: CheckInBrief | null;
  window: CheckInWindow | null;
  replayed: boolean;
}

export interface CheckInOut {
  id: string;
  attendee: AttendeeBrief;
  method: CheckInMethod;
  gate: string;
  device: string;
  checked_in_at: string;
  received_at: string;
  undone_at: string | null;
  undo_reason: string;
}

export interface DoorAttendee {
  attendee: AttendeeBrief;
  check_in: CheckInBrief | null;
}

export interface DoorSettings {
  opens_minutes_before_start: number;
  closes_minutes_after_end: number;
  window: CheckInWindow;
  self_check_in_enabled: boolean;
  poster_url: string | null;
  poster_rotated_at: string | null;
}

export interface DoorSettingsPatch {
  opens_minutes_before_start?: number;
  closes_minutes_after_end?: number;
  self_check_in_enabled?: boolean;
}

export interface GateCount {
  gate: string;
  checked_in: number;
}

export interface ArrivalBucket {
  starts_at: string;
  local_time: string;
  arrivals: number;
}

export interface RecentScan {
  scan_id: string;
  outcome: ScanOutcome;
  reason: string;
  method: CheckInMethod;
  gate: string;
  name: string | null;
  scanned_at: string;
  received_at: string;
  undone_at: string | null;
}

export interface CheckInStats {
  registered: number;
  checked_in: number;
  undone: number;
  by_gate: GateCount[];
  by_method: Record<string, number>;
  arrivals: ArrivalBucket[];
  failed_by_reason: Record<string, number>;
  recent_scans: RecentScan[];
  generated_at: string;
}

export interface IssuedBadge {
  attendee_id: string;
  name: string;
  url: string;
  issued_at: string;
  revoked_tokens: number;
}

/** A short-lived credential for scanning (see POST …/check-in/pass): sent in a header, so a
 *  scan needs no session look-up on the server. */
export interface DoorPass {
  token: string;
  expires_at: string;
  role: string;
}

/** The header a scan carries its door pass in. */
export const DOOR_PASS_HEADER = "X-Door-Pass";

/** When and where a check-in attempt happened; a fresh nonce makes retries safe. */
export interface Attempt {
  scanned_at: string;
  nonce: string;
  gate?: string;
  device?: string;
}

/** A new attempt stamped now, with its own nonce. */
export function newAttempt(gate = ""): Attempt {
  return { scanned_at: new Date().toISOString(), nonce: crypto.randomUUID(), gate };
}

const ev = (id: string) => `/api/v1/events/${encodeURIComponent(id)}`;
const path = (id: string) => `/events/${encodeURIComponent(id)}`;

/** Links the browser downloads itself (PDF, CSV, SVG), with the session cookie. */
export const doorLinks = {
  statsStream: (eventId: string) => `${ev(eventId)}/check-in/stats/stream`,
  posterPdf: (eventId: string) => `${ev(eventId)}/check-in/poster.pdf`,
  posterSvg: (eventId: string, version = "") =>
    `${ev(eventId)}/check-in/poster.svg${version ? `?v=${encodeURIComponent(version)}` : ""}`,
};

export const doorApi = {
  /** Start the check-in list export (a background job that makes the CSV). */
  /** Start printable badges for all, or the chosen, attendees (a job that makes the PDF). */
  badgesPdf: (eventId: string, layout: BadgeLayout, attendeeIds?: string[]) =>
    request<Job>(`${path(eventId)}/badges.pdf`, {
      method: "POST",
      body: { layout, attendee_ids: attendeeIds ?? null },
    }),
  checkInsCsv: (eventId: string) =>
    request<Job>(`${path(eventId)}/check-ins.csv`, { method: "POST" }),
  /** A door pass for this event (staff and organizers); renew it before it expires. */
  doorPass: (eventId: string) =>
    request<DoorPass>(`${path(eventId)}/check-in/pass`, { method: "POST" }),
  /** A badge scan; with a door pass it is authorised by the pass alone. */
  scan: (eventId: string, token: string, attempt: Attempt, doorPass?: string) =>
    request<ScanAnswer>(`${path(eventId)}/check-in/scans`, {
      method: "POST",
      body: { token, ...attempt },
      ...(doorPass ? { headers: { [DOOR_PASS_HEADER]: doorPass }, redirectOn401: false } : {}),
    }),
  checkInByHand: (eventId: string, attendeeId: string, attempt: Attempt) =>
    request<ScanAnswer>(`${path(eventId)}/check-in/manual`, {
      method: "POST",
      body: { attendee_id: attendeeId, ...attempt },
    }),
  selfCheckIn: (posterToken: string, attempt: Omit<Attempt, "gate">) =>
    request<ScanAnswer>("/self-check-in", {
      method: "POST",
      body: { token: posterToken, scanned_at: attempt.scanned_at, nonce: attempt.nonce },
    }),
  findAtDoor: (eventId: string, q: string, limit = 20) =>
    request<DoorAttendee[]>(`${path(eventId)}/check-in/attendees`, { query: { q, limit } }),
  checkIns: (eventId: string, limit = 50, offset = 0) =>
    request<Page<CheckInOut>>(`${path(eventId)}/check-ins`, { query: { limit, offset } }),
  undo: (eventId: string, checkInId: string, reason = "") =>
    request<CheckInOut>(`${path(eventId)}/check-ins/${encodeURIComponent(checkInId)}/undo`, {
      method: "POST",
      body: { reason },
    }),
  stats: (eventId: string) => request<CheckInStats>(`${path(eventId)}/check-in/stats`),
  settings: (eventId: string) => request<DoorSettings>(`${path(eventId)}/check-in/settings`),
  updateSettings: (eventId: string, data: DoorSettingsPatch) =>
    request<DoorSettings>(`${path(eventId)}/check-in/settings`, { method: "PATCH", body: data }),
  rotatePoster: (eventId: string) =>
    request<DoorSettings>(`${path(eventId)}/check-in/poster/rotate`, { method: "POST" }),
  reissueBadge: (eventId: string, attendeeId: string) =>
    request<IssuedBadge>(
      `${path(eventId)}/attendees/${encodeURIComponent(attendeeId)}/badge/reissue`,
      { method: "POST" },
    ),
};
