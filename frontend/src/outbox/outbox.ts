// The outbox: every change made on this phone is stored here first (IndexedDB, in the order it
// was made, with an operation id made now) and replayed to POST /api/v1/sync in that order, at
// most 100 at a time (docs/offline.md). Like workbox-background-sync's Queue: an operation that
// got no answer is put back and tried again later with backoff; one the server answered is
// dropped, and a refused one is kept aside with the server's reason for the user to see.
import { ApiError, request } from "../api";
import { currentUser, session } from "../session";
import { createStore } from "../store";
import { FAILED, OUTBOX, deleteKeys, entries, requestDone, transact } from "./db";

export type OpType =
  | "contact.create"
  | "exchange.scan"
  | "note.create"
  | "note.update"
  | "promise.set_done"
  | "door.scan"
  // Extension point: the follow-ups work registers its own type server-side (services/sync/batch.py);
  // queue it with enqueue("followup.approve", …) once that exists.
  | (string & {});

export interface Operation {
  id: string;
  type: OpType;
  payload: Record<string, unknown>;
  /** What the user did, in plain words ("Note on Sam Lee"), for the sync status. */
  label: string;
  created_at: string;
  /** How many times it was sent; a sent operation is never changed again (same id, same body). */
  attempts: number;
  /** Who made it: a phone shared by two people sends each one's changes in their own session. */
  user_id: string | null;
}

export interface FailedOperation extends Operation {
  code: string;
  detail: string;
  failed_at: string;
}

export interface OpResult {
  op_id: string;
  type: string;
  status: "applied" | "duplicate" | "conflict" | "rejected" | "retry";
  code: string | null;
  detail: string | null;
  fields?: { field: string; message: string }[];
  result: Record<string, unknown> | null;
}

/** Why the server refused an operation, in its words: the detail, and each field's message
 *  when there are several (one is the detail already). */
export function refusalReason(result: OpResult): string {
  const detail = result.detail ?? "Refused by the server.";
  const fields = result.fields ?? [];
  if (fields.length < 2) return detail;
  return `${detail} ${fields.map((f) => `${f.field}: ${f.message}`).join(" ")}`;
}

interface BatchAnswer {
  results: OpResult[];
}

export interface SyncState {
  waiting: number;
  syncing: boolean;
  failed: FailedOperation[];
  /** Why the last attempt did not get through ("" when it did). */
  problem: string;
  conflicts: number;
  lastSyncedAt: string | null;
}

// About 15 ms an operation on the server (docs/benchmarks.md). The server commits a long batch
// in chunks, so no door scan waits behind a whole one; small batches keep a lost answer's
// resend short and the outbox's progress moving.
export const BATCH_SIZE = 15;
const PERIOD_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;
export const SYNC_TAG = "rapport-outbox";

export const syncState = createStore<SyncState>({
  waiting: 0,
  syncing: false,
  failed: [],
  problem: "",
  conflicts: 0,
  lastSyncedAt: null,
});

type Listener = (op: Operation, result: OpResult) => void;
const listeners = new Set<Listener>();

/** Be told about every answered operation (to swap a placeholder, learn a note's version…). */
export function onAnswered(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function patch(change: Partial<SyncState>): void {
  syncState.set({ ...syncState.get(), ...change });
}

/** A new client-made id (crypto.randomUUID is missing outside secure contexts). */
export function newOpId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** This phone's name for the server ("phone-4f2a"), made once and kept. */
export function deviceName(): string {
  const key = "rapport-device";
  let name = localStorage.getItem(key);
  if (!name) {
    name = `phone-${newOpId().slice(0, 8)}`;
    localStorage.setItem(key, name);
  }
  return name;
}

function isMine(op: Operation): boolean {
  return !op.user_id || op.user_id === currentUser()?.id;
}

/** The signed-in person's waiting operations, in order. */
async function mine(): Promise<[IDBValidKey, Operation][]> {
  return (await entries<Operation>(OUTBOX)).filter(([, op]) => isMine(op));
}

/** Re-read what waits and what failed from IndexedDB into `syncState`. */
export async function refreshState(): Promise<void> {
  const [waiting, failed] = await Promise.all([mine(), entries<FailedOperation>(FAILED)]);
  // Refused ones in the order they were made (their store is keyed by id, not by order).
  const refused = failed
    .map(([, f]) => f)
    .filter(isMine)
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  patch({ waiting: waiting.length, failed: refused });
}

/** Store a change in the outbox (resolves once it is on disk) and try to send it soon. */
export async function enqueue(type: OpType, payload: Record<string, unknown>, label: string): Promise<Operation> {
  const op: Operation = {
    id: newOpId(),
    type,
    payload,
    label,
    created_at: new Date().toISOString(),
    attempts: 0,
    user_id: currentUser()?.id ?? null,
  };
  await transact(OUTBOX, "readwrite", async (tx) => {
    await requestDone(tx.objectStore(OUTBOX).add(op));
  });
  await refreshState();
  askForBackgroundSync();
  scheduleReplay(50);
  return op;
}

/**
 * Merge `change` into the newest unsent operation `matches` picks, in one transaction (so the
 * replay cannot send it halfway). Returns false when there is none: queue a new one then.
 */
export async function coalesce(
  matches: (op: Operation) => boolean,
  change: (op: Operation) => Operation,
): Promise<boolean> {
  const merged = await transact(OUTBOX, "readwrite", async (tx) => {
    const store = tx.objectStore(OUTBOX);
    const [keys, ops] = await Promise.all([
      requestDone(store.getAllKeys()),
      requestDone(store.getAll() as IDBRequest<Operation[]>),
    ]);
    for (let i = ops.length - 1; i >= 0; i--) {
      if (!isMine(ops[i]) || !matches(ops[i])) continue;
      if (ops[i].attempts > 0) return false; // already sent: it must stay as it was sent
      await requestDone(store.put(change(ops[i]), keys[i]));
      return true;
    }
    return false;
  });
  if (merged) scheduleReplay(50);
  return merged;
}

/** The first waiting operation `matches` picks, if any (e.g. this badge's scan, queued before a reload). */
export async function findWaiting(matches: (op: Operation) => boolean): Promise<Operation | undefined> {
  const waiting = await mine();
  return waiting.map(([, op]) => op).find(matches);
}

/** Drop a refused operation from the list once the user has seen (or saved) it. */
export async function dismissFailed(id: string): Promise<void> {
  await deleteKeys(FAILED, [id]);
  await refreshState();
}

let running: Promise<void> | null = null;
let timer: number | undefined;
let backoffMs = 2000;
let canSend: () => boolean = () => true;

/** Only replay while this returns true (signed in). */
export function setSendGuard(guard: () => boolean): void {
  canSend = guard;
}

function scheduleReplay(delayMs: number): void {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => void replay(), delayMs);
}

/** Send everything that waits, in order, batch by batch; resolves when done or stopped. */
export function replay(): Promise<void> {
  if (!running) {
    running = replayAll().finally(() => {
      running = null;
    });
  }
  return running;
}

async function replayAll(): Promise<void> {
  // Offline for sure: nothing is sent, so nothing is marked sent (edits keep coalescing).
  if (!canSend() || !navigator.onLine) return;
  patch({ syncing: true });
  try {
    for (;;) {
      const waiting = await mine();
      if (waiting.length === 0) {
        backoffMs = 2000;
        patch({ problem: "", lastSyncedAt: new Date().toISOString() });
        return;
      }
      const more = await sendBatch(waiting.slice(0, BATCH_SIZE));
      await refreshState();
      if (!more) return;
    }
  } finally {
    patch({ syncing: false });
  }
}

/** Send one batch; true when every operation got a final answer (go on with the next). */
async function sendBatch(listed: [IDBValidKey, Operation][]): Promise<boolean> {
  // Mark them sent before sending (re-read in the same transaction, so an edit coalesced a
  // moment ago goes out as stored): from now on they are never changed.
  const batch = await transact(OUTBOX, "readwrite", async (tx) => {
    const store = tx.objectStore(OUTBOX);
    const fresh: [IDBValidKey, Operation][] = [];
    for (const [key] of listed) {
      const op = await requestDone(store.get(key) as IDBRequest<Operation | undefined>);
      if (!op) continue;
      op.attempts += 1;
      await requestDone(store.put(op, key));
      fresh.push([key, op]);
    }
    return fresh;
  });
  if (batch.length === 0) return true;
  let answer: BatchAnswer;
  try {
    answer = await request<BatchAnswer>("/sync", {
      method: "POST",
      body: {
        device: deviceName(),
        operations: batch.map(([, op]) => ({ id: op.id, type: op.type, payload: op.payload })),
      },
      redirectOn401: false,
    });
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError(0, "network", String(err));
    const passing = error.status === 0 || error.status === 401 || error.status === 429 || error.status >= 500;
    if (passing) {
      patch({
        problem: error.status === 0 ? "Offline: changes are kept on this phone." : error.detail,
      });
      scheduleReplay(backoffMs);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      return false;
    }
    // The batch as a whole was refused (malformed): keep every operation aside, with why.
    await setAside(batch.map(([key, op]) => [key, op, error.code, error.detail]));
    return true;
  }
  const byId = new Map(answer.results.map((r) => [r.op_id, r]));
  const finished: IDBValidKey[] = [];
  const refused: [IDBValidKey, Operation, string, string][] = [];
  let retry = false;
  let conflicts = 0;
  for (const [key, op] of batch) {
    const result = byId.get(op.id);
    if (!result || result.status === "retry") {
      retry = true;
      continue;
    }
    if (result.status === "rejected") {
      // Never works as sent (bad text, a bug on the server): set aside with why, not retried.
      refused.push([key, op, result.code ?? "rejected", refusalReason(result)]);
    } else {
      finished.push(key);
      if (result.status === "conflict") conflicts += 1;
    }
    for (const listener of listeners) {
      try {
        listener(op, result);
      } catch {
        // A screen's listener must not stop the outbox.
      }
    }
  }
  await deleteKeys(OUTBOX, finished);
  await setAside(refused);
  if (conflicts) patch({ conflicts: syncState.get().conflicts + conflicts });
  if (retry) {
    scheduleReplay(backoffMs);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    return false;
  }
  backoffMs = 2000;
  return true;
}

async function setAside(items: [IDBValidKey, Operation, string, string][]): Promise<void> {
  if (items.length === 0) return;
  const now = new Date().toISOString();
  await transact([OUTBOX, FAILED], "readwrite", async (tx) => {
    for (const [key, op, code, detail] of items) {
      await requestDone(tx.objectStore(FAILED).put({ ...op, code, detail, failed_at: now }));
      await requestDone(tx.objectStore(OUTBOX).delete(key));
    }
  });
}

/** Ask the service worker to wake us when the connection returns (where the browser can). */
function askForBackgroundSync(): void {
  if (!("serviceWorker" in navigator)) return;
  void navigator.serviceWorker.ready
    .then((registration) => {
      const sync = (registration as ServiceWorkerRegistration & {
        sync?: { register: (tag: string) => Promise<void> };
      }).sync;
      return sync?.register(SYNC_TAG);
    })
    .catch(() => {
      // No Background Sync here: the online event and the timer still replay.
    });
}

/** Replay on start, when the connection returns, when the app comes back, every 30 s, and
 *  when the service worker's Background Sync says so. */
export function startOutbox(): void {
  void refreshState();
  // Someone else signs in on this phone: show and send their changes, not the last person's.
  session.subscribe(() => {
    void refreshState();
    scheduleReplay(0);
  });
  window.addEventListener("online", () => scheduleReplay(0));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") scheduleReplay(0);
  });
  window.setInterval(() => {
    if (navigator.onLine && syncState.get().waiting > 0) void replay();
  }, PERIOD_MS);
  navigator.serviceWorker?.addEventListener("message", (event: MessageEvent) => {
    if (event.data?.type === "REPLAY_OUTBOX") scheduleReplay(0);
  });
  scheduleReplay(500);
}
