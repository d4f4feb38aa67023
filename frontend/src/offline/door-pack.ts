// The offline door: the event's pack (attendees, check-in window, HMAC-SHA256 of every badge
// token under the event's key, never the tokens) kept in IndexedDB, and the judgement a staff
// phone makes alone while offline (docs/offline.md, "What the phone answers offline").
import { request } from "../api";
import type { AttendeeBrief, ScanOutcome } from "../door-api";
import { getOne, PACKS, putOne } from "../outbox/db";

export interface PackAttendee extends AttendeeBrief {
  checked_in_at: string | null;
  gate: string | null;
}

export interface DoorPack {
  event_id: string;
  event_name: string;
  timezone: string;
  window: { opens_at: string; closes_at: string };
  badge_url_prefix: string;
  hash: { algorithm: string; key: string; input: string; output: string };
  attendees: PackAttendee[];
  tokens: { hash: string; attendee_id: string; revoked: boolean }[];
  generated_at: string;
}

/** The pack and who this phone let in since it was downloaded (attendee id → time, gate). */
export interface StoredPack {
  pack: DoorPack;
  admitted: Record<string, { at: string; gate: string }>;
  saved_at: string;
}

export interface LocalJudgement {
  outcome: ScanOutcome;
  attendee: PackAttendee | null;
  /** For "already checked in": when and where. */
  at: string | null;
  gate: string | null;
}

/** The pack kept on this phone for the event, if any. */
export function storedPack(eventId: string): Promise<StoredPack | undefined> {
  return getOne<StoredPack>(PACKS, eventId);
}

/** Download the pack again and keep it (with this phone's own admissions). */
export async function refreshPack(eventId: string): Promise<StoredPack> {
  const pack = await request<DoorPack>(`/events/${encodeURIComponent(eventId)}/door/offline-pack`);
  const old = await storedPack(eventId);
  // Admissions the server now knows about are in the pack itself; the rest stay remembered.
  const admitted = { ...(old?.admitted ?? {}) };
  for (const a of pack.attendees) if (a.checked_in_at) delete admitted[a.id];
  const stored: StoredPack = { pack, admitted, saved_at: new Date().toISOString() };
  await putOne(PACKS, stored, eventId);
  return stored;
}

/** The badge token in what the camera read: a badge URL or a bare token (as the server does). */
export function tokenOf(text: string, prefix: string): string {
  let value = text.trim();
  if (value.startsWith(prefix)) value = value.slice(prefix.length);
  else {
    const at = value.indexOf("/b/");
    if (/^https?:\/\//i.test(value) && at >= 0) value = value.slice(at + 3);
  }
  value = value.split(/[?#]/)[0];
  return value.replace(/\/+$/, "");
}

const keys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA256 of the token under the pack's key, as lowercase hex. */
export async function tokenHash(token: string, key: string): Promise<string> {
  let imported = keys.get(key);
  if (!imported) {
    imported = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keys.set(key, imported);
  }
  const mac = await crypto.subtle.sign("HMAC", await imported, new TextEncoder().encode(token));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Judge a scan from the pack alone; an "ok" is remembered as let in on this phone. */
export async function judgeOffline(
  eventId: string,
  stored: StoredPack,
  text: string,
  gate: string,
  at: Date,
): Promise<LocalJudgement> {
  const { pack } = stored;
  const hash = await tokenHash(tokenOf(text, pack.badge_url_prefix), pack.hash.key);
  const entry = pack.tokens.find((t) => t.hash === hash);
  const attendee = entry ? (pack.attendees.find((a) => a.id === entry.attendee_id) ?? null) : null;
  if (!entry || !attendee) return { outcome: "invalid", attendee: null, at: null, gate: null };
  if (entry.revoked) return { outcome: "revoked", attendee, at: null, gate: null };
  return judgeAttendee(eventId, stored, attendee, gate, at);
}

/** Judge letting this attendee in (a badge that checked out, or found by name). */
export async function judgeAttendee(
  eventId: string,
  stored: StoredPack,
  attendee: PackAttendee,
  gate: string,
  at: Date,
): Promise<LocalJudgement> {
  const { pack } = stored;
  const opens = Date.parse(pack.window.opens_at);
  const closes = Date.parse(pack.window.closes_at);
  if (at.getTime() < opens || at.getTime() > closes) {
    return { outcome: "not_open", attendee, at: null, gate: null };
  }
  if (attendee.checked_in_at) {
    return { outcome: "already_checked_in", attendee, at: attendee.checked_in_at, gate: attendee.gate };
  }
  const mine = stored.admitted[attendee.id];
  if (mine) return { outcome: "already_checked_in", attendee, at: mine.at, gate: mine.gate };
  stored.admitted[attendee.id] = { at: at.toISOString(), gate };
  await putOne(PACKS, stored, eventId);
  return { outcome: "ok", attendee, at: null, gate: null };
}

/** Attendees in the pack whose name, company or title has every word typed (at most 20). */
export function findInPack(stored: StoredPack, query: string): PackAttendee[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return stored.pack.attendees
    .filter((a) => {
      const text = `${a.name} ${a.company} ${a.title}`.toLowerCase();
      return words.every((w) => text.includes(w));
    })
    .slice(0, 20);
}
