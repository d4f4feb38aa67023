// The offline door: the event's pack (attendees as compact rows, the check-in window, a keyed
// hash of every badge token under the event's key, never the tokens) kept in IndexedDB and
// brought up to date with the changes since its version; and the judgement a staff phone makes
// alone while offline (docs/offline.md, "The pack" and "What the phone answers offline").
import { request } from "../api";
import type { AttendeeBrief, ScanOutcome } from "../door-api";
import { getOne, PACKS, putOne } from "../outbox/db";

export interface PackAttendee extends AttendeeBrief {
  checked_in_at: string | null;
  gate: string | null;
}

/** One attendee: id, name, company, title, checked in (Unix seconds) or null, gate or null,
 *  hashes of their valid badges, hashes of their revoked ones (the pack's `columns`). */
export type PackRow = [string, string, string, string, number | null, string | null, string[], string[]];

export interface DoorPack {
  format: 2;
  full: boolean;
  version: string;
  event_id: string;
  event_name: string;
  timezone: string;
  window: { opens_at: string; closes_at: string };
  badge_url_prefix: string;
  hash: { algorithm: string; key: string; input: string; output: string };
  attendee_count: number;
  badge_count: number;
  columns: string[];
  attendees: PackRow[];
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

const HASH_DIGITS = 32;

type Admitted = StoredPack["admitted"];

/** Where this phone's own admissions are kept: beside the pack, so letting one person in
 *  does not write the whole pack again. */
const admittedKey = (eventId: string) => `${eventId}#admitted`;

/** The pack kept on this phone for the event, if any. */
export async function storedPack(eventId: string): Promise<StoredPack | undefined> {
  const stored = await getOne<StoredPack>(PACKS, eventId);
  if (stored?.pack.format !== 2) return undefined; // none, or kept by an older version of the app
  const admitted = await getOne<Admitted>(PACKS, admittedKey(eventId));
  return { ...stored, admitted: { ...stored.admitted, ...(admitted ?? {}) } };
}

function fetchPack(eventId: string, since?: string): Promise<DoorPack> {
  return request<DoorPack>(`/events/${encodeURIComponent(eventId)}/door/offline-pack`, {
    query: { since },
    offlineCopy: false, // kept in PACKS, not twice
  });
}

/** The held pack with an update's attendees put in; null when the counts then disagree with
 *  the server's (something was removed): fetch the whole pack instead. */
export function mergePack(held: DoorPack, update: DoorPack): DoorPack | null {
  const rows = new Map(held.attendees.map((row) => [row[0], row]));
  for (const row of update.attendees) rows.set(row[0], row);
  const attendees = [...rows.values()];
  const badges = attendees.reduce((n, row) => n + row[6].length + row[7].length, 0);
  if (attendees.length !== update.attendee_count || badges !== update.badge_count) return null;
  return { ...update, full: true, attendees };
}

/** Bring the kept pack up to date (only what changed since its version; the whole pack the
 *  first time, or when an update does not add up), with this phone's own admissions. */
export async function refreshPack(eventId: string): Promise<StoredPack> {
  const old = await storedPack(eventId);
  let pack: DoorPack | null = null;
  if (old) pack = mergePack(old.pack, await fetchPack(eventId, old.pack.version));
  if (!pack) {
    const full = await fetchPack(eventId);
    // A full pack may have been built a moment ago for another phone: catch up at once.
    pack = mergePack(full, await fetchPack(eventId, full.version)) ?? full;
  }
  // Admissions the server now knows about are in the pack itself; the rest stay remembered.
  const admitted = { ...(old?.admitted ?? {}) };
  for (const row of pack.attendees) if (row[4] !== null) delete admitted[row[0]];
  const stored: StoredPack = { pack, admitted, saved_at: new Date().toISOString() };
  await putOne(PACKS, { ...stored, admitted: {} }, eventId);
  await putOne(PACKS, admitted, admittedKey(eventId));
  return stored;
}

/** A pack row as the screens show it. */
export function attendeeOf(row: PackRow): PackAttendee {
  return {
    id: row[0],
    name: row[1],
    company: row[2],
    title: row[3],
    checked_in_at: row[4] === null ? null : new Date(row[4] * 1000).toISOString(),
    gate: row[4] === null ? null : row[5],
  };
}

interface PackIndex {
  byHash: Map<string, { row: PackRow; revoked: boolean }>;
  byId: Map<string, PackRow>;
  byName: PackRow[];
}

const indexes = new WeakMap<DoorPack, PackIndex>();

/** Look-ups by badge hash and by attendee id, made once per pack. */
function indexOf(pack: DoorPack): PackIndex {
  let index = indexes.get(pack);
  if (!index) {
    const byName = [...pack.attendees].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    index = { byHash: new Map(), byId: new Map(), byName };
    for (const row of pack.attendees) {
      index.byId.set(row[0], row);
      for (const hash of row[6]) index.byHash.set(hash, { row, revoked: false });
      for (const hash of row[7]) index.byHash.set(hash, { row, revoked: true });
    }
    indexes.set(pack, index);
  }
  return index;
}

/** The attendee with this id in the pack, if any. */
export function attendeeInPack(stored: StoredPack, attendeeId: string): PackAttendee | null {
  const row = indexOf(stored.pack).byId.get(attendeeId);
  return row ? attendeeOf(row) : null;
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

/** HMAC-SHA256 of the token under the pack's key: its first 32 hex digits, as in the pack. */
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
  const hex = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
  return hex.slice(0, HASH_DIGITS);
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
  const entry = indexOf(pack).byHash.get(hash);
  if (!entry) return { outcome: "invalid", attendee: null, at: null, gate: null };
  const attendee = attendeeOf(entry.row);
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
  await putOne(PACKS, stored.admitted, admittedKey(eventId));
  return { outcome: "ok", attendee, at: null, gate: null };
}

/** Attendees in the pack whose name, company or title has every word typed (at most 20, by
 *  name). */
export function findInPack(stored: StoredPack, query: string): PackAttendee[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found: PackAttendee[] = [];
  for (const row of indexOf(stored.pack).byName) {
    const text = `${row[1]} ${row[2]} ${row[3]}`.toLowerCase();
    if (words.every((w) => text.includes(w))) found.push(attendeeOf(row));
    if (found.length === 20) break;
  }
  return found;
}
