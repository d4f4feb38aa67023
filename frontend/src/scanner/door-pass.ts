// The staff scanner's door pass: fetched when the scanner opens, renewed every minute while it
// stays open (a pass lasts two minutes), and sent with each online scan so the server judges
// the scan without looking up the session. A pass the server refuses is dropped: the scan is
// sent again with the session cookie, and a new pass is asked for.
import { useEffect, useRef } from "preact/hooks";
import { ApiError } from "../api";
import { doorApi } from "../door-api";

const RENEW_MS = 60_000;
/** Used locally for at most this long after it arrived, well inside its two minutes. */
const USE_FOR_MS = 90_000;

interface Held {
  token: string;
  until: number;
}

export interface DoorPassHolder {
  /** The pass to send now, if there is a fresh one. */
  current(): string | undefined;
  /** The server refused it: forget it and ask for another. */
  refused(): void;
}

/** Whether the server refused a scan because of its door pass (not because of the scan). */
export function passRefused(error: unknown): boolean {
  return error instanceof ApiError && error.code.startsWith("door_pass_");
}

/** Keep a door pass for this event while `enabled` (the door team, online). */
export function useDoorPass(eventId: string, enabled: boolean): DoorPassHolder {
  const held = useRef<Held | null>(null);
  const fetchRef = useRef<() => void>(() => {});
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const fetchPass = () => {
      if (!navigator.onLine) return;
      const asked = Date.now();
      doorApi.doorPass(eventId).then(
        (pass) => {
          if (live) held.current = { token: pass.token, until: asked + USE_FOR_MS };
        },
        () => {
          if (live) held.current = null; // scans go with the session cookie meanwhile
        },
      );
    };
    fetchRef.current = fetchPass;
    fetchPass();
    const timer = window.setInterval(fetchPass, RENEW_MS);
    window.addEventListener("online", fetchPass);
    return () => {
      live = false;
      held.current = null;
      fetchRef.current = () => {};
      window.clearInterval(timer);
      window.removeEventListener("online", fetchPass);
    };
  }, [eventId, enabled]);
  return {
    current: () => {
      const pass = held.current;
      return pass && pass.until > Date.now() ? pass.token : undefined;
    },
    refused: () => {
      held.current = null;
      fetchRef.current();
    },
  };
}
