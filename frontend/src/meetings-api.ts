// Endpoints of one-to-one meetings at an event (schemas/meetings.py): settings, free slots,
// requests and answers, my agenda. Request plumbing lives in api.ts.
import { ApiError, request } from "./api";

export interface Window {
  day: string;
  start: string;
  end: string;
}

export interface Place {
  id?: string;
  name: string;
  capacity: number;
}

export interface MeetingSettings {
  enabled: boolean;
  windows: Window[];
  slot_minutes: 15 | 20 | 30;
  find_each_other: boolean;
  places: Place[];
  max_pending_out: number;
  max_meetings_per_day: number;
  expiry_hours: number;
  timezone?: string;
}

export interface Slots {
  slot_minutes: number;
  timezone: string;
  slots: string[];
}

export interface MeetingPerson {
  attendee_id: string | null;
  name: string;
  title: string;
  company: string;
}

export type RequestStatus = "pending" | "accepted" | "declined" | "cancelled" | "expired";

export interface MeetingRequest {
  id: string;
  event_id: string;
  direction: "out" | "in";
  other: MeetingPerson;
  message: string;
  slots: string[];
  status: RequestStatus;
  your_turn: boolean;
  can_propose: boolean;
  decline_reason: string | null;
  created_at: string;
  expires_at: string;
  meeting_id: string | null;
  /** The event's time zone, in which its slots are shown. */
  timezone: string;
}

export interface Meeting {
  id: string;
  event_id: string;
  event_name: string;
  timezone: string;
  other: MeetingPerson;
  starts_at: string;
  ends_at: string;
  place: string;
  status: "booked" | "cancelled";
  message: string;
  we_met: boolean;
  contact_id: string | null;
}

export interface DayFigures {
  day: string;
  requests_sent: number;
  accepted: number;
  declined: number;
  expired: number;
  held: number;
  no_shows: number;
}

export interface MeetingStats {
  days: DayFigures[];
  slots: string[];
  places: { place: string; capacity: number; booked: number[] }[];
}

export const DECLINE_REASONS: [string, string][] = [
  ["no_time", "No time then"],
  ["not_a_fit", "Not a fit"],
  ["already_met", "We already met"],
  ["other", "Other reasons"],
];

const base = (eventId: string) => `/events/${encodeURIComponent(eventId)}/meetings`;
const req = (id: string) => `/meeting-requests/${encodeURIComponent(id)}`;

/** The slots still free for both, from a "that time was just taken" answer. */
export function freeSlotsOf(error: ApiError): string[] {
  return error.code === "slot_taken" ? error.fields.filter((f) => f.field === "free_slots").map((f) => f.message) : [];
}

/** "Mon 10 Jun, 09:20" in the event's time zone. */
export function slotLabel(iso: string, timezone: string): string {
  return new Date(iso).toLocaleString(undefined, {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

export const meetings = {
  personForContact: (contactId: string) =>
    request<{ event_id: string; person: MeetingPerson }>(`/contacts/${encodeURIComponent(contactId)}/meeting-person`),
  settings: (eventId: string) => request<MeetingSettings>(`${base(eventId)}/settings`),
  saveSettings: (eventId: string, body: MeetingSettings) =>
    request<MeetingSettings>(`${base(eventId)}/settings`, { method: "PUT", body }),
  freeSlots: (eventId: string, attendeeId?: string) =>
    request<Slots>(`${base(eventId)}/slots`, { query: { attendee_id: attendeeId } }),
  ask: (eventId: string, body: { attendee_id: string; message: string; slots: string[] }) =>
    request<MeetingRequest>(`${base(eventId)}/requests`, { method: "POST", body }),
  requests: (eventId: string) => request<MeetingRequest[]>(`${base(eventId)}/requests`),
  agenda: (eventId: string) => request<Meeting[]>(`${base(eventId)}/agenda`),
  stats: (eventId: string) => request<MeetingStats>(`${base(eventId)}/stats`),
  accept: (id: string, slot: string) => request<MeetingRequest>(`${req(id)}/accept`, { method: "POST", body: { slot } }),
  decline: (id: string, reason: string | null) =>
    request<MeetingRequest>(`${req(id)}/decline`, { method: "POST", body: { reason } }),
  propose: (id: string, slots: string[]) =>
    request<MeetingRequest>(`${req(id)}/propose`, { method: "POST", body: { slots } }),
  block: (eventId: string, attendeeId: string) =>
    request<void>(`${base(eventId)}/blocks`, { method: "POST", body: { attendee_id: attendeeId } }),
  withdraw: (id: string) => request<MeetingRequest>(`${req(id)}/withdraw`, { method: "POST" }),
  cancel: (id: string) => request<Meeting>(`/meetings/${encodeURIComponent(id)}/cancel`, { method: "POST" }),
  weMet: (id: string) => request<Meeting>(`/meetings/${encodeURIComponent(id)}/we-met`, { method: "POST" }),
};
