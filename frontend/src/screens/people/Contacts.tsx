// /contacts: everyone I met, all or one event's, sorted and filtered by a topic; full-text
// search with why each result matched; add a contact by typing or from a .vcf file; export links.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { ExportButton } from "../../components/ExportButton";
import { Loading } from "../../components/Loading";
import { AddContact } from "../../components/people/AddContact";
import { Highlight } from "../../components/people/Highlight";
import { ImportFile } from "../../components/people/ImportFile";
import { Notifications } from "../../components/people/Notifications";
import { roleLine } from "../../components/people/PersonCard";
import { shortDateTime } from "../../components/people/when";
import {
  type ContactSort,
  type ContactSummary,
  exportContacts,
  people,
  type SearchResult,
} from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";
import "../../people.css";
import { navigate, type ScreenProps } from "../../router";
import type { ApiError } from "../../api";

const SORTS: { value: ContactSort; label: string }[] = [
  { value: "met", label: "When we met" },
  { value: "warmth", label: "Warmth" },
  { value: "name", label: "Name" },
];
const MATCHED_IN: Record<string, string> = {
  name: "Name",
  company: "Company, title or interests",
  note: "Your note",
};

export default function Contacts({ query }: ScreenProps) {
  const eventId = query.get("event") ?? "";
  const tag = query.get("tag") ?? "";
  const sort = (query.get("sort") as ContactSort | null) ?? "met";
  const list = useApi(
    () => people.contacts({ event_id: eventId || undefined, tag: tag || undefined, sort, limit: 200 }),
    [eventId, tag, sort],
  );
  const events = useApi(() => api.myEvents(), []);
  // Topics seen so far stay offered while a topic filter narrows the list.
  const [tags, setTags] = useState<string[]>([]);
  useEffect(() => {
    const seen = list.data?.items.flatMap((c) => c.tags) ?? [];
    setTags((known) => [...new Set([...known, ...seen])].sort());
  }, [list.data]);

  function setFilter(name: string, value: string) {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value);
    else next.delete(name);
    const search = next.toString();
    navigate(`/contacts${search ? `?${search}` : ""}`, { replace: true });
  }

  return (
    <section class="stack-lg">
      <div class="title-row">
        <h1 tabIndex={-1}>Contacts</h1>
        <a class="button button-primary" href="/scan">
          Scan a badge
        </a>
      </div>
      <Notifications onChange={list.reload} />
      <p class="link-line">
        <a href="/introductions">Introductions</a> you asked for, and their answers
      </p>
      <Search />
      <details class="panel disclosure">
        <summary>Add a contact by name</summary>
        <AddContact defaultEventId={eventId} />
      </details>
      <ImportFile onImported={list.reload} />

      <section aria-labelledby="list-title" class="stack">
        <h2 id="list-title" class="visually-hidden">
          All contacts
        </h2>
        <div class="filters">
          <label>
            <span>Event</span>
            <select value={eventId} onChange={(e) => setFilter("event", e.currentTarget.value)}>
              <option value="">All events</option>
              {events.data?.items.map((ev) => (
                <option key={ev.id} value={ev.id}>
                  {ev.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Sort by</span>
            <select value={sort} onChange={(e) => setFilter("sort", e.currentTarget.value)}>
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          {tags.length > 0 && (
            <label>
              <span>Topic</span>
              <select value={tag} onChange={(e) => setFilter("tag", e.currentTarget.value)}>
                <option value="">Any topic</option>
                {tags.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        {list.loading && !list.data && <Loading label="Loading your contacts…" />}
        <ErrorBox error={list.error}>
          <Button kind="secondary" onClick={list.reload}>
            Try again
          </Button>
        </ErrorBox>
        {list.data && list.data.items.length === 0 && (
          <div class="panel empty">
            <p>
              {tag || eventId
                ? "Nobody matches these filters."
                : "No contacts yet. Scan someone's badge, or add a person by name."}
            </p>
          </div>
        )}
        {list.data && list.data.items.length > 0 && (
          <>
            <p class="muted" aria-live="polite">
              {list.data.total === 1 ? "1 person" : `${list.data.total} people`}
            </p>
            <ul class="contact-list" aria-label="Contacts">
              {list.data.items.map((c) => (
                <ContactRow key={c.id} contact={c} />
              ))}
            </ul>
          </>
        )}
      </section>
      <Exports />
    </section>
  );
}

function ContactRow({ contact }: { contact: ContactSummary }) {
  return (
    <li>
      <a class="contact-row" href={`/contacts/${contact.id}`}>
        <span class="contact-row-main">
          <span class="person-name">{contact.name || "Unnamed contact"}</span>
          {roleLine(contact) && <span class="person-meta">{roleLine(contact)}</span>}
          <span class="person-meta">
            {contact.event_name ? `${contact.event_name} · ` : ""}
            {shortDateTime(contact.met_at)}
          </span>
          {contact.tags.length > 0 && (
            <span class="chips chips-small">
              {contact.tags.slice(0, 4).map((t) => (
                <span key={t} class="chip chip-static">
                  {t}
                </span>
              ))}
            </span>
          )}
        </span>
        <span class="contact-row-side">
          {contact.warmth && <span class={`warmth warmth-${contact.warmth}`}>{contact.warmth}</span>}
          {contact.open_promises > 0 && (
            <span class="promise-count">
              {contact.open_promises} {contact.open_promises === 1 ? "promise" : "promises"}
            </span>
          )}
        </span>
      </a>
    </li>
  );
}

function Search() {
  const [text, setText] = useState("");
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(event: Event) {
    event.preventDefault();
    const q = text.trim();
    if (!q) {
      setResult(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(await people.search(q));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="search-title" class="stack">
      <form role="search" class="search" onSubmit={run}>
        <label id="search-title" for="contact-search" class="visually-hidden">
          Search contacts and notes
        </label>
        <input
          id="contact-search"
          type="search"
          value={text}
          placeholder="Who talked about battery recycling?"
          onInput={(e) => setText(e.currentTarget.value)}
          enterKeyHint="search"
        />
        <Button type="submit" busy={busy} busyLabel="…">
          Search
        </Button>
      </form>
      <ErrorBox error={error} />
      {result && (
        <div class="panel search-results" aria-live="polite">
          <div class="title-row">
            <h2>
              {result.items.length === 0
                ? `Nothing found for “${result.query}”`
                : `${result.items.length} found for “${result.query}”`}
            </h2>
            <Button kind="quiet" onClick={() => setResult(null)}>
              Clear
            </Button>
          </div>
          {result.items.length > 0 && (
            <ul class="plain-list">
              {result.items.map((hit) => (
                <li key={`${hit.contact.id}-${hit.note_id ?? ""}`} class="search-hit">
                  <a href={`/contacts/${hit.contact.id}`} class="person-name">
                    {hit.contact.name || "Unnamed contact"}
                  </a>
                  <p class="person-meta">
                    <span class="matched-in">{MATCHED_IN[hit.matched_in] ?? hit.matched_in}:</span>{" "}
                    <Highlight text={hit.snippet} terms={result.terms} />
                  </p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function Exports() {
  const [withNotes, setWithNotes] = useState(false);
  return (
    <section class="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <label class="check">
        <input type="checkbox" checked={withNotes} onChange={(e) => setWithNotes(e.currentTarget.checked)} />
        <span>Include my notes (vCard and Google CSV)</span>
      </label>
      <div class="actions">
        <ExportButton label="vCard (.vcf)" start={() => exportContacts("vcf", withNotes)} />
        <ExportButton label="CSV for Google" start={() => exportContacts("google", withNotes)} />
        <ExportButton
          label="CSV for HubSpot"
          start={() => exportContacts("hubspot", withNotes)}
        />
      </div>
    </section>
  );
}
