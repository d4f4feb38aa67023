// A small history-API router: one route table (see routes.ts), path patterns with :params,
// real <a href> links intercepted for app paths, and screens loaded on demand.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Loading } from "./components/Loading";
import { createStore, useStore } from "./store";

export type Params = Record<string, string>;

export interface ScreenProps {
  params: Params;
  query: URLSearchParams;
}

export type Screen = ComponentType<ScreenProps>;
export type ScreenLoader = () => Promise<{ default: Screen }>;

/** Who may open a route: `signed-in` sends others to /signin and back. */
export type Access = "anyone" | "signed-in";

export interface Route {
  path: string;
  title: string;
  access: Access;
  /** A screen in the first bundle, or `load` for one fetched when first opened. */
  screen?: Screen;
  load?: ScreenLoader;
}

export interface Match {
  route: Route;
  params: Params;
}

export interface AppLocation {
  path: string;
  search: string;
}

// Paths the server answers itself: links to them are ordinary page loads.
const SERVER_PATHS = ["/api/", "/dev/", "/assets/", "/icons/", "/healthz", "/readyz"];

function currentLocation(): AppLocation {
  return { path: window.location.pathname, search: window.location.search };
}

export const locationStore = createStore<AppLocation>(currentLocation());

/** Go to an app path without reloading; `replace` leaves no history entry behind. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.origin);
  const target = url.pathname + url.search + url.hash;
  if (options.replace) window.history.replaceState(null, "", target);
  else window.history.pushState(null, "", target);
  locationStore.set(currentLocation());
  window.scrollTo(0, 0);
}

/** `raw` if it is a path of this app (a link may name where to go next), else null: never
 * another site ("//host", "/\\host"). */
export function appPath(raw: string | null): string | null {
  return raw && raw.startsWith("/") && !raw.startsWith("//") && !raw.includes("\\") ? raw : null;
}

/** The current path and query, to come back to after signing in. */
export function currentPath(): string {
  return window.location.pathname + window.location.search;
}

function compile(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        names.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { regex: new RegExp(`^${source}/?$`), names };
}

const compiled = new Map<string, ReturnType<typeof compile>>();

/** The first route whose pattern matches `path`, with its decoded params. */
export function matchRoute(routes: Route[], path: string): Match | null {
  for (const route of routes) {
    let pattern = compiled.get(route.path);
    if (!pattern) {
      pattern = compile(route.path);
      compiled.set(route.path, pattern);
    }
    const found = pattern.regex.exec(path);
    if (!found) continue;
    const params: Params = {};
    pattern.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(found[i + 1]);
      } catch {
        params[name] = found[i + 1];
      }
    });
    return { route, params };
  }
  return null;
}

function isAppLink(anchor: HTMLAnchorElement, event: MouseEvent): boolean {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (anchor.target && anchor.target !== "_self") return false;
  if (anchor.hasAttribute("download") || anchor.getAttribute("rel")?.includes("external")) {
    return false;
  }
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return false;
  return !SERVER_PATHS.some((prefix) => url.pathname.startsWith(prefix));
}

/** Handle clicks on same-origin app links and the back/forward buttons in the app. */
export function startRouter(): void {
  document.addEventListener("click", (event) => {
    const anchor = (event.target as Element | null)?.closest?.("a");
    if (!anchor || !anchor.href || !isAppLink(anchor, event)) return;
    const url = new URL(anchor.href);
    // A link to the same page with only a #fragment scrolls as the browser does.
    if (url.pathname === window.location.pathname && url.search === window.location.search) {
      if (url.hash) return;
    }
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  window.addEventListener("popstate", () => locationStore.set(currentLocation()));
}

/** The current location; the component re-renders on navigation. */
export function useLocation(): AppLocation {
  return useStore(locationStore);
}

const loadedScreens = new Map<ScreenLoader, Screen>();

/** Render a route's screen, fetching its code first when it is split out of the main bundle. */
export function RouteScreen({ route, params }: Match) {
  const { search } = useLocation();
  const [, setLoaded] = useState(0);
  const [failed, setFailed] = useState(false);
  const Component = route.screen ?? (route.load ? loadedScreens.get(route.load) : undefined);

  useEffect(() => {
    const load = route.load;
    if (Component || !load) return;
    let live = true;
    setFailed(false);
    load()
      .then((module) => {
        loadedScreens.set(load, module.default);
        if (live) setLoaded((n) => n + 1);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [route, Component]);

  if (failed) {
    return (
      <section class="panel">
        <h1 tabIndex={-1}>This page could not load</h1>
        <p>You may be offline. Check your connection, then try again.</p>
        <button type="button" class="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </section>
    );
  }
  if (!Component) return <Loading label="Opening…" />;
  return <Component params={params} query={new URLSearchParams(search)} />;
}
