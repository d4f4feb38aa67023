// "A new version is ready — Reload": shown when a new service worker waits.
import { reloadIntoUpdate, updateReady } from "../sw-register";
import { useStore } from "../store";

export function UpdateBanner() {
  const ready = useStore(updateReady);
  if (!ready) return null;
  return (
    <div class="update-banner" role="status">
      <span>A new version is ready.</span>
      <button type="button" class="button button-light" onClick={reloadIntoUpdate}>
        Reload
      </button>
    </div>
  );
}
