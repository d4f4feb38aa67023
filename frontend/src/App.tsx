// The app: match the location against the route table, make sure people are signed in where
// they must be, and render the screen inside the layout.
import { useEffect, useRef } from "preact/hooks";
import { Button } from "./components/Button";
import { Layout } from "./components/Layout";
import { Loading } from "./components/Loading";
import { currentPath, matchRoute, navigate, RouteScreen, useLocation } from "./router";
import { notFound, routes } from "./routes";
import { loadSession, session } from "./session";
import { useStore } from "./store";

export function App() {
  const { path } = useLocation();
  const state = useStore(session);
  const match = matchRoute(routes, path) ?? { route: notFound, params: {} };
  const needsSignIn = match.route.access === "signed-in" && state.status === "anonymous";
  const firstRender = useRef(true);

  useEffect(() => {
    document.title = `${match.route.title} · Rapport`;
  }, [match.route]);

  // The page being rendered, not wherever the location is by the time the effect runs
  // (signing out moves to /signin first, and "next=/signin" led back to the sign-in page).
  const here = currentPath();
  useEffect(() => {
    if (needsSignIn) navigate(`/signin?next=${encodeURIComponent(here)}`, { replace: true });
  }, [needsSignIn, here]);

  // After a navigation, move keyboard and screen-reader focus to the new screen's heading.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>("main h1");
    (heading ?? document.getElementById("main"))?.focus({ preventScroll: true });
  }, [path]);

  let content;
  if (match.route.access === "signed-in" && state.status !== "signed-in") {
    content =
      state.status === "unreachable" ? (
        <section class="panel narrow">
          <h1 tabIndex={-1}>Rapport is out of reach</h1>
          <p role="alert">{state.detail}</p>
          <Button onClick={() => loadSession()}>Try again</Button>
        </section>
      ) : (
        <Loading />
      );
  } else {
    content = <RouteScreen key={path} route={match.route} params={match.params} />;
  }
  return <Layout>{content}</Layout>;
}
