// Endpoints of my look-for list (schemas/look_for.py): people, companies and topics I want to
// meet at an event, or at every event. Request plumbing lives in api.ts.
import { request } from "./api";

export type LookForKind = "person" | "company" | "topic";

export const KINDS: { kind: LookForKind; label: string; example: string }[] = [
  { kind: "person", label: "Person", example: "e.g. Mona Berg" },
  { kind: "company", label: "Company", example: "e.g. Vattenfall" },
  { kind: "topic", label: "Topic", example: "e.g. battery recycling" },
];

export interface FoundContact {
  contact_id: string;
  name: string;
}

export interface LookForEntry {
  id: string;
  kind: LookForKind;
  text: string;
  /** null: for every event. */
  event_id: string | null;
  event_name: string | null;
  /** Ticked off by hand. */
  done: boolean;
  done_at: string | null;
  /** My contacts who match it, worked out by the server on every read. */
  found: FoundContact[];
  created_at: string;
  updated_at: string;
}

export interface LookForInput {
  /** Client-made: sending the same id again returns the entry instead of a second one. */
  id: string;
  kind: LookForKind;
  text: string;
  event_id: string | null;
}

export interface LookForPatch {
  kind?: LookForKind;
  text?: string;
  done?: boolean;
}

const entryPath = (id: string) => `/look-for/${encodeURIComponent(id)}`;

export const lookFor = {
  /** This event's entries and those for every event. */
  list: (eventId: string) => request<LookForEntry[]>("/look-for", { query: { event_id: eventId } }),
  add: (data: LookForInput) => request<LookForEntry>("/look-for", { method: "POST", body: data }),
  edit: (id: string, data: LookForPatch) => request<LookForEntry>(entryPath(id), { method: "PATCH", body: data }),
  remove: (id: string) => request<void>(entryPath(id), { method: "DELETE" }),
};
