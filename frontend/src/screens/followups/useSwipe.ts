// A horizontal swipe on a card (touch only): it follows the finger, and past a threshold a
// swipe right or left runs its action. A shortcut beside the buttons, never the only way.
// Swipes that start in a text field or on a button are left to them.
import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

const THRESHOLD = 96;

export function useSwipe(ref: RefObject<HTMLElement | null>, actions: { right: () => void; left: () => void }) {
  const [dx, setDx] = useState(0);
  const start = useRef<{ x: number; y: number; id: number } | null>(null);
  const latest = useRef(actions);
  latest.current = actions;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const down = (e: PointerEvent) => {
      if (e.pointerType !== "touch") return;
      if ((e.target as HTMLElement).closest("input, textarea, select, button, a")) return;
      start.current = { x: e.clientX, y: e.clientY, id: e.pointerId };
    };
    const move = (e: PointerEvent) => {
      const s = start.current;
      if (!s || s.id !== e.pointerId) return;
      const x = e.clientX - s.x;
      if (Math.abs(e.clientY - s.y) > Math.abs(x) && Math.abs(x) < 12) return; // scrolling
      setDx(x);
    };
    const up = (e: PointerEvent) => {
      const s = start.current;
      if (!s || s.id !== e.pointerId) return;
      start.current = null;
      const x = e.clientX - s.x;
      setDx(0);
      if (x > THRESHOLD) latest.current.right();
      else if (x < -THRESHOLD) latest.current.left();
    };
    const cancel = () => {
      start.current = null;
      setDx(0);
    };
    el.addEventListener("pointerdown", down);
    el.addEventListener("pointermove", move);
    el.addEventListener("pointerup", up);
    el.addEventListener("pointercancel", cancel);
    return () => {
      el.removeEventListener("pointerdown", down);
      el.removeEventListener("pointermove", move);
      el.removeEventListener("pointerup", up);
      el.removeEventListener("pointercancel", cancel);
    };
  });

  const hint = dx > THRESHOLD ? " swipe-approve" : dx < -THRESHOLD ? " swipe-skip" : "";
  return {
    className: dx !== 0 ? `swiping${hint}` : "",
    style: dx !== 0 ? { transform: `translateX(${dx}px) rotate(${dx / 40}deg)` } : undefined,
  };
}
