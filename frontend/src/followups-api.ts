// Endpoints for follow-ups and staying in touch, with their shapes (see schemas/followups.py and
// schemas/reminders.py). One function per write, so each can later be routed through the
// offline outbox without touching the screens. Request plumbing lives in api.ts.
import { ApiError, type Page, request } from "./api";
import { enqueue } from "./outbox/outbox";

export type FollowUpChannel = "email" | "linkedin" | "phone" | "other";
export type FollowUpStatus =
  | "draft"
  | "approved"
  | "scheduled"
  | "sending"
  | "sent"
  | "failed"
  | "skipped"
  | "cancelled";
export type TemplateKind = "resource" | "conversation" | "meet_again" | "introduction" | "custom";

export const MANUAL_CHANNELS: ReadonlySet<FollowUpChannel> = new Set(["linkedin", "phone", "other"]);
export const CHANNEL_LABELS: Record<FollowUpChannel, string> = {
  email: "Email",
  linkedin: "LinkedIn",
  phone: "Phone",
  other: "Other",
};

export interface ContactBrief {
  id: string;
  name: string;
  company: string;
  email: string;
  linkedin_url: string;
  phone: string;
}

export interface FollowUp {
  id: string;
  contact: ContactBrief;
  event_id: string | null;
  template_id: string | null;
  /** The promise this draft was written to keep: done once it is sent. */
  promise_id: string | null;
  channel: FollowUpChannel;
  subject: string;
  body: string;
  status: FollowUpStatus;
  to_address: string;
  send_at: string | null;
  next_attempt_at: string | null;
  attempts: number;
  last_error: string | null;
  snoozed_until: string | null;
  sent_at: string | null;
  status_changed_at: string;
  created_at: string;
  /** Manual channels: the profile or tel: link to open after copying the text. */
  handover_url: string | null;
  /** A draft that mentions nothing of the conversation, and what it could mention. */
  generic: boolean;
  missing: MissingFact[];
}

export interface AssistantBody {
  messages: { role: string; content: string }[];
  model?: string;
  [key: string]: unknown;
}

export type FactPart = "topic" | "detail" | "promise" | "next_step";
export interface MissingFact {
  part: FactPart;
  label: string;
}

export interface ReviewSlot {
  item: FollowUp | null;
  position: number;
  total: number;
  remaining: number;
  snoozed: number;
}

export interface FollowUpEdit {
  subject?: string;
  body?: string;
  channel?: FollowUpChannel;
}

/** Chosen contacts left without a draft, for one reason ("no_way_to_reach"). */
export interface DraftSkipped {
  reason: string;
  count: number;
  /** Why, and what to do, in words. */
  detail: string;
  /** The first few, by name. */
  names: string[];
}

export interface DraftResult {
  created: number;
  already_had_follow_up: number;
  skipped: number;
  skipped_why: DraftSkipped[];
}

export interface Template {
  id: string;
  kind: TemplateKind;
  name: string;
  subject: string;
  body: string;
  updated_at: string;
}

export interface TemplateInput {
  kind?: TemplateKind;
  name?: string;
  subject?: string;
  body?: string;
}

export interface Placeholder {
  name: string;
  description: string;
}

export interface Rendered {
  subject: string;
  body: string;
}

export type ReminderKind = "keep_in_touch" | "birthday" | "milestone" | "promise";

export interface Reminder {
  kind: ReminderKind;
  due_on: string;
  overdue: boolean;
  contact_id: string;
  contact_name: string;
  title: string;
  /** A promise's link to send, if noted. */
  link: string | null;
}

export interface Cadence {
  contact_id: string;
  contact_name: string;
  every_days: number;
  last_interaction_at: string | null;
  next_due_on: string;
}

export interface Preferences {
  timezone: string;
  signature: string;
  daily_digest: boolean;
  calendar_feed: boolean;
}

const fu = (id: string) => `/follow-ups/${encodeURIComponent(id)}`;
const tpl = (id: string) => `/follow-up-templates/${encodeURIComponent(id)}`;

export const followUps = {
  // ---- reads ----
  review: (eventId?: string | null, generic = false) =>
    request<ReviewSlot>("/follow-ups/review", {
      query: { event_id: eventId, generic: generic ? "true" : undefined },
    }),
  list: (query: {
    status?: FollowUpStatus;
    event_id?: string;
    generic?: "true";
    limit?: number;
    offset?: number;
  }) => request<Page<FollowUp>>("/follow-ups", { query }),
  /** Whether "Rewrite in my voice" is offered, and the host drafts go to. */
  assistant: () => request<{ available: boolean; host: string }>("/follow-ups/assistant"),
  /** Exactly what the writing assistant would be sent for this draft. */
  assistantRequest: (id: string) =>
    request<{ url: string; host: string; body: AssistantBody }>(`${fu(id)}/assistant-request`),
  /** The checked rewrite (not saved), or why there is none. */
  rewrite: (id: string) =>
    request<{ body: string; problem: string }>(`${fu(id)}/rewrite`, { method: "POST" }),
  /** Note something from the conversation and have the (generic) draft written again with it. */
  addToDraft: (id: string, fact: { part: FactPart; text: string; kind?: string | null }) =>
    request<FollowUp>(`${fu(id)}/add`, { method: "POST", body: fact }),
  get: (id: string) => request<FollowUp>(fu(id)),

  // ---- writes (one function each: outbox-ready) ----
  /** For one event, or (no id) for all my contacts, those met at no event included. */
  prepareDrafts: (eventId?: string | null) =>
    request<DraftResult>("/follow-ups/drafts", {
      method: "POST",
      body: eventId ? { event_id: eventId } : { scope: "all" },
    }),
  edit: (id: string, data: FollowUpEdit) =>
    request<FollowUp>(fu(id), { method: "PATCH", body: data }),
  /** `sendAt` (ISO with offset) for a chosen time; otherwise now, or 09:00 when late. */
  approve: (id: string, sendAt?: string) =>
    request<FollowUp>(`${fu(id)}/approve`, { method: "POST", body: sendAt ? { send_at: sendAt } : {} }),
  skip: (id: string) => request<FollowUp>(`${fu(id)}/skip`, { method: "POST" }),
  snooze: (id: string, until?: string) =>
    request<FollowUp>(`${fu(id)}/snooze`, { method: "POST", body: until ? { until } : {} }),
  cancel: (id: string) => request<FollowUp>(`${fu(id)}/cancel`, { method: "POST" }),
  reopen: (id: string) => request<FollowUp>(`${fu(id)}/reopen`, { method: "POST" }),
  markSent: (id: string) => request<FollowUp>(`${fu(id)}/mark-sent`, { method: "POST" }),
};

/** Review actions that an offline phone keeps in the outbox (services/sync/followups.py). */
export type ReviewOpType = "followup.edit" | "followup.approve" | "followup.skip" | "followup.snooze";

/**
 * Run a review action online; with no connection (offline, or the request never got an
 * answer) keep it in the outbox instead, to be replayed through /sync. Resolves with the
 * changed follow-up, or null when it was queued.
 */
async function orQueued(
  online: () => Promise<FollowUp>,
  type: ReviewOpType,
  followUp: FollowUp,
  fields: Record<string, unknown>,
  label: string,
): Promise<FollowUp | null> {
  if (navigator.onLine) {
    try {
      return await online();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 0)) throw err;
    }
  }
  const payload = { follow_up_id: followUp.id, acted_at: new Date().toISOString(), ...fields };
  await enqueue(type, payload, label);
  return null;
}

/** The review queue's writes, offline-aware: null means "kept on this phone — will sync". */
export const reviewActions = {
  edit: (f: FollowUp, data: FollowUpEdit) =>
    orQueued(() => followUps.edit(f.id, data), "followup.edit", f, { ...data }, `Edit follow-up to ${f.contact.name}`),
  approve: (f: FollowUp, sendAt?: string) =>
    orQueued(
      () => followUps.approve(f.id, sendAt),
      "followup.approve",
      f,
      sendAt ? { send_at: sendAt } : {},
      `Approve follow-up to ${f.contact.name}`,
    ),
  skip: (f: FollowUp) =>
    orQueued(() => followUps.skip(f.id), "followup.skip", f, {}, `Skip follow-up to ${f.contact.name}`),
  snooze: (f: FollowUp, until?: string) =>
    orQueued(
      () => followUps.snooze(f.id, until),
      "followup.snooze",
      f,
      until ? { until } : {},
      `Snooze follow-up to ${f.contact.name}`,
    ),
};

/** A part of a note as it is typed, and the sentence the default draft makes of it. */
export interface SentenceInput {
  part: "detail" | "topic" | "promise" | "next_step";
  text: string;
  kind?: string | null;
  link?: string;
  /** Whose note: the phrasing of that contact's draft. */
  contact_id?: string;
}
export interface Sentence {
  sentence: string;
  /** Why there is no sentence (a health detail, a birthday). */
  note: string;
}

export const templates = {
  sentence: (input: SentenceInput) =>
    request<Sentence>("/follow-up-templates/sentence", { method: "POST", body: input }),
  list: () => request<Template[]>("/follow-up-templates"),
  placeholders: () => request<Placeholder[]>("/follow-up-templates/placeholders"),
  preview: (contactId: string, subject: string, body: string) =>
    request<Rendered>("/follow-up-templates/preview", {
      method: "POST",
      body: { contact_id: contactId, subject, body },
    }),
  create: (data: Required<Omit<TemplateInput, "kind">> & { kind?: TemplateKind }) =>
    request<Template>("/follow-up-templates", { method: "POST", body: data }),
  update: (id: string, data: TemplateInput) =>
    request<Template>(tpl(id), { method: "PATCH", body: data }),
  remove: (id: string) => request<void>(tpl(id), { method: "DELETE" }),
};

export const staying = {
  reminders: (withinDays = 7) =>
    request<Reminder[]>("/reminders", { query: { within_days: withinDays } }),
  cadences: () => request<Cadence[]>("/keep-in-touch"),
  preferences: () => request<Preferences>("/follow-up-settings"),

  setCadence: (contactId: string, everyDays: number) =>
    request<Cadence>(`/keep-in-touch/${encodeURIComponent(contactId)}`, {
      method: "PUT",
      body: { every_days: everyDays },
    }),
  removeCadence: (contactId: string) =>
    request<void>(`/keep-in-touch/${encodeURIComponent(contactId)}`, { method: "DELETE" }),
  weTalked: (contactId: string, text = "") =>
    request<{ id: string }>("/interactions", {
      method: "POST",
      body: { contact_id: contactId, kind: "talked", text },
    }),
  updatePreferences: (data: Partial<Omit<Preferences, "calendar_feed">>) =>
    request<Preferences>("/follow-up-settings", { method: "PATCH", body: data }),
  rotateCalendarFeed: () =>
    request<{ url: string }>("/reminders/calendar-feed", { method: "POST" }),
  disableCalendarFeed: () => request<void>("/reminders/calendar-feed", { method: "DELETE" }),
};

/** A time for people: "Mon 24 Nov, 09:00" in this device's time zone. */
export function whenText(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}
