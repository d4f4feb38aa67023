// Offline, a contact whose own page was never opened on this phone is still known from what
// is: the contact lists kept by the offline cache (cache.ts, keyed by URL), or a contact typed
// in offline that still waits in the outbox. Enough to show who it is and to write a note;
// this only reads what is kept, it keeps nothing of its own.
import type { Page } from "../api";
import type { ContactSummary } from "../contacts-api";
import { CACHE, OUTBOX, requestDone, transact } from "../outbox/db";
import type { Operation } from "../outbox/outbox";

// Kept lists are under their URL with the query: "/api/v1/contacts?limit=200&sort=met".
const LIST_KEYS = ["/api/v1/contacts?", "/api/v1/contacts?\uffff"] as const;

interface Kept {
  data: unknown;
  saved_at: string;
}

/** The newest kept list entry for this contact, if any list on this phone had them. */
async function fromKeptLists(id: string): Promise<ContactSummary | undefined> {
  const kept = await transact(CACHE, "readonly", (tx) =>
    requestDone(tx.objectStore(CACHE).getAll(IDBKeyRange.bound(...LIST_KEYS)) as IDBRequest<Kept[]>),
  );
  let found: ContactSummary | undefined;
  let savedAt = "";
  for (const entry of kept) {
    const page = entry.data as Page<ContactSummary> | undefined;
    const item = page?.items?.find((c) => c.id === id);
    if (item && entry.saved_at > savedAt) {
      found = item;
      savedAt = entry.saved_at;
    }
  }
  return found;
}

/** A contact typed in offline (contact.create still waiting to sync), as a list item. */
async function fromOutbox(id: string): Promise<ContactSummary | undefined> {
  const waiting = await transact(OUTBOX, "readonly", (tx) =>
    requestDone(tx.objectStore(OUTBOX).getAll() as IDBRequest<Operation[]>),
  );
  const op = waiting.find((o) => o.type === "contact.create" && o.payload.id === id);
  if (!op) return undefined;
  const text = (name: string) => (typeof op.payload[name] === "string" ? (op.payload[name] as string) : "");
  const metAt = text("met_at") || op.created_at;
  return {
    id,
    source: "manual",
    person_id: null,
    name: text("name"),
    title: text("title"),
    company: text("company"),
    email: text("email"),
    phone: text("phone"),
    linkedin_url: text("linkedin_url"),
    website: text("website"),
    headline: "",
    interests: [],
    goals: "",
    shared_fields: [],
    event_id: text("event_id") || null,
    event_name: null,
    met_at: metAt,
    warmth: null,
    preferred_channel: null,
    created_at: metAt,
    updated_at: metAt,
    tags: [],
    open_promises: 0,
  };
}

/** What this phone knows of a contact without its detail page, or undefined. */
export async function knownContact(id: string): Promise<ContactSummary | undefined> {
  if (typeof indexedDB === "undefined") return undefined;
  return (await fromKeptLists(id)) ?? (await fromOutbox(id));
}
