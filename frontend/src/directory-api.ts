// Endpoints of an event's opt-in attendee directory and "people to meet" (schemas/directory.py).
// Request plumbing lives in api.ts; adding someone answers like a badge scan (ScanResult).
import { type Page, request } from "./api";
import type { CardInput, ScanResult } from "./contacts-api";

export interface DirectoryChoice {
  listed: boolean;
  listed_since: string | null;
}

/** A listed attendee: only what their card shares (the rest is empty). */
export interface DirectoryEntry extends Omit<CardInput, "shared_fields"> {
  attendee_id: string;
  is_me: boolean;
  contact_id: string | null;
}

export interface Suggestion {
  person: DirectoryEntry;
  /** Entries of my look-for list that find them. */
  looking_for: string[];
  shared_interests: string[];
  /** One line each: "You are looking for: …", "You both listed: …". */
  reasons: string[];
  reason: string;
}

const base = (eventId: string) => `/events/${encodeURIComponent(eventId)}`;

export const directory = {
  myChoice: (eventId: string) => request<DirectoryChoice>(`${base(eventId)}/directory/me`),
  setListed: (eventId: string, listed: boolean) =>
    request<DirectoryChoice>(`${base(eventId)}/directory/me`, { method: "PUT", body: { listed } }),
  list: (eventId: string, query: { q?: string; limit?: number; offset?: number }) =>
    request<Page<DirectoryEntry>>(`${base(eventId)}/directory`, { query }),
  peopleToMeet: (eventId: string) =>
    request<Page<Suggestion>>(`${base(eventId)}/people-to-meet`, { query: { limit: 20 } }),
  add: (eventId: string, attendeeId: string) =>
    request<ScanResult>(`${base(eventId)}/directory/${encodeURIComponent(attendeeId)}/add`, {
      method: "POST",
    }),
};
