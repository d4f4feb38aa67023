// The organizer's edit form for an event's details (PATCH).
import { useState } from "preact/hooks";
import { api, type EventInput, type EventOut } from "../../api";
import { Button } from "../../components/Button";
import { EventForm } from "../../components/EventForm";
import { announce } from "../../components/Status";
import { toZonedInputValue } from "../../format";

function asInput(event: EventOut): EventInput {
  return {
    name: event.name,
    venue: event.venue,
    timezone: event.timezone,
    starts_at: toZonedInputValue(event.starts_at, event.timezone),
    ends_at: toZonedInputValue(event.ends_at, event.timezone),
  };
}

export function EventDetails({ event, onSaved }: { event: EventOut; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);

  async function save(data: EventInput) {
    await api.updateEvent(event.id, data);
    setEditing(false);
    announce("The event is saved.", "success");
    onSaved();
  }

  return (
    <section class="panel" aria-labelledby="details-title">
      <div class="title-row">
        <h2 id="details-title">Details</h2>
        {!editing && (
          <Button kind="secondary" onClick={() => setEditing(true)}>
            Edit
          </Button>
        )}
      </div>
      {editing ? (
        <EventForm
          initial={asInput(event)}
          submitLabel="Save"
          busyLabel="Saving…"
          onSubmit={save}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <p class="muted">Name, venue, time zone and times. Attendees see them with their badge.</p>
      )}
    </section>
  );
}
