// Follow the connection while a screen waits for its data: whether the phone is offline, and a
// call to `onBack` the moment the connection returns, so nobody has to tap "Try again".
import { useEffect, useRef, useState } from "preact/hooks";

/** While `waiting`, track online/offline and run `onBack` when the phone is online again. */
export function useReconnect(waiting: boolean, onBack: () => void): boolean {
  const [offline, setOffline] = useState(!navigator.onLine);
  const latest = useRef(onBack);
  latest.current = onBack;
  useEffect(() => {
    if (!waiting) return;
    setOffline(!navigator.onLine);
    const goneOffline = () => setOffline(true);
    const backOnline = () => {
      setOffline(false);
      latest.current();
    };
    window.addEventListener("offline", goneOffline);
    window.addEventListener("online", backOnline);
    return () => {
      window.removeEventListener("offline", goneOffline);
      window.removeEventListener("online", backOnline);
    };
  }, [waiting]);
  return offline;
}
