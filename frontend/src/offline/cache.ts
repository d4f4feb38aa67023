// Reading offline: the last successful answer of the lists and details a person reads at an
// event (who I am, my events, contacts, notes, promises, pitches, follow-up drafts, my card,
// my look-for list) is kept in IndexedDB by URL, and the API client answers from it when the
// network is gone.
// Signing out (or the session ending) empties it: notes are private.
import { setOfflineCache } from "../api";
import { CACHE, database, getOne, PACKS, putOne, transact } from "../outbox/db";
import { session } from "../session";

const KEPT =
  /^\/api\/v1\/(auth\/me|events|contacts|notes|promises|pitches|follow-ups|follow-up-templates|keep-in-touch|reminders|me\/card|look-for)(\/|\?|$)/;
// Live door figures change by the second and are never worth showing stale.
const NOT_KEPT = /\/(check-in\/stats|door\/conflicts|check-ins)/;

interface Kept {
  data: unknown;
  saved_at: string;
}

/** Whether the answer of this URL is kept for reading offline. */
export function isKept(url: string): boolean {
  return KEPT.test(url) && !NOT_KEPT.test(url);
}

/** Forget everything kept (signing out). */
export async function clearOfflineData(): Promise<void> {
  await transact([CACHE, PACKS], "readwrite", (tx) => {
    tx.objectStore(CACHE).clear();
    tx.objectStore(PACKS).clear();
  });
}

/** Plug the cache into the API client and empty it when the session ends. */
export function startOfflineCache(): void {
  if (typeof indexedDB === "undefined") return;
  setOfflineCache({
    save(url, data) {
      if (!isKept(url)) return;
      void putOne(CACHE, { data, saved_at: new Date().toISOString() } satisfies Kept, url).catch(() => {});
    },
    async load(url) {
      if (!isKept(url)) return undefined;
      const kept = await getOne<Kept>(CACHE, url);
      return kept?.data;
    },
  });
  let wasSignedIn = false;
  session.subscribe(() => {
    const state = session.get();
    if (state.status === "signed-in") wasSignedIn = true;
    if (state.status === "anonymous" && wasSignedIn) {
      wasSignedIn = false;
      void clearOfflineData().catch(() => {});
    }
  });
  void database().catch(() => {});
}
