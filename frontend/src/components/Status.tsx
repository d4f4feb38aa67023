// Short messages for everyone ("Saved", "Link sent"): shown as toasts and read out by screen
// readers through an aria-live region.
import { useEffect } from "preact/hooks";
import { createStore, useStore } from "../store";

export type StatusKind = "info" | "success" | "error";

interface Toast {
  id: number;
  text: string;
  kind: StatusKind;
}

const toasts = createStore<Toast[]>([]);
let nextId = 1;
const SHOW_MS = 6000;

/** Show and announce a short message. */
export function announce(text: string, kind: StatusKind = "info"): void {
  const toast = { id: nextId++, text, kind };
  toasts.set([...toasts.get(), toast].slice(-3));
  window.setTimeout(() => toasts.set(toasts.get().filter((t) => t.id !== toast.id)), SHOW_MS);
}

/** The live region; render once, in the layout. */
export function StatusRegion() {
  const items = useStore(toasts);
  useEffect(() => () => toasts.set([]), []);
  return (
    <div class="toasts" role="status" aria-live="polite" aria-atomic="false">
      {items.map((toast) => (
        <p key={toast.id} class={`toast toast-${toast.kind}`}>
          {toast.text}
        </p>
      ))}
    </div>
  );
}
