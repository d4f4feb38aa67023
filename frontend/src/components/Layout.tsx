// The frame of every screen: the header with who is signed in and a sign-out button,
// the update banner, the main area, and the status region.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { navigate } from "../router";
import { session, signOut } from "../session";
import { useStore } from "../store";
import { AppNav } from "./people/AppNav";
import { announce, StatusRegion } from "./Status";
import { UpdateBanner } from "./UpdateBanner";
import { SyncStatus } from "../outbox/SyncStatus";

export function Layout({ children }: { children: ComponentChildren }) {
  const state = useStore(session);
  const [leaving, setLeaving] = useState(false);

  async function onSignOut() {
    setLeaving(true);
    try {
      // To /signin with no "next": signing in again starts from my events, not this page.
      await signOut(() => navigate("/signin", { replace: true }));
      announce("You are signed out.");
    } catch {
      announce("Could not sign out. Check your connection and try again.", "error");
    } finally {
      setLeaving(false);
    }
  }

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <a class="brand" href="/">
          Rapport
        </a>
        {state.status === "signed-in" && (
          <div class="who">
            <span class="who-name" title={state.me.email}>
              {state.me.name || state.me.email}
            </span>
            <button
              type="button"
              class="button button-header"
              onClick={onSignOut}
              disabled={leaving}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      <UpdateBanner />
      {state.status === "signed-in" && <SyncStatus />}
      <main id="main" tabIndex={-1} class={state.status === "signed-in" ? "with-nav" : undefined}>
        {children}
      </main>
      {state.status === "signed-in" && <AppNav />}
      <StatusRegion />
    </>
  );
}
