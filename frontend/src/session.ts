// Who is signed in, for every screen: loaded once at start, set after a sign-in link is used,
// cleared on sign-out or when the server answers 401.
import { api, ApiError, fetchMe, type Me, setCsrfToken } from "./api";
import { createStore } from "./store";

export type SessionState =
  | { status: "loading" }
  | { status: "anonymous" }
  | { status: "signed-in"; me: Me }
  /** Between "Sign out" and the server's answer: screens that need a session are put away,
   *  so none asks for its data with a session about to end (and gets 401s). */
  | { status: "signing-out"; me: Me }
  | { status: "unreachable"; detail: string };

export const session = createStore<SessionState>({ status: "loading" });

/** Ask the server who is signed in in this browser. An answer that comes back after the
 *  session changed here (a sign-in link used meanwhile, a sign-out) is out of date: it is
 *  dropped, or "not signed in", asked before the link was used, would undo the sign-in. */
export async function loadSession(): Promise<void> {
  const asked = session.get();
  let next: SessionState;
  try {
    const me = await fetchMe();
    next = me ? { status: "signed-in", me } : { status: "anonymous" };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    next = { status: "unreachable", detail };
  }
  if (session.get() === asked) session.set(next);
}

/** Record the account a sign-in link just opened a session for. */
export function setSignedIn(me: Me): void {
  setCsrfToken(me.csrf_token);
  session.set({ status: "signed-in", me });
}

/** Forget the session locally (the server already did, or is about to). */
export function forgetSession(): void {
  setCsrfToken(null);
  session.set({ status: "anonymous" });
}

/** End the session on the server and here. `leave` runs once the server has ended it and
 *  before this app forgets who was signed in: it goes to a page that needs no session, so the
 *  open page is not sent to sign in again (with itself, or /signin, as where to come back to).
 *  If the server cannot be reached, the session stays as it was and the error is thrown. */
export async function signOut(leave: () => void): Promise<void> {
  const before = session.get();
  if (before.status !== "signed-in") return;
  session.set({ status: "signing-out", me: before.me });
  try {
    await api.signOut();
  } catch (error) {
    // 401: the session had already ended (elsewhere, or it ran out) — signed out all the same.
    if (!(error instanceof ApiError && error.status === 401)) {
      session.set(before);
      throw error;
    }
  }
  leave();
  forgetSession();
}

/** The signed-in user, or null. */
export function currentUser(): Me | null {
  const state = session.get();
  return state.status === "signed-in" ? state.me : null;
}
