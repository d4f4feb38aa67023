// The phone's own database (IndexedDB "rapport-offline"), modelled on workbox-background-sync's
// QueueDb: an auto-numbered outbox (its keys give the order the changes were made in), the
// operations the server refused (kept with what the user typed), cached GET answers and door
// packs. Everything here survives closing the app, reloading and restarting the phone.

const NAME = "rapport-offline";
const VERSION = 1;
export const OUTBOX = "outbox";
export const FAILED = "failed";
export const CACHE = "cache";
export const PACKS = "door-packs";

let opening: Promise<IDBDatabase> | null = null;

/** The open database (opened once; created or upgraded on first use). */
export function database(): Promise<IDBDatabase> {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { autoIncrement: true });
        if (!db.objectStoreNames.contains(FAILED)) db.createObjectStore(FAILED, { keyPath: "id" });
        if (!db.objectStoreNames.contains(CACHE)) db.createObjectStore(CACHE);
        if (!db.objectStoreNames.contains(PACKS)) db.createObjectStore(PACKS);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => {
        opening = null;
        reject(req.error);
      };
    });
  }
  return opening;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Run `work` in one transaction over `stores` and wait until it is committed. */
export async function transact<T>(
  stores: string | string[],
  mode: IDBTransactionMode,
  work: (tx: IDBTransaction) => Promise<T> | T,
): Promise<T> {
  const db = await database();
  const tx = db.transaction(stores, mode);
  const committed = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
  const value = await work(tx);
  await committed;
  return value;
}

/** One value by key. */
export function getOne<T>(store: string, key: IDBValidKey): Promise<T | undefined> {
  return transact(store, "readonly", (tx) => done(tx.objectStore(store).get(key) as IDBRequest<T | undefined>));
}

/** Put one value (under `key` for stores without a key path). */
export function putOne(store: string, value: unknown, key?: IDBValidKey): Promise<void> {
  return transact(store, "readwrite", async (tx) => {
    await done(tx.objectStore(store).put(value, key));
  });
}

/** Every [key, value] of a store, in key order. */
export function entries<T>(store: string): Promise<[IDBValidKey, T][]> {
  return transact(store, "readonly", async (tx) => {
    const s = tx.objectStore(store);
    const [keys, values] = await Promise.all([done(s.getAllKeys()), done(s.getAll())]);
    return keys.map((k, i) => [k, values[i] as T] as [IDBValidKey, T]);
  });
}

/** Delete these keys. */
export function deleteKeys(store: string, keys: IDBValidKey[]): Promise<void> {
  return transact(store, "readwrite", async (tx) => {
    const s = tx.objectStore(store);
    await Promise.all(keys.map((k) => done(s.delete(k))));
  });
}

export { done as requestDone };
