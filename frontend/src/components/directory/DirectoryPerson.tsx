// One person of an event's directory or of "people to meet": what their card shares, why they
// are suggested (if they are), and "Add to my contacts", which works like scanning their badge.
import { useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { type DirectoryEntry, directory } from "../../directory-api";
import { asApiError } from "../../hooks";
import { Button } from "../Button";
import { ErrorBox } from "../ErrorBox";
import { roleLine, safeWebUrl } from "../people/PersonCard";

interface Props {
  eventId: string;
  person: DirectoryEntry;
  /** Why they are suggested, one line each ("You are looking for: …"). */
  reasons?: string[];
  /** Called once the person is among my contacts, so lists can ask again. */
  onAdded: () => void;
}

export function DirectoryPerson({ eventId, person, reasons, onAdded }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const contactId = added ?? person.contact_id;

  async function add() {
    setBusy(true);
    setError(null);
    try {
      const result = await directory.add(eventId, person.attendee_id);
      setAdded(result.contact.id);
      onAdded();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const linkedin = safeWebUrl(person.linkedin_url);
  const website = safeWebUrl(person.website);
  return (
    <li class="directory-person">
      <span class="person-name">
        {person.name || "Someone"}
        {person.is_me && <span class="muted"> (you)</span>}
      </span>
      {roleLine(person) && <span class="person-meta">{roleLine(person)}</span>}
      {person.headline && <span class="person-meta">{person.headline}</span>}
      {person.goals && (
        <span class="person-goals">
          <strong>Looking for:</strong> {person.goals}
        </span>
      )}
      {reasons?.map((reason) => (
        <span key={reason} class="directory-reason">
          {reason}
        </span>
      ))}
      {person.interests.length > 0 && (
        <ul class="chips chips-small" aria-label="Interests">
          {person.interests.map((interest) => (
            <li key={interest} class="chip chip-static">
              {interest}
            </li>
          ))}
        </ul>
      )}
      <span class="directory-links">
        {person.email && <a href={`mailto:${person.email}`}>{person.email}</a>}
        {person.phone && <a href={`tel:${person.phone}`}>{person.phone}</a>}
        {linkedin && (
          <a href={linkedin} target="_blank" rel="noopener noreferrer external">
            LinkedIn
          </a>
        )}
        {website && (
          <a href={website} target="_blank" rel="noopener noreferrer external">
            Website
          </a>
        )}
      </span>
      {!person.is_me &&
        (contactId ? (
          <a class="directory-added" href={`/contacts/${contactId}`}>
            In your contacts
          </a>
        ) : (
          <span>
            <Button kind="secondary" busy={busy} busyLabel="Adding…" onClick={add}>
              Add to my contacts
            </Button>
          </span>
        ))}
      {!person.is_me && (
        <a
          class="button button-secondary"
          href={`/events/${eventId}/meet/${person.attendee_id}?${new URLSearchParams({ name: person.name || "Someone" })}`}
        >
          Ask for a meeting
        </a>
      )}
      <ErrorBox error={error} />
    </li>
  );
}
