// /reminders: staying in touch. What is due (check-ins, birthdays, milestones, promises) with
// "We talked"; keep-in-touch cadences; the private calendar feed (copy, rotate); the daily
// digest; my time zone (drafts approved late at night go out at 09:00 there).
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import { people } from "../../contacts-api";
import { type Reminder, type ReminderKind, type Preferences, staying } from "../../followups-api";
import { useApi } from "../../hooks";
import { isWebLink } from "../../components/people/links";
import { shortDate } from "../../components/people/when";
import { CadenceControl } from "./CadenceControl";
import "../../people.css";
import "../../followups.css";

const KIND_LABELS: Record<ReminderKind, string> = {
  keep_in_touch: "Check in",
  birthday: "Birthday",
  milestone: "Milestone",
  promise: "Promise",
};

function zones(current: string): string[] {
  const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  const list = all.includes("UTC") ? all : ["UTC", ...all];
  return list.includes(current) ? list : [current, ...list];
}

function DueRow({ reminder, onChange }: { reminder: Reminder; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  async function talked() {
    setBusy(true);
    try {
      await staying.weTalked(reminder.contact_id);
      announce(`Noted: you talked with ${reminder.contact_name}. The clock restarts.`, "success");
      onChange();
    } catch (err) {
      announce(err instanceof ApiError ? err.detail : "Could not save.", "error");
    } finally {
      setBusy(false);
    }
  }
  return (
    <li class="due-row">
      <div>
        <p>
          <span class={`state state-${reminder.kind}`}>{KIND_LABELS[reminder.kind]}</span>{" "}
          <a href={`/contacts/${encodeURIComponent(reminder.contact_id)}`}>{reminder.contact_name}</a>
        </p>
        <p class="muted small">
          {reminder.title} ·{" "}
          {reminder.overdue ? (
            <strong class="overdue">overdue since {shortDate(reminder.due_on)}</strong>
          ) : (
            `due ${shortDate(reminder.due_on)}`
          )}
        </p>
        {isWebLink(reminder.link) && (
          <p class="small">
            <a class="due-link" href={reminder.link} target="_blank" rel="noopener noreferrer">
              {reminder.link}
            </a>
          </p>
        )}
      </div>
      {reminder.kind === "keep_in_touch" && (
        <Button kind="secondary" busy={busy} busyLabel="Saving…" onClick={talked}>
          We talked
        </Button>
      )}
    </li>
  );
}

function Settings({ prefs, onChange }: { prefs: Preferences; onChange: (p: Preferences) => void }) {
  const [zone, setZone] = useState(prefs.timezone);
  const [feedUrl, setFeedUrl] = useState("");
  const [error, setError] = useState<ApiError | null>(null);

  async function update(data: Partial<Omit<Preferences, "calendar_feed">>, message: string) {
    setError(null);
    try {
      onChange(await staying.updatePreferences(data));
      announce(message, "success");
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    }
  }

  async function rotate() {
    if (prefs.calendar_feed && !window.confirm("Make a new calendar link? The old link stops working: calendars using it must be given the new one.")) return;
    try {
      const feed = await staying.rotateCalendarFeed();
      setFeedUrl(feed.url);
      onChange({ ...prefs, calendar_feed: true });
      announce("New calendar link ready. Copy it now: it is shown once.", "success");
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    }
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(feedUrl);
      announce("Calendar link copied.", "success");
    } catch {
      announce("Could not copy here: select the link and copy it yourself.", "error");
    }
  }

  return (
    <section class="panel stack" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <ErrorBox error={error} />
      <div class="field">
        <label for="pref-zone">My time zone</label>
        <p class="field-hint" id="pref-zone-hint">Follow-ups approved late at night go out at 09:00 here.</p>
        <div class="cadence-row">
          <select id="pref-zone" aria-describedby="pref-zone-hint" value={zone} onChange={(e) => setZone(e.currentTarget.value)}>
            {zones(zone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          <Button kind="secondary" disabled={zone === prefs.timezone} onClick={() => update({ timezone: zone }, `Time zone: ${zone}.`)}>
            Save
          </Button>
        </div>
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={prefs.daily_digest}
          onChange={(e) =>
            update({ daily_digest: e.currentTarget.checked }, e.currentTarget.checked ? "You will get a daily digest when something is due." : "No daily digest.")
          }
        />
        <span>Email me a daily digest when something is due</span>
      </label>
      <div class="stack">
        <h3>Calendar feed</h3>
        <p class="muted small">
          A private link your calendar app can subscribe to. Anyone with the link can read your reminders.
          {prefs.calendar_feed && !feedUrl && " A link is active; it is shown only once, so make a new one to copy it again (the old one then stops working)."}
        </p>
        {feedUrl && (
          <div class="feed-url">
            <label for="feed-url">Your calendar link</label>
            <input id="feed-url" readOnly value={feedUrl} onFocus={(e) => e.currentTarget.select()} />
            <p class="warning small">Making a new link stops this one working.</p>
          </div>
        )}
        <div class="actions">
          {feedUrl && <Button onClick={copy}>Copy</Button>}
          <Button kind="secondary" onClick={rotate}>
            {prefs.calendar_feed ? "Rotate link" : "Make a calendar link"}
          </Button>
        </div>
      </div>
    </section>
  );
}

export default function Reminders() {
  const due = useApi(() => staying.reminders(30), []);
  const cadences = useApi(() => staying.cadences(), []);
  const prefs = useApi(() => staying.preferences(), []);
  const contacts = useApi(() => people.contacts({ sort: "name", limit: 200 }), []);
  const [prefsNow, setPrefsNow] = useState<Preferences | null>(null);
  const [picked, setContactId] = useState("");
  // Until the user picks someone, the first contact is chosen. Derived rather than set from an
  // effect, so a pick made before the effect would have run is never overwritten.
  const contactId = picked || contacts.data?.items[0]?.id || "";

  useEffect(() => setPrefsNow(prefs.data ?? null), [prefs.data]);

  const refresh = () => {
    due.reload();
    cadences.reload();
  };
  const chosen = cadences.data?.find((c) => c.contact_id === contactId) ?? null;

  return (
    <section class="stack-lg">
      <h1 tabIndex={-1}>Staying in touch</h1>
      <section aria-labelledby="due-title">
        <h2 id="due-title">Due in the next 30 days</h2>
        {due.loading && !due.data && <Loading label="Loading reminders…" />}
        <ErrorBox error={due.error} />
        {due.data && due.data.length === 0 && <p class="panel empty">Nothing due. Set a keep-in-touch cadence below to be reminded.</p>}
        {due.data && due.data.length > 0 && (
          <ul class="plain-list panel due-list">
            {due.data.map((r, i) => (
              <DueRow key={`${r.kind}-${r.contact_id}-${r.due_on}-${i}`} reminder={r} onChange={refresh} />
            ))}
          </ul>
        )}
      </section>

      <section class="panel stack" aria-labelledby="cadence-title">
        <h2 id="cadence-title">Keep in touch</h2>
        {contacts.data && contacts.data.items.length === 0 ? (
          <p class="muted">Add contacts first.</p>
        ) : (
          <>
            <div class="field">
              <label for="cadence-contact">With</label>
              <select id="cadence-contact" value={contactId} onChange={(e) => setContactId(e.currentTarget.value)}>
                {contacts.data?.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            {contactId && <CadenceControl key={contactId} contactId={contactId} current={chosen} onChange={refresh} />}
          </>
        )}
        {cadences.data && cadences.data.length > 0 && (
          <ul class="plain-list cadence-list">
            {cadences.data.map((c) => (
              <li key={c.contact_id}>
                <a href={`/contacts/${encodeURIComponent(c.contact_id)}`}>{c.contact_name}</a>: every {c.every_days} days, next{" "}
                {shortDate(c.next_due_on)}
              </li>
            ))}
          </ul>
        )}
      </section>

      {prefsNow && <Settings prefs={prefsNow} onChange={setPrefsNow} />}
      <ErrorBox error={prefs.error} />
    </section>
  );
}
