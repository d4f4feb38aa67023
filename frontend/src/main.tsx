// The entry point: styles, router, session, service worker, and the first render.
import { render } from "preact";
import { setUnauthorizedHandler } from "./api";
import { App } from "./App";
import { startOfflineCache } from "./offline/cache";
import { setSendGuard, startOutbox } from "./outbox/outbox";
import { currentPath, navigate, startRouter } from "./router";
import { forgetSession, loadSession, session } from "./session";
import { registerServiceWorker } from "./sw-register";
import "./styles.css";

setUnauthorizedHandler(() => {
  // The session ended (expired, or signed out elsewhere): sign in again and come back here.
  forgetSession();
  if (!window.location.pathname.startsWith("/signin")) {
    navigate(`/signin?next=${encodeURIComponent(currentPath())}`, { replace: true });
  }
});

startRouter();
startOfflineCache(); // before the session loads: offline, "who am I" comes from the phone
setSendGuard(() => session.get().status === "signed-in");
void loadSession().then(() => startOutbox());
registerServiceWorker();
render(<App />, document.getElementById("app")!);
