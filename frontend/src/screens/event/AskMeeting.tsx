// /events/:id/meet/:attendeeId: ask someone for a meeting. Only the slots when we are both
// free are shown; up to three can be picked, with a short message (300 characters).
import { useEffect, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import { asApiError, useApi } from "../../hooks";
import { meetings, slotLabel } from "../../meetings-api";
import { navigate, type ScreenProps } from "../../router";
import "../../meetings.css";

const MAX_SLOTS = 3;
const MAX_MESSAGE = 300;

export default function AskMeeting({ params, query }: ScreenProps) {
  const { id: eventId, attendeeId } = params;
  const name = query.get("name") || "this person";
  // Answering a request with other times rather than asking anew.
  const proposing = query.get("propose");
  const free = useApi(() => meetings.freeSlots(eventId, attendeeId), [eventId, attendeeId]);
  const [picked, setPicked] = useState<string[]>([]);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  function toggle(slot: string) {
    setPicked((now) =>
      now.includes(slot) ? now.filter((s) => s !== slot) : now.length < MAX_SLOTS ? [...now, slot] : now,
    );
  }

  async function send(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (proposing) {
        await meetings.propose(proposing, picked);
        announce(`Proposed other times to ${name}.`, "success");
      } else {
        await meetings.ask(eventId, { attendee_id: attendeeId, message, slots: picked });
        announce(`Asked ${name} for a meeting.`, "success");
      }
      navigate(`/events/${eventId}/agenda`);
    } catch (err) {
      setError(asApiError(err));
      free.reload();
    } finally {
      setBusy(false);
    }
  }

  const zone = free.data?.timezone ?? "UTC";
  return (
    <section class="stack-lg">
      <p class="breadcrumb">
        <a href={`/events/${eventId}/directory`}>Directory</a> · <a href={`/events/${eventId}/agenda`}>My agenda</a>
      </p>
      <form class="panel stack" onSubmit={send} noValidate aria-labelledby="ask-title">
        <h1 id="ask-title" tabIndex={-1}>
          Meet {name}
        </h1>
        <ErrorBox error={free.error ?? error} shownFields={["slots"]} />
        {free.loading && !free.data && <Loading label="Finding times when you are both free…" />}
        {free.data && free.data.slots.length === 0 && (
          <p>There is no time left when you are both free. Look at your agenda, or ask someone else.</p>
        )}
        {free.data && free.data.slots.length > 0 && (
          <fieldset class="slot-picker">
            <legend>
              Times when you are both free ({zone}); pick up to {MAX_SLOTS}
            </legend>
            <ul class="plain-list slot-list">
              {free.data.slots.map((slot) => (
                <li key={slot}>
                  <label class="slot-choice">
                    <input
                      type="checkbox"
                      checked={picked.includes(slot)}
                      disabled={!picked.includes(slot) && picked.length >= MAX_SLOTS}
                      onChange={() => toggle(slot)}
                    />{" "}
                    {slotLabel(slot, zone)}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        {!proposing && (
        <div class="field">
          <label for="ask-message">A short message</label>
          <textarea
            id="ask-message"
            rows={3}
            maxLength={MAX_MESSAGE}
            value={message}
            onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)}
          />
          <p class="field-hint meeting-count">
            {message.length} / {MAX_MESSAGE}
          </p>
        </div>
        )}
        <div class="actions">
          <Button type="submit" busy={busy} busyLabel="Asking…" disabled={picked.length === 0}>
            {proposing ? "Propose these times" : "Ask for a meeting"}
          </Button>
        </div>
      </form>
    </section>
  );
}

/** /contacts/:id/meet: someone I met at an event (a badge scanned, the directory): find them as
 * an attendee there, then ask as from the directory. */
export function FromContact({ params }: ScreenProps) {
  const found = useApi(() => meetings.personForContact(params.id), [params.id]);
  useEffect(() => {
    if (!found.data) return;
    const { event_id: eventId, person } = found.data;
    const query = new URLSearchParams({ name: person.name });
    navigate(`/events/${eventId}/meet/${person.attendee_id}?${query}`, { replace: true });
  }, [found.data]);
  return (
    <section class="stack-lg">
      <p class="breadcrumb">
        <a href={`/contacts/${params.id}`}>Back to the contact</a>
      </p>
      <ErrorBox error={found.error} />
      {!found.error && <Loading label="Finding where you met…" />}
    </section>
  );
}
