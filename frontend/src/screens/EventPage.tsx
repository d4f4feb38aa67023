// /events/:id: one event. Organizers edit it, import attendees, see the list and the door team;
// staff see the attendee list; attendees get links to their badge and look-for list; everyone
// to the directory.
import { api, type EventOut } from "../api";
import { formatEventDates } from "../format";
import { useApi } from "../hooks";
import type { ScreenProps } from "../router";
import { AttendeeImport } from "./event/AttendeeImport";
import { AttendeeList } from "./event/AttendeeList";
import { BadgesPanel } from "./event/BadgesPanel";
import { DoorPanel } from "./event/DoorPanel";
import { EventDetails } from "./event/EventDetails";
import { MeetingsPanel } from "./event/MeetingsPanel";
import { StaffPanel } from "./event/StaffPanel";
import { eventNotReady } from "./event/eventNotReady";

export default function EventPage({ params }: ScreenProps) {
  const loaded = useApi(() => api.event(params.id), [params.id]);

  const notReady = eventNotReady(loaded, "The event could not load");
  if (notReady || !loaded.data) return notReady;
  return <EventScreen event={loaded.data} onChanged={loaded.reload} />;
}

function EventScreen({ event, onChanged }: { event: EventOut; onChanged: () => void }) {
  const organizer = event.roles.includes("organizer");
  const staff = organizer || event.roles.includes("staff");
  const attendee = event.roles.includes("attendee");
  return (
    <div class="stack-lg">
      <p class="breadcrumb">
        <a href="/">My events</a>
      </p>
      <header class="event-header">
        <h1 tabIndex={-1}>{event.name}</h1>
        <p class="card-meta">
          {formatEventDates(event.starts_at, event.ends_at, event.timezone)}
          <span class="zone"> ({event.timezone})</span>
        </p>
        {event.venue && <p class="card-meta">{event.venue}</p>}
        {attendee && (
          <p>
            <a class="button button-primary" href={`/events/${event.id}/badge`}>
              My badge
            </a>{" "}
            <a class="button button-secondary" href={`/events/${event.id}/self-check-in`}>
              Self check-in
            </a>{" "}
            <a class="button button-secondary" href={`/events/${event.id}/directory`}>
              Directory
            </a>{" "}
            <a class="button button-secondary" href={`/events/${event.id}/look-for`}>
              Who I'm looking for
            </a>{" "}
            <a class="button button-secondary" href={`/events/${event.id}/agenda`}>
              My agenda
            </a>
          </p>
        )}
        {!attendee && (
          <p>
            <a class="button button-secondary" href={`/events/${event.id}/directory`}>
              Directory
            </a>
          </p>
        )}
      </header>
      {staff && <DoorPanel eventId={event.id} timezone={event.timezone} organizer={organizer} />}
      {organizer && <EventDetails event={event} onSaved={onChanged} />}
      {organizer && <AttendeeImport eventId={event.id} />}
      {staff && <AttendeeList eventId={event.id} />}
      {organizer && <StaffPanel eventId={event.id} />}
      {organizer && <BadgesPanel eventId={event.id} />}
      {organizer && <MeetingsPanel eventId={event.id} timezone={event.timezone} />}
    </div>
  );
}
