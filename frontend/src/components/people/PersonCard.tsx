// A contact's card as I hold it: only what the person shares with me (or what I typed),
// with links that are safe to follow (http(s), mailto:, tel: only).
import type { Contact } from "../../contacts-api";

/** An http(s) URL as given, or null for anything else (javascript:, data: …). */
export function safeWebUrl(url: string): string | null {
  return /^https?:\/\//i.test(url.trim()) ? url.trim() : null;
}

function WebLink({ url, label }: { url: string; label: string }) {
  const safe = safeWebUrl(url);
  if (!safe) return <span>{url}</span>;
  return (
    <a href={safe} target="_blank" rel="noopener noreferrer external">
      {label}
    </a>
  );
}

export function roleLine(contact: Pick<Contact, "title" | "company">): string {
  return [contact.title, contact.company].filter(Boolean).join(" · ");
}

interface Props {
  contact: Contact;
  /** Heading level of the name: 1 on a contact's own page. */
  level?: 1 | 2;
  photoUrl?: string;
}

export function PersonCard({ contact, level = 2, photoUrl }: Props) {
  const Heading = level === 1 ? "h1" : "h2";
  const linkedin = contact.linkedin_url;
  return (
    <div class="person-card">
      {photoUrl && contact.shared_fields.includes("photo") && (
        <img class="person-photo" src={photoUrl} alt="" width={72} height={72} />
      )}
      <div class="person-card-text">
        <Heading class="person-card-name" tabIndex={level === 1 ? -1 : undefined}>
          {contact.name || "Unnamed contact"}
        </Heading>
        {roleLine(contact) && <p class="person-card-role">{roleLine(contact)}</p>}
        {contact.headline && <p class="person-card-headline">{contact.headline}</p>}
        {contact.goals && (
          <p class="person-goals">
            <strong>Looking for:</strong> {contact.goals}
          </p>
        )}
        <dl class="person-card-fields">
          {contact.email && (
            <div>
              <dt>Email</dt>
              <dd>
                <a href={`mailto:${contact.email}`}>{contact.email}</a>
              </dd>
            </div>
          )}
          {contact.phone && (
            <div>
              <dt>Phone</dt>
              <dd>
                <a href={`tel:${contact.phone}`}>{contact.phone}</a>
              </dd>
            </div>
          )}
          {linkedin && (
            <div>
              <dt>LinkedIn</dt>
              <dd>
                <WebLink url={linkedin} label={linkedin.replace(/^https?:\/\/(www\.)?/i, "")} />
              </dd>
            </div>
          )}
          {contact.website && (
            <div>
              <dt>Website</dt>
              <dd>
                <WebLink
                  url={contact.website}
                  label={contact.website.replace(/^https?:\/\//i, "")}
                />
              </dd>
            </div>
          )}
        </dl>
        {contact.interests.length > 0 && (
          <ul class="chips" aria-label="Interests">
            {contact.interests.map((tag) => (
              <li key={tag} class="chip chip-static">
                {tag}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
