// Printable badges for organizers: a PDF of all or of chosen attendees in one of three layouts,
// and reissuing a lost badge (the old one then scans as "replaced").
import { useState } from "preact/hooks";
import { api, type ApiError, type Attendee } from "../../api";
import { ErrorBox } from "../../components/ErrorBox";
import { ExportButton } from "../../components/ExportButton";
import { SelectField } from "../../components/Field";
import { announce } from "../../components/Status";
import { type BadgeLayout, doorApi } from "../../door-api";
import { asApiError, useApi } from "../../hooks";
import "../../door.css";

const LAYOUTS: Record<string, BadgeLayout> = {
  "A6, one badge per page": "a6",
  "A4, four A6 badges per sheet": "a4x4",
  "A4, eight A7 badges per sheet": "a4x8",
};
const MAX_SELECTED = 200; // the GET link's limit; more is "all"
const PAGE_SIZE = 10;
const MAX_PAGE = 200; // the API's largest page

export function BadgesPanel({ eventId }: { eventId: string }) {
  const [layoutName, setLayoutName] = useState(Object.keys(LAYOUTS)[0]);
  const [query, setQuery] = useState("");
  const [submitted, setSubmitted] = useState("");
  const [limit, setLimit] = useState(PAGE_SIZE);
  const [selected, setSelected] = useState<Map<string, string>>(new Map());
  const [reissued, setReissued] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const layout = LAYOUTS[layoutName];
  const found = useApi(
    () =>
      submitted
        ? api.attendees(eventId, { q: submitted, limit, offset: 0 })
        : Promise.resolve(null),
    [eventId, submitted, limit],
  );

  function toggle(person: Attendee, on: boolean) {
    const next = new Map(selected);
    if (on && next.size < MAX_SELECTED) next.set(person.id, person.name);
    else next.delete(person.id);
    setSelected(next);
  }

  async function reissue(person: Attendee) {
    const sure = window.confirm(
      `Reissue ${person.name}'s badge? The old badge stops working at once: ` +
        "scanned, it shows as replaced.",
    );
    if (!sure) return;
    setError(null);
    try {
      await doorApi.reissueBadge(eventId, person.id);
      setReissued({ id: person.id, name: person.name });
      announce(`${person.name} has a new badge; the old one no longer works.`, "success");
    } catch (err) {
      setError(asApiError(err));
    }
  }

  const ids = [...selected.keys()];
  return (
    <section class="panel stack" aria-labelledby="badges-title">
      <h2 id="badges-title">Badges</h2>
      <SelectField
        label="Layout"
        name="layout"
        value={layoutName}
        options={Object.keys(LAYOUTS)}
        onValue={setLayoutName}
      />
      <div class="actions">
        <ExportButton
          kind="primary"
          label="All badges (PDF)"
          unit="badges"
          start={() => doorApi.badgesPdf(eventId, layout)}
        />
        {ids.length > 0 && (
          <ExportButton
            label={`${ids.length} selected (PDF)`}
            unit="badges"
            start={() => doorApi.badgesPdf(eventId, layout, ids)}
          />
        )}
        {ids.length > 0 && (
          <button type="button" class="button button-quiet" onClick={() => setSelected(new Map())}>
            Clear selection
          </button>
        )}
      </div>
      {reissued && (
        <p class="note">
          {reissued.name} has a new badge.{" "}
          <ExportButton
            label="Print it (PDF)"
            unit="badges"
            start={() => doorApi.badgesPdf(eventId, layout, [reissued.id])}
          />
        </p>
      )}

      <h3>Choose people, or reissue a lost badge</h3>
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(query.trim());
          setLimit(PAGE_SIZE);
        }}
      >
        <label class="visually-hidden" for="badge-search">
          Find attendees for badges
        </label>
        <input
          id="badge-search"
          type="search"
          placeholder="Name, email or company"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit" class="button button-secondary">
          Find
        </button>
      </form>
      <ErrorBox error={error ?? found.error} />
      {found.data && found.data.items.length === 0 && (
        <p class="muted">Nobody matches “{submitted}”.</p>
      )}
      {found.data && found.data.items.length > 0 && (
        <ul class="people badge-pick">
          {found.data.items.map((person) => (
            <li key={person.id}>
              <label>
                <input
                  type="checkbox"
                  checked={selected.has(person.id)}
                  onChange={(e) => toggle(person, e.currentTarget.checked)}
                />
                <span>
                  <span class="person-name">{person.name}</span>
                  <span class="person-meta">
                    {" "}
                    {[person.company, person.email].filter(Boolean).join(" · ")}
                  </span>
                </span>
              </label>
              <button type="button" class="button button-quiet" onClick={() => reissue(person)}>
                Reissue<span class="visually-hidden"> {person.name}'s badge</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {found.data && found.data.total > found.data.items.length && (
        <p class="muted">
          Showing {found.data.items.length} of {found.data.total}.{" "}
          {limit < MAX_PAGE ? (
            <button
              type="button"
              class="button button-quiet"
              onClick={() => setLimit(Math.min(MAX_PAGE, limit * 4))}
            >
              Show more
            </button>
          ) : (
            "Narrow the search to see the others."
          )}
        </p>
      )}
    </section>
  );
}
