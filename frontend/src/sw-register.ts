// Registers the service worker and tells the app when a new version is waiting. The page
// reloads into the new version only when the user taps "Reload".
import { createStore } from "./store";

export const updateReady = createStore(false);

let waiting: ServiceWorker | null = null;
let userAskedReload = false;

function offer(worker: ServiceWorker): void {
  waiting = worker;
  updateReady.set(true);
}

/** Register /sw.js (production builds only) and watch for new versions. */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first install also takes control; only a tapped "Reload" reloads the page.
    if (userAskedReload) window.location.reload();
  });
  window.addEventListener("load", async () => {
    try {
      const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
      registration.addEventListener("updatefound", () => {
        const installing = registration.installing;
        installing?.addEventListener("statechange", () => {
          if (installing.state === "installed" && navigator.serviceWorker.controller) {
            offer(installing);
          }
        });
      });
      // A phone keeps a PWA open for days: look for a new version when it comes back.
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") registration.update().catch(() => {});
      });
    } catch {
      // No service worker (private mode, say): the app still works online.
    }
  });
}

/** Switch to the waiting version and reload. */
export function reloadIntoUpdate(): void {
  userAskedReload = true;
  if (waiting) waiting.postMessage({ type: "SKIP_WAITING" });
  else window.location.reload();
}
