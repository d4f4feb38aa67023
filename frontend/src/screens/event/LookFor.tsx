// /events/:id/look-for: my look-for list for this event — people, companies and topics I want
// to meet here (and those I look for at every event). "People to meet" in the directory
// suggests whoever matches an entry; an entry shows "Found" once a match is among my contacts.
import { api } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { AddLookFor } from "../../components/lookfor/AddLookFor";
import { LookForRow } from "../../components/lookfor/LookForRow";
import { useApi } from "../../hooks";
import { lookFor } from "../../look-for-api";
import "../../people.css";
import "../../lookfor.css";
import type { ScreenProps } from "../../router";
import { eventNotReady } from "./eventNotReady";

export default function LookFor({ params }: ScreenProps) {
  const eventId = params.id;
  const event = useApi(() => api.event(eventId), [eventId]);
  const list = useApi(() => lookFor.list(eventId), [eventId]);

  const notReady = eventNotReady(event, "Your look-for list could not load");
  if (notReady || !event.data) return notReady;
  const name = event.data.name;
  return (
    <div class="stack-lg">
      <p class="breadcrumb">
        <a href={`/events/${eventId}`}>{name}</a>
      </p>
      <h1 tabIndex={-1}>Who I'm looking for</h1>
      <p class="muted">
        People, companies and topics you want to meet at {name}. Only you see this list.{" "}
        <a href={`/events/${eventId}/directory`}>People to meet</a> in the directory suggests
        whoever matches an entry, by what their card shares; an entry shows “Found” once someone
        who matches is among your contacts.
      </p>
      <AddLookFor eventId={eventId} eventName={name} onAdded={list.reload} />
      <section class="panel" aria-labelledby="look-for-title">
        <h2 id="look-for-title">My list</h2>
        <ErrorBox error={list.error}>
          <Button kind="secondary" onClick={list.reload}>
            Try again
          </Button>
        </ErrorBox>
        {list.loading && !list.data && <Loading label="Loading your list…" />}
        {list.data?.length === 0 && <p class="muted">Nothing on your list yet: add a person, a company or a topic above.</p>}
        {list.data && list.data.length > 0 && (
          <ul class="plain-list look-for-list">
            {list.data.map((entry) => (
              <LookForRow key={entry.id} entry={entry} onChanged={list.reload} />
            ))}
          </ul>
        )}
      </section>
      <p>
        <a class="button button-secondary" href={`/events/${eventId}/directory`}>
          See who is here
        </a>
      </p>
    </div>
  );
}
