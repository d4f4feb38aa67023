// /signin/verify#token=…: use the sign-in link. The token travels in the fragment so that mail
// scanners fetching the link do not use it up; we take it out of the address bar at once.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { Button } from "../components/Button";
import { Loading } from "../components/Loading";
import { asApiError } from "../hooks";
import { navigate } from "../router";
import { setSignedIn } from "../session";

function tokenFromFragment(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  return fragment.get("token");
}

export default function Verify() {
  const token = useRef<string | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  if (token.current === undefined) {
    token.current = tokenFromFragment();
    // Keep the token out of history, bookmarks and screenshots.
    if (window.location.hash) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  useEffect(() => {
    const value = token.current;
    if (!value) {
      setError(new ApiError(400, "invalid_link", "This sign-in link is incomplete. Ask for a new one."));
      return;
    }
    let live = true;
    setError(null);
    api.verify(value).then(
      (signedIn) => {
        if (!live) return;
        setSignedIn(signedIn);
        navigate(signedIn.next || "/", { replace: true });
      },
      (err: unknown) => live && setError(asApiError(err)),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  if (!error) return <Loading label="Signing you in…" />;
  const offline = error.status === 0;
  return (
    <section class="panel narrow">
      <h1 tabIndex={-1}>{offline ? "No connection" : "This link does not work"}</h1>
      <p role="alert">{error.detail}</p>
      <div class="actions">
        {offline ? (
          <Button onClick={() => setAttempt((n) => n + 1)}>Try again</Button>
        ) : (
          <a class="button button-primary" href="/signin">
            Email me a new link
          </a>
        )}
      </div>
    </section>
  );
}
