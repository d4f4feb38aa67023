// Who is signed in, for every screen: loaded once at start, set after a sign-in link is used,
// cleared on sign-out or when the server answers 401.
import { api, fetchMe, type Me, setCsrfToken } from "./api";
import { createStore } from "./store";

export type SessionState =
  | { status: "loading" }
  | { status: "anonymous" }
  | { status: "signed-in"; me: Me }
  | { status: "unreachable"; detail: string };

export const session = createStore<SessionState>({ status: "loading" });

/** Ask the server who is signed in in this browser. */
export async function loadSession(): Promise<void> {
  try {
    const me = await fetchMe();
    session.set(me ? { status: "signed-in", me } : { status: "anonymous" });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    session.set({ status: "unreachable", detail });
  }
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

/** End the session on the server and here. */
export async function signOut(): Promise<void> {
  try {
    await api.signOut();
  } finally {
    forgetSession();
  }
}

/** The signed-in user, or null. */
export function currentUser(): Me | null {
  const state = session.get();
  return state.status === "signed-in" ? state.me : null;
}
