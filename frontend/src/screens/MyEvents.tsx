// /: the events I organize, staff or attend, each with the links my roles give me, and for
// organizer accounts a form to create a new event.
import { useState } from "preact/hooks";
import { api, type EventOut } from "../api";
import { Button } from "../components/Button";
import { ErrorBox } from "../components/ErrorBox";
import { EventForm } from "../components/EventForm";
import { Loading } from "../components/Loading";
import { announce } from "../components/Status";
import { formatEventDates } from "../format";
import { useApi } from "../hooks";
import { navigate } from "../router";
import { currentUser } from "../session";

const ROLE_NAMES: Record<string, string> = {
  organizer: "Organizer",
  staff: "Door staff",
  attendee: "Attendee",
};

export default function MyEvents() {
  const me = currentUser();
  const events = useApi(() => api.myEvents(), []);
  const [creating, setCreating] = useState(false);

  async function create(data: Parameters<typeof api.createEvent>[0]) {
    const event = await api.createEvent(data);
    announce(`“${event.name}” is created.`, "success");
    navigate(`/events/${event.id}`);
  }

  return (
    <section class="stack-lg">
      <div class="title-row">
        <h1 tabIndex={-1}>My events</h1>
        {me?.is_organizer && !creating && (
          <Button onClick={() => setCreating(true)}>New event</Button>
        )}
      </div>
      {creating && (
        <section class="panel" aria-labelledby="new-event-title">
          <h2 id="new-event-title">New event</h2>
          <EventForm
            submitLabel="Create event"
            busyLabel="Creating…"
            onSubmit={create}
            onCancel={() => setCreating(false)}
          />
        </section>
      )}
      {events.loading && !events.data && <Loading label="Loading your events…" />}
      <ErrorBox error={events.error}>
        <Button kind="secondary" onClick={events.reload}>
          Try again
        </Button>
      </ErrorBox>
      {events.data && events.data.items.length === 0 && (
        <div class="panel empty">
          <h2>No events yet</h2>
          {me?.is_organizer ? (
            <p>Create your first event with “New event”, then import its attendees from a CSV.</p>
          ) : (
            <p>
              When an organizer adds you to an event with the address{" "}
              <strong>{me?.email}</strong>, it appears here with your badge. Signed in with
              another address before? Sign out and use that one.
            </p>
          )}
        </div>
      )}
      {events.data && events.data.items.length > 0 && (
        <ul class="cards" aria-label="Events">
          {events.data.items.map((event) => (
            <EventCard key={event.id} event={event} />
          ))}
        </ul>
      )}
    </section>
  );
}

function EventCard({ event }: { event: EventOut }) {
  const runsIt = event.roles.includes("organizer") || event.roles.includes("staff");
  const attends = event.roles.includes("attendee");
  return (
    <li class="card">
      <h2 class="card-title">{event.name}</h2>
      <p class="card-meta">
        {formatEventDates(event.starts_at, event.ends_at, event.timezone)}
        <span class="zone"> ({event.timezone})</span>
      </p>
      {event.venue && <p class="card-meta">{event.venue}</p>}
      <p class="roles">
        {event.roles.map((role) => (
          <span key={role} class="role">
            {ROLE_NAMES[role] ?? role}
          </span>
        ))}
      </p>
      <div class="actions">
        {attends && (
          <a class="button button-primary" href={`/events/${event.id}/badge`}>
            My badge
          </a>
        )}
        {runsIt && (
          <a class={`button ${attends ? "button-secondary" : "button-primary"}`} href={`/events/${event.id}`}>
            {event.roles.includes("organizer") ? "Manage event" : "Attendee list"}
          </a>
        )}
        {attends && !runsIt && (
          // the event page leads on to the directory and my look-for list
          <a class="button button-secondary" href={`/events/${event.id}`}>
            Event page
          </a>
        )}
      </div>
    </li>
  );
}
