// /contacts/:id: the card (only what they share with me, or what I typed), where and when we
// met, my notes newest first, my promises to them, "Add note" and "Introduce to…". ?edit=1
// (&field=email to start there, &back=<app path> to go there when done) edits the card.
// Offline, a contact never opened on this phone is shown from the kept contact lists, with
// "Add note", until its page can load.
import { useEffect, useState } from "preact/hooks";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { ContactEdit } from "../../components/people/ContactEdit";
import { ContactNoteConflicts, refreshNoteConflicts } from "../../components/people/NoteConflicts";
import { PersonCard } from "../../components/people/PersonCard";
import { PromisesSection } from "../../components/people/PromisesSection";
import { shortDate, shortDateTime } from "../../components/people/when";
import { announce } from "../../components/Status";
import { type Contact, type ContactSummary, type Note, people } from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";
import { knownContact } from "../../offline/known-contact";
import "../../people.css";
import { appPath, navigate, type ScreenProps } from "../../router";
import { ContactKeepInTouch } from "../followups/CadenceControl";

const CHANNELS: Record<string, string> = {
  email: "Email",
  linkedin: "LinkedIn",
  phone: "Phone",
  other: "Other",
};
const DETAIL_KINDS: Record<string, string> = {
  family: "Family event",
  hobby: "Hobby",
  trip: "Trip",
  milestone: "Milestone",
  birthday: "Birthday",
  health: "Health (private)",
};

/** Offline (no answer, nothing kept for this page): the contact as the kept lists know it;
 * undefined while looking, null when this phone knows nothing of them. */
function useKnownOffline(id: string, offline: boolean): ContactSummary | null | undefined {
  const [known, setKnown] = useState<ContactSummary | null | undefined>(undefined);
  useEffect(() => {
    setKnown(undefined);
    if (!offline) return;
    let live = true;
    knownContact(id).then(
      (found) => live && setKnown(found ?? null),
      () => live && setKnown(null),
    );
    return () => {
      live = false;
    };
  }, [id, offline]);
  return known;
}

export default function ContactPage({ params, query }: ScreenProps) {
  const contact = useApi(() => people.contact(params.id), [params.id]);
  useEffect(() => {
    refreshNoteConflicts().catch(() => undefined); // the notes show either way
  }, [params.id]);
  const [deleting, setDeleting] = useState(false);
  // What an edit saved, shown until the page's own reload brings it.
  const [saved, setSaved] = useState<Contact | null>(null);
  useEffect(() => setSaved(null), [contact.data]);
  const offline = !contact.data && contact.error?.status === 0;
  const known = useKnownOffline(params.id, offline);

  if (contact.loading && !contact.data) return <Loading label="Loading contact…" />;
  if (offline && known === undefined) return <Loading label="Loading contact…" />;
  if (offline && known) return <OfflineContact contact={known} onOnline={contact.reload} />;
  if (contact.error || !contact.data) {
    return (
      <section class="panel">
        <h1 tabIndex={-1}>{contact.error?.status === 404 ? "No such contact" : "This contact could not load"}</h1>
        <ErrorBox error={contact.error}>
          <Button kind="secondary" onClick={contact.reload}>
            Try again
          </Button>
        </ErrorBox>
        <p class="breadcrumb">
          <a href="/contacts">All contacts</a>
        </p>
      </section>
    );
  }
  const c = saved?.id === contact.data.id ? { ...contact.data, ...saved } : contact.data;
  const view = `/contacts/${c.id}`;
  if (query.get("edit")) {
    const next = appPath(query.get("back")) ?? view;
    return (
      <section class="stack-lg contact-page">
        <p class="breadcrumb">
          <a href={view}>Back to {c.name || "the contact"}</a>
        </p>
        <ContactEdit
          contact={c}
          focus={query.get("field")}
          onSaved={(done) => {
            setSaved(done);
            contact.reload();
            navigate(next, { replace: true });
          }}
          onCancel={() => navigate(next, { replace: true })}
        />
      </section>
    );
  }
  const notes = [...c.notes].sort((a, b) => b.created_at.localeCompare(a.created_at));

  async function remove() {
    if (!window.confirm(`Delete ${c.name || "this contact"} and your notes on them?`)) return;
    setDeleting(true);
    try {
      await people.deleteContact(c.id);
      announce(`${c.name || "The contact"} is deleted.`, "success");
      navigate("/contacts", { replace: true });
    } catch (err) {
      announce(asApiError(err).detail, "error");
      setDeleting(false);
    }
  }

  return (
    <section class="stack-lg contact-page">
      <p class="breadcrumb">
        <a href="/contacts">All contacts</a>
      </p>
      <div class="panel">
        <PersonCard contact={c} level={1} photoUrl={people.contactPhotoUrl(c.id)} />
        <MetLine contact={c} />
        {c.preferred_channel && (
          <p class="muted">Prefers {CHANNELS[c.preferred_channel] ?? c.preferred_channel}</p>
        )}
        {c.person_id === null && c.source !== "manual" && (
          <p class="muted">Added from a scanned {c.source === "linkedin" ? "LinkedIn profile" : "card"}.</p>
        )}
        <div class="actions">
          <a class="button button-secondary" href={`${view}?edit=1`}>
            Edit contact
          </a>
          <a class="button button-secondary" href={`${view}/introduce`}>
            Introduce to…
          </a>
          {c.person_id && c.event_id && (
            <a class="button button-secondary" href={`${view}/meet`}>
              Ask for a meeting
            </a>
          )}
        </div>
        <p class="link-line">
          <a href="/introductions">Your introductions</a>
        </p>
      </div>
      <a class="button button-primary button-big" href={`/contacts/${c.id}/note`}>
        Add note
      </a>

      <PromisesSection contact={c} onChange={contact.reload} />

      <section aria-labelledby="notes-title">
        <h2 id="notes-title">Notes</h2>
        <ContactNoteConflicts contactId={c.id} />
        {notes.length === 0 ? (
          <p class="muted">No notes yet. “Add note” while the conversation is fresh.</p>
        ) : (
          <ul class="plain-list notes">
            {notes.map((note) => (
              <NoteItem key={note.id} note={note} contactId={c.id} />
            ))}
          </ul>
        )}
      </section>

      <ContactKeepInTouch contactId={c.id} />

      <div class="actions">
        <Button kind="danger" onClick={remove} busy={deleting} busyLabel="Deleting…">
          Delete contact
        </Button>
      </div>
    </section>
  );
}

/** Where and when we met, and how warm the contact is. */
function MetLine({ contact: c }: { contact: ContactSummary }) {
  return (
    <p class="met-line">
      <span>
        Met {c.event_name ? <>at <strong>{c.event_name}</strong>, </> : ""}
        {shortDateTime(c.met_at)}
      </span>
      {c.warmth && <span class={`warmth warmth-${c.warmth}`}>{c.warmth}</span>}
    </p>
  );
}

/** The contact as the kept list knows it: who, where we met, and "Add note" (the note waits
 * in the outbox); the rest comes when the phone is online again (useApi loads it again). */
function OfflineContact({ contact: c, onOnline }: { contact: ContactSummary; onOnline: () => void }) {
  return (
    <section class="stack-lg contact-page">
      <p class="breadcrumb">
        <a href="/contacts">All contacts</a>
      </p>
      <div class="panel">
        <PersonCard contact={c} level={1} />
        <MetLine contact={c} />
      </div>
      <p class="panel offline-note" role="status">
        You are offline. Your notes, promises and the rest of this contact will load when you are
        online again; a note you add now is saved on this phone and syncs then.
      </p>
      <a class="button button-primary button-big" href={`/contacts/${c.id}/note`}>
        Add note
      </a>
      <div class="actions">
        <Button kind="secondary" onClick={onOnline}>
          Try again
        </Button>
      </div>
    </section>
  );
}

function NoteItem({ note, contactId }: { note: Note; contactId: string }) {
  return (
    <li class="note-item panel">
      <p class="person-meta">
        <time dateTime={note.created_at}>{shortDateTime(note.created_at)}</time>
        {note.warmth && <span class={`warmth warmth-${note.warmth}`}>{note.warmth}</span>}
      </p>
      {note.text && <p class="note-text">{note.text}</p>}
      {note.topics.length > 0 && (
        <ul class="chips chips-small" aria-label="Topics">
          {note.topics.map((t) => (
            <li key={t} class="chip chip-static">
              {t}
            </li>
          ))}
        </ul>
      )}
      {note.personal_details.length > 0 && (
        <ul class="details-list">
          {note.personal_details.map((d, i) => (
            <li key={d.id ?? i}>
              <strong>{DETAIL_KINDS[d.kind] ?? d.kind}:</strong> {d.text}
              {d.on_date && ` (${shortDate(d.on_date)})`}
            </li>
          ))}
        </ul>
      )}
      {note.next_step && (
        <p>
          <strong>Next step:</strong> {note.next_step}
        </p>
      )}
      <a href={`/contacts/${contactId}/note?note=${note.id}`}>Edit note</a>
    </li>
  );
}
