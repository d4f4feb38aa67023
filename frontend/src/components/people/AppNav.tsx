// The app's main navigation for signed-in people: a bar at the bottom of a phone screen
// (at the top of a wide one) with the six places used most at an event.
import { useEffect, useState } from "preact/hooks";
import { type Page, request } from "../../api";
import { notificationsChanged } from "../../contacts-api";
import { useLocation } from "../../router";
import { useStore } from "../../store";

const ITEMS: { href: string; label: string; icon: string; matches: (path: string) => boolean }[] = [
  { href: "/", label: "Events", icon: "M4 6h16M4 12h16M4 18h10", matches: (p) => p === "/" || p.startsWith("/events") },
  { href: "/contacts", label: "Contacts", icon: "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 20c0-3.3 2.7-6 6-6s6 2.7 6 6M16 11a3 3 0 1 0 0-6M22 20c0-3-2-5.4-4.7-5.9", matches: (p) => p.startsWith("/contacts") || p === "/introductions" },
  { href: "/scan", label: "Scan", icon: "M4 8V4h4M16 4h4v4M20 16v4h-4M8 20H4v-4M7 12h10", matches: (p) => p === "/scan" || p.startsWith("/b/") },
  { href: "/follow-ups/review", label: "Follow up", icon: "M4 6h16v12H4zM4 7l8 6 8-6", matches: (p) => p.startsWith("/follow-ups") || p === "/reminders" },
  { href: "/promises", label: "Promises", icon: "M5 12l4 4L19 6", matches: (p) => p.startsWith("/promises") },
  { href: "/me", label: "Me", icon: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4.4 3.6-8 8-8s8 3.6 8 8", matches: (p) => p === "/me" || p === "/account" || p.startsWith("/pitches") },
];

/** How many unread notifications ("Alex added you") I have: asked again on each navigation,
 * when the app comes back to the foreground, and when I act on one (share back, dismiss), which
 * happens on the contacts screen without a navigation. */
function useUnreadCount(path: string): number {
  const [count, setCount] = useState(0);
  const changes = useStore(notificationsChanged);
  useEffect(() => {
    let live = true;
    const check = () => {
      if (document.hidden) return;
      request<Page<unknown>>("/notifications", {
        query: { unread: "true", limit: 1 },
        redirectOn401: false,
      }).then(
        (page) => live && setCount(page.total),
        () => undefined, // a badge is a nicety: the contacts screen shows the real list
      );
    };
    check();
    document.addEventListener("visibilitychange", check);
    return () => {
      live = false;
      document.removeEventListener("visibilitychange", check);
    };
  }, [path, changes]);
  return count;
}

export function AppNav() {
  const { path } = useLocation();
  const unread = useUnreadCount(path);
  return (
    <nav class="app-nav" aria-label="Main">
      <ul>
        {ITEMS.map((item) => {
          const current = item.matches(path);
          return (
            <li key={item.href}>
              <a href={item.href} aria-current={current ? "page" : undefined}>
                <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                  <path d={item.icon} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
                </svg>
                <span>{item.label}</span>
                {item.href === "/contacts" && unread > 0 && (
                  <span class="nav-badge">
                    {unread}
                    <span class="visually-hidden"> new</span>
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
