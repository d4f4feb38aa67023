// Endpoints for meeting people: my card, badge exchange, notifications, contacts, notes,
// promises, search and pitches, with their shapes (see schemas/cards.py, exchange.py,
// contacts.py, notes.py, search.py, pitches.py). Request plumbing lives in api.ts.
import { ApiError, type Page, request } from "./api";
import type { Job } from "./jobs-api";
import { createStore } from "./store";

export type CardField =
  | "name"
  | "title"
  | "company"
  | "email"
  | "phone"
  | "linkedin_url"
  | "website"
  | "headline"
  | "interests"
  | "goals"
  | "photo";

export interface CardInput {
  name: string;
  title: string;
  company: string;
  email: string;
  phone: string;
  linkedin_url: string;
  website: string;
  headline: string;
  interests: string[];
  /** "What I'm looking for": shared only when chosen. */
  goals: string;
  shared_fields?: CardField[];
}

export interface Card extends CardInput {
  shared_fields: CardField[];
  has_photo: boolean;
  headline_pitch_id: string | null;
  words_per_minute: number;
  updated_at: string;
}

export interface CardSettingsInput {
  words_per_minute?: number;
  headline_pitch_id?: string;
  clear_headline_pitch?: boolean;
}

export type Warmth = "hot" | "warm" | "cold";
export type Channel = "email" | "linkedin" | "phone" | "other";
export type DetailKind = "family" | "hobby" | "trip" | "milestone" | "birthday" | "health";
export type ContactSort = "met" | "warmth" | "name";
export type OnDuplicate = "offer" | "create" | "merge";

export interface Contact {
  id: string;
  source: string;
  person_id: string | null;
  name: string;
  title: string;
  company: string;
  email: string;
  phone: string;
  linkedin_url: string;
  website: string;
  headline: string;
  interests: string[];
  /** What they are looking for, while they share it with me. */
  goals: string;
  shared_fields: string[];
  event_id: string | null;
  met_at: string;
  warmth: Warmth | null;
  preferred_channel: Channel | null;
  created_at: string;
  updated_at: string;
}

export interface ContactSummary extends Contact {
  event_name: string | null;
  tags: string[];
  open_promises: number;
}

export interface PersonalDetail {
  id?: string;
  kind: DetailKind;
  text: string;
  on_date: string | null;
}

export interface Promise_ {
  id: string;
  note_id: string;
  contact_id: string;
  text: string;
  /** The link to send (http or https), if noted. */
  link: string | null;
  due_on: string | null;
  done: boolean;
  done_at: string | null;
  /** When I shared it with the person I made it to (or null). */
  shared_at?: string | null;
}

/** A promise shared between me and a contact, as I see it (see services/people/shared_promises.py). */
export interface Agreed {
  id: string;
  mine: boolean;
  /** "Ada will send you the slides by Friday 11 December" */
  sentence: string;
  text: string;
  link: string | null;
  due_on: string | null;
  done: boolean;
  done_at: string | null;
  done_by_other: boolean;
}

export interface PromiseInput {
  id?: string;
  text: string;
  /** Left out: the server keeps the link it has (an edit mid-typing cannot wipe it). */
  link?: string | null;
  due_on: string | null;
  done?: boolean;
}

export interface NoteFields {
  text: string;
  topics: string[];
  personal_details: PersonalDetail[];
  promises: PromiseInput[];
  next_step: string;
  warmth: Warmth | null;
  preferred_channel: Channel | null;
}

export interface Note extends Omit<NoteFields, "promises"> {
  id: string;
  contact_id: string;
  promises: Promise_[];
  version: number;
  created_at: string;
  updated_at: string;
}

/** A note edited on two devices at once: both texts are kept, one as a conflict copy. */
export interface NoteConflict {
  id: string;
  note_id: string;
  copy_note_id: string;
  contact_id: string;
  contact_name: string;
  winner: "incoming" | "current";
  device: string;
  edited_at: string;
  created_at: string;
}

export interface ContactDetail extends ContactSummary {
  notes: Note[];
  promises: Promise_[];
}

export interface ContactInput {
  id?: string;
  name: string;
  title?: string;
  company?: string;
  email?: string;
  phone?: string;
  linkedin_url?: string;
  website?: string;
  event_id?: string | null;
  on_duplicate?: OnDuplicate;
  merge_into?: string;
}

/** The fields PATCH /contacts/{id} takes; only those sent change (and become mine). */
export interface ContactPatch {
  name?: string;
  title?: string;
  company?: string;
  email?: string;
  phone?: string;
  linkedin_url?: string;
  website?: string;
  event_id?: string | null;
  met_at?: string;
}

/** A card of an imported .vcf file that looks like someone I have: it was left out. */
export interface FileDuplicate {
  card: number;
  name: string;
  existing_contact_id: string;
}

export interface FileImport {
  created: Contact[];
  merged: Contact[];
  duplicate_cards: FileDuplicate[];
  warnings: string[];
}

export interface ImportInput {
  payload: string;
  id?: string;
  event_id?: string | null;
  on_duplicate?: OnDuplicate;
  merge_into?: string;
}

export interface ContactCreated {
  contact: Contact;
  created: boolean;
  warnings: string[];
}

export interface ScanResult {
  contact: Contact;
  created: boolean;
  event_id: string;
  event_name: string;
}

export interface Notification {
  id: string;
  kind: string;
  text: string;
  actor_id: string | null;
  event_id: string | null;
  can_share_back: boolean;
  created_at: string;
  read_at: string | null;
}

export interface PromiseListItem extends Promise_ {
  contact_name: string;
  /** When the follow-up written to keep it was sent (which marked it done). */
  sent_with_follow_up_at: string | null;
}

export interface SearchHit {
  contact: Contact;
  matched_in: "name" | "company" | "note" | string;
  note_id: string | null;
  snippet: string;
}

export interface SearchResult {
  query: string;
  terms: string[];
  items: SearchHit[];
}

export type TargetSeconds = 30 | 60 | 90;

export interface PitchInput {
  id?: string;
  title: string;
  audience: string;
  text: string;
  target_seconds: TargetSeconds;
}

export interface Pitch extends PitchInput {
  id: string;
  word_count: number;
  words_per_minute: number;
  speaking_seconds: number;
  over_under_seconds: number;
  fit: "under" | "on_target" | "over";
  is_headline: boolean;
  created_at: string;
  updated_at: string;
}

/** Bumped whenever my notifications change here (read, shared back), so badges ask again. */
export const notificationsChanged = createStore(0);

async function thenNotificationsChanged<T>(answer: Promise<T>): Promise<T> {
  const value = await answer;
  notificationsChanged.set(notificationsChanged.get() + 1);
  return value;
}

const contactPath = (id: string) => `/contacts/${encodeURIComponent(id)}`;

/** A new client-made id (crypto.randomUUID is missing outside secure contexts). */
export function newId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The existing contact's id when the server answered 409 possible_duplicate. */
export function duplicateOf(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const id = error.extra.existing_contact_id;
  return typeof id === "string" ? id : null;
}

/** Start a vCard or CSV export of my contacts (a background job that makes the file). */
export function exportContacts(
  kind: "vcf" | "google" | "hubspot",
  includeNotes: boolean,
): Promise<Job> {
  const query: Record<string, string> = {};
  if (kind !== "vcf") query.format = kind;
  if (includeNotes && kind !== "hubspot") query.include_notes = "true";
  const file = kind === "vcf" ? "export.vcf" : "export.csv";
  return request<Job>(`/contacts/${file}`, { method: "POST", query });
}

export const people = {
  myCard: () => request<Card>("/me/card"),
  saveCard: (data: CardInput) => request<Card>("/me/card", { method: "PUT", body: data }),
  cardSettings: (data: CardSettingsInput) =>
    request<Card>("/me/card/settings", { method: "PATCH", body: data }),
  uploadPhoto: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<Card>("/me/card/photo", { method: "PUT", body: form });
  },
  removePhoto: () => request<Card>("/me/card/photo", { method: "DELETE" }),

  scanBadge: (badge: string, id?: string) =>
    request<ScanResult>("/exchange/scan", { method: "POST", body: { badge, id } }),
  shareBack: (userId: string) =>
    thenNotificationsChanged(
      request<Contact>("/exchange/share-back", { method: "POST", body: { user_id: userId } }),
    ),
  notifications: (unread = false) =>
    request<Page<Notification>>("/notifications", { query: { unread: unread ? "true" : "" } }),
  markRead: (id: string) =>
    thenNotificationsChanged(
      request<void>(`/notifications/${encodeURIComponent(id)}/read`, { method: "POST" }),
    ),

  contacts: (query: {
    event_id?: string;
    tag?: string;
    sort?: ContactSort;
    limit?: number;
    offset?: number;
  }) => request<Page<ContactSummary>>("/contacts", { query }),
  contact: (id: string) => request<ContactDetail>(contactPath(id)),
  addContact: (data: ContactInput) =>
    request<ContactCreated>("/contacts", { method: "POST", body: data }),
  importContact: (data: ImportInput) =>
    request<ContactCreated>("/contacts/import", { method: "POST", body: data }),
  /** A .vcf file: every card, or (`cards`) the ones left out before, merged or added anyway. */
  importFile: (file: File, choice?: { on_duplicate: "merge" | "create"; cards: number[] }) => {
    const form = new FormData();
    form.append("file", file);
    if (choice) {
      form.append("on_duplicate", choice.on_duplicate);
      for (const card of choice.cards) form.append("cards", String(card));
    }
    return request<Job<FileImport>>("/contacts/import-file", { method: "POST", body: form });
  },
  patchContact: (id: string, data: ContactPatch) =>
    request<Contact>(contactPath(id), { method: "PATCH", body: data }),
  mergeContact: (id: string, otherId: string) =>
    request<Contact>(`${contactPath(id)}/merge`, { method: "POST", body: { other_id: otherId } }),
  deleteContact: (id: string) => request<void>(contactPath(id), { method: "DELETE" }),
  contactPhotoUrl: (id: string) => `/api/v1${contactPath(id)}/photo`,

  note: (id: string) => request<Note>(`/notes/${encodeURIComponent(id)}`),
  createNote: (contactId: string, data: Partial<NoteFields> & { id: string }) =>
    request<Note>(`${contactPath(contactId)}/notes`, { method: "POST", body: data }),
  patchNote: (id: string, data: Partial<NoteFields> & { base_version: number }) =>
    request<Note>(`/notes/${encodeURIComponent(id)}`, { method: "PATCH", body: data }),

  noteConflicts: () => request<NoteConflict[]>("/sync/conflicts"),
  resolveNoteConflict: (id: string) =>
    request<NoteConflict>(`/sync/conflicts/${encodeURIComponent(id)}/resolve`, { method: "POST" }),

  promises: (includeDone = false) =>
    request<Page<PromiseListItem>>("/promises", {
      query: { include_done: includeDone ? "true" : "", limit: 200 },
    }),
  agreed: (contactId: string) =>
    request<{ mutual: boolean; items: Agreed[] }>(`/contacts/${encodeURIComponent(contactId)}/agreed`),
  sharePromise: (id: string, shared: boolean) =>
    request<Promise_>(`/promises/${encodeURIComponent(id)}/shared`, { method: "PUT", body: { shared } }),
  /** Either side of a shared promise: closed for both. */
  tickShared: (id: string, done: boolean) =>
    request<{ id: string; done: boolean }>(`/promises/${encodeURIComponent(id)}/done`, {
      method: "PUT",
      body: { done },
    }),
  setPromiseDone: (id: string, done: boolean) =>
    request<Promise_>(`/promises/${encodeURIComponent(id)}`, { method: "PATCH", body: { done } }),
  /** null (or "") removes it. */
  setPromiseLink: (id: string, link: string | null) =>
    request<Promise_>(`/promises/${encodeURIComponent(id)}`, { method: "PATCH", body: { link } }),

  search: (q: string) => request<SearchResult>("/search", { query: { q } }),

  pitches: () => request<Pitch[]>("/pitches"),
  pitch: (id: string) => request<Pitch>(`/pitches/${encodeURIComponent(id)}`),
  createPitch: (data: PitchInput) => request<Pitch>("/pitches", { method: "POST", body: data }),
  patchPitch: (id: string, data: Partial<PitchInput>) =>
    request<Pitch>(`/pitches/${encodeURIComponent(id)}`, { method: "PATCH", body: data }),
  deletePitch: (id: string) =>
    request<void>(`/pitches/${encodeURIComponent(id)}`, { method: "DELETE" }),
};
