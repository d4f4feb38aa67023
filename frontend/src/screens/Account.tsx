// /account: my data and my account. Download everything I own (JSON) or my contacts (vCard,
// CSV); delete the account after seeing what goes and typing my email to confirm.
import { useState } from "preact/hooks";
import { type ApiError, NETWORK_DETAIL } from "../api";
import { account, type DeletePreview, exportAll } from "../account-api";
import { Button } from "../components/Button";
import { ErrorBox } from "../components/ErrorBox";
import { TextField } from "../components/Field";
import { LoadFailed } from "../components/LoadFailed";
import { Loading } from "../components/Loading";
import { ExportButton } from "../components/ExportButton";
import { exportContacts } from "../contacts-api";
import { asApiError, useApi, useOnline } from "../hooks";
import { navigate } from "../router";
import { forgetSession } from "../session";
import "../account.css";

const OFFLINE = "Deleting your account needs a connection. Try again when you are back online.";

export default function Account() {
  return (
    <section class="stack-lg">
      <h1 tabIndex={-1}>My data and account</h1>
      <section class="panel stack" aria-labelledby="download-heading">
        <h2 id="download-heading">Download my data</h2>
        <p class="muted">
          Everything you keep in Rapport, in one file: your card and photo, pitches, contacts
          with your notes, follow-ups, templates, reminders, registrations and notifications.
        </p>
        <div class="account-links">
          <ExportButton kind="primary" label="All my data (JSON)" start={exportAll} />
          <ExportButton label="Contacts as vCard" start={() => exportContacts("vcf", true)} />
          <ExportButton label="Contacts as CSV" start={() => exportContacts("google", true)} />
        </div>
      </section>
      <DeleteAccount />
    </section>
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function DeleteAccount() {
  const preview = useApi(() => account.deletePreview(), []);
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <section class="panel stack danger-zone" aria-labelledby="delete-heading">
        <h2 id="delete-heading">Delete my account</h2>
        <p class="muted">Removes your account and everything in it, for good.</p>
        <div class="actions">
          <Button kind="danger" onClick={() => setOpen(true)}>
            Delete my account…
          </Button>
        </div>
      </section>
    );
  }
  if (preview.loading && !preview.data) return <Loading label="Finding what would go…" />;
  if (!preview.data) {
    return <LoadFailed title="Could not prepare the deletion" error={preview.error} onRetry={preview.reload} back={{ href: "/account", label: "Back" }} />;
  }
  return <ConfirmDelete preview={preview.data} onCancel={() => setOpen(false)} />;
}

function ConfirmDelete({ preview, onCancel }: { preview: DeletePreview; onCancel: () => void }) {
  const online = useOnline();
  const [email, setEmail] = useState("");
  const [withEvents, setWithEvents] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const events = preview.sole_organizer_events;

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    if (!navigator.onLine) {
      setError(asApiError(new Error(OFFLINE)));
      return;
    }
    setBusy(true);
    try {
      await account.deleteAccount(email.trim(), withEvents);
      // Leave for a page that needs no session first, then forget it (as signing out does).
      navigate("/signin?deleted=1", { replace: true });
      forgetSession();
    } catch (err) {
      const problem = asApiError(err);
      setError(problem.status === 0 ? asApiError(new Error(`${NETWORK_DETAIL} ${OFFLINE}`)) : problem);
      setBusy(false);
    }
  }

  return (
    <section class="panel stack danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete my account</h2>
      <p>This cannot be undone. Deleting your account removes:</p>
      <ul>
        <li>{plural(preview.contacts, "contact", "contacts")}, with {plural(preview.notes, "note", "notes")}</li>
        <li>
          {plural(preview.follow_ups, "follow-up", "follow-ups")}
          {preview.follow_ups_waiting_to_send > 0 &&
            ` (${preview.follow_ups_waiting_to_send} waiting to be sent will not be sent)`}
        </li>
        <li>{plural(preview.registrations, "event registration", "event registrations")}, with badges and check-ins</li>
        <li>{plural(preview.pitches, "pitch", "pitches")}, your card, templates and reminders</li>
        {preview.look_for_entries > 0 && <li>{plural(preview.look_for_entries, "entry", "entries")} of your look-for list</li>}
        {preview.introductions > 0 && (
          <li>{plural(preview.introductions, "introduction", "introductions")} you asked for (links still waiting stop working)</li>
        )}
      </ul>
      <p class="muted">
        People who have your card keep their contact of you, but without the fields you shared.
        Download your data first if you want to keep a copy.
      </p>
      {events.length > 0 && (
        <div class="stack">
          <p>
            You are the only organizer of{" "}
            {events.map((e, i) => (
              <span key={e.id}>
                {i > 0 && ", "}
                <strong>{e.name}</strong>
              </span>
            ))}
            : nobody else could run {events.length === 1 ? "it" : "them"}. Keep your account until{" "}
            {events.length === 1 ? "it is" : "they are"} over, or:
          </p>
          <label class="account-check">
            <input type="checkbox" checked={withEvents} onChange={(e) => setWithEvents(e.currentTarget.checked)} />
            <span>
              Also delete {events.length === 1 ? "this event" : "these events"}, with {events.length === 1 ? "its" : "their"} attendees and check-ins
            </span>
          </label>
        </div>
      )}
      <form class="stack" onSubmit={submit} noValidate>
        {!error?.fieldMessage("confirm_email") && <ErrorBox error={error} shownFields={["confirm_email"]} />}
        <TextField
          label={`Type your email (${preview.email}) to confirm`}
          name="confirm_email"
          type="email"
          inputMode="email"
          autoComplete="off"
          autoCapitalize="none"
          spellcheck={false}
          required
          value={email}
          onValue={setEmail}
          error={error?.fieldMessage("confirm_email")}
        />
        {!online && (
          <p class="note" role="status">
            {OFFLINE}
          </p>
        )}
        <div class="actions">
          <Button type="submit" kind="danger" busy={busy} busyLabel="Deleting…" disabled={!online || !email.trim()}>
            Delete my account
          </Button>
          <Button kind="quiet" onClick={onCancel} disabled={busy}>
            Keep my account
          </Button>
        </div>
      </form>
    </section>
  );
}
