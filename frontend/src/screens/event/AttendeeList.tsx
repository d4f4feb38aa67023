// The attendee list with search and pages, for organizers and door staff.
import { useState } from "preact/hooks";
import { api } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { SearchForm } from "../../components/SearchForm";
import { useApi } from "../../hooks";

const PAGE_SIZE = 25;

export function AttendeeList({ eventId }: { eventId: string }) {
  const [query, setQuery] = useState("");
  const [offset, setOffset] = useState(0);
  const page = useApi(
    () => api.attendees(eventId, { q: query || undefined, limit: PAGE_SIZE, offset }),
    [eventId, query, offset],
  );
  const data = page.data;

  function search(text: string) {
    setQuery(text);
    setOffset(0);
  }

  return (
    <section class="panel" aria-labelledby="attendees-title">
      <h2 id="attendees-title">Attendees</h2>
      <SearchForm
        id="attendee-search"
        label="Search attendees"
        placeholder="Name, email or company"
        onSearch={search}
      />
      <ErrorBox error={page.error}>
        <Button kind="secondary" onClick={page.reload}>
          Try again
        </Button>
      </ErrorBox>
      {page.loading && !data && <Loading label="Loading attendees…" />}
      {data && data.total === 0 && (
        <p class="muted">
          {query ? `Nobody matches “${query}”.` : "No attendees yet. Import a CSV to add them."}
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
              <li key={person.id}>
                <span class="person-name">{person.name}</span>
                <span class="person-meta">
                  {[person.title, person.company].filter(Boolean).join(", ")}
                </span>
                <span class="person-meta">{person.email}</span>
              </li>
            ))}
          </ul>
          <nav class="pager" aria-label="Attendee pages">
            <Button
              kind="secondary"
              disabled={data.offset === 0 || page.loading}
              onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            >
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
        </>
      )}
    </section>
  );
}
