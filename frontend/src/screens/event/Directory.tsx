// /events/:id/directory: the event's opt-in attendee directory. Attendees choose whether their
// card is shown here and get "people to meet"; everyone with a role in the event can search it.
import { useState } from "preact/hooks";
import { api, type ApiError } from "../../api";
import { Button } from "../../components/Button";
import { DirectoryPerson } from "../../components/directory/DirectoryPerson";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { SearchForm } from "../../components/SearchForm";
import { type Card, people } from "../../contacts-api";
import { directory } from "../../directory-api";
import { asApiError, useApi } from "../../hooks";
import "../../people.css";
import type { ScreenProps } from "../../router";
import { eventNotReady } from "./eventNotReady";
import { PeopleToMeet } from "./PeopleToMeet";

const PAGE_SIZE = 25;
const FIELD_WORDS: Record<string, string> = {
  name: "name",
  title: "title",
  company: "company",
  email: "email",
  phone: "phone",
  linkedin_url: "LinkedIn",
  website: "website",
  headline: "headline",
  interests: "interests",
  goals: "what you're looking for",
};

export default function Directory({ params }: ScreenProps) {
  const eventId = params.id;
  const event = useApi(() => api.event(eventId), [eventId]);
  const card = useApi(() => people.myCard(), []);
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);

  const notReady = eventNotReady(event, "The directory could not load");
  if (notReady || !event.data) return notReady;
  const attendee = event.data.roles.includes("attendee");
  return (
    <div class="stack-lg">
      <p class="breadcrumb">
        <a href={`/events/${eventId}`}>{event.data.name}</a>
      </p>
      <h1 tabIndex={-1}>Directory</h1>
      {attendee && <OptIn eventId={eventId} card={card.data} onChanged={changed} />}
      {attendee && card.data && (
        <PeopleToMeet eventId={eventId} myInterests={card.data.interests} version={version} onAdded={changed} />
      )}
      <DirectoryList eventId={eventId} version={version} onAdded={changed} />
    </div>
  );
}

function OptIn({ eventId, card, onChanged }: { eventId: string; card?: Card; onChanged: () => void }) {
  const choice = useApi(() => directory.myChoice(eventId), [eventId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [said, setSaid] = useState("");

  async function toggle(listed: boolean) {
    setBusy(true);
    setError(null);
    try {
      await directory.setListed(eventId, listed);
      setSaid(listed ? "Your card is now in this event's directory." : "Your card is no longer in this event's directory.");
      choice.reload();
      onChanged();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const shown = (card?.shared_fields ?? []).filter((f) => f in FIELD_WORDS).map((f) => FIELD_WORDS[f]);
  return (
    <section class="panel stack" aria-labelledby="optin-title">
      <h2 id="optin-title">Be found</h2>
      <label class="check">
        <input
          type="checkbox"
          role="switch"
          checked={choice.data?.listed ?? false}
          disabled={busy || !choice.data}
          onChange={(e) => toggle(e.currentTarget.checked)}
        />
        <span>Show my card to people at this event</span>
      </label>
      <p class="muted small">
        Off unless you turn it on. People at this event then see what your card shares
        {shown.length ? `: ${shown.join(", ")}` : ""}. Your email and phone appear only if your card shares them.
        Turn it off and you leave the list at once. <a href="/me">Choose what your card shares</a>.
      </p>
      <p class="muted small" role="status">
        {said}
      </p>
      <ErrorBox error={error ?? choice.error} />
    </section>
  );
}

function DirectoryList({ eventId, version, onAdded }: { eventId: string; version: number; onAdded: () => void }) {
  const [query, setQuery] = useState("");
  const [offset, setOffset] = useState(0);
  const page = useApi(
    () => directory.list(eventId, { q: query || undefined, limit: PAGE_SIZE, offset }),
    [eventId, query, offset, version],
  );
  const data = page.data;

  function search(text: string) {
    setQuery(text);
    setOffset(0);
  }

  return (
    <section class="panel" aria-labelledby="directory-title">
      <h2 id="directory-title">Who is here</h2>
      <SearchForm
        id="directory-search"
        label="Search the directory"
        placeholder="Name, company or interest"
        onSearch={search}
      />
      <ErrorBox error={page.error}>
        <Button kind="secondary" onClick={page.reload}>
          Try again
        </Button>
      </ErrorBox>
      {page.loading && !data && <Loading label="Loading the directory…" />}
      {data && data.total === 0 && (
        <p class="muted">
          {query
            ? `Nobody listed matches “${query}”.`
            : "Nobody has chosen to be listed yet. People appear here once they turn on “Show my card to people at this event”."}
        </p>
      )}
      {data && data.items.length > 0 && (
        <>
          <p class="muted" aria-live="polite">
            {data.offset + 1}–{data.offset + data.items.length} of {data.total}
            {query ? ` matching “${query}”` : ""}
          </p>
          <ul class="people">
            {data.items.map((person) => (
              <DirectoryPerson key={person.attendee_id} eventId={eventId} person={person} onAdded={onAdded} />
            ))}
          </ul>
          {data.total > PAGE_SIZE && (
            <nav class="pager" aria-label="Directory pages">
              <Button kind="secondary" disabled={data.offset === 0 || page.loading} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                Previous
              </Button>
              <Button
                kind="secondary"
                disabled={data.offset + data.items.length >= data.total || page.loading}
                onClick={() => setOffset(offset + PAGE_SIZE)}
              >
                Next
              </Button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
