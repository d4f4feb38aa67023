// What a screen of one event shows while the event loads, or when it cannot: the same words on
// the event page, its directory and my look-for list.
import type { JSX } from "preact";
import type { EventOut } from "../../api";
import { LoadFailed } from "../../components/LoadFailed";
import { Loading } from "../../components/Loading";
import type { Loaded } from "../../hooks";

/** A loading or "not found / could not load" screen, or null once the event is here. */
export function eventNotReady(event: Loaded<EventOut>, couldNotLoad: string): JSX.Element | null {
  if (event.loading && !event.data) return <Loading label="Loading the event…" />;
  if (event.error || !event.data) {
    const missing = event.error?.status === 404;
    return <LoadFailed title={missing ? "Event not found" : couldNotLoad} error={event.error} onRetry={event.reload} />;
  }
  return null;
}
