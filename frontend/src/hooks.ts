// Loading data for a screen: the answer, the error, and a way to load it again.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, "client_error", error instanceof Error ? error.message : String(error));
}

/** Run `load` now and whenever `deps` change; answers that arrive late are ignored. */
export function useApi<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const call = ++latest.current;
    setLoading(true);
    setError(undefined);
    load().then(
      (value) => {
        if (call !== latest.current) return;
        setData(value);
        setLoading(false);
      },
      (err: unknown) => {
        if (call !== latest.current) return;
        setError(asApiError(err));
        setLoading(false);
      },
    );
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);

  // Failed for want of a connection: load again by itself the moment it is back, so nobody
  // has to find and tap "Try again".
  const unreachable = error?.status === 0;
  useEffect(() => {
    if (!unreachable) return;
    window.addEventListener("online", reload);
    return () => window.removeEventListener("online", reload);
  }, [unreachable, reload]);

  return { data, error, loading, reload };
}

/** Whether the browser believes it is online, kept up to date. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

export { asApiError };
