// /follow-ups: my follow-ups by state (drafts, scheduled, sent, failed with the reason, skipped),
// each with its state and times; cancel a scheduled one; "Prepare drafts" on request, for one
// event or for all my contacts (those met at no event included).
import { useState } from "preact/hooks";
import { ApiError, api } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import {
  CHANNEL_LABELS,
  type DraftResult,
  type FollowUp,
  type FollowUpStatus,
  followUps,
  whenText,
} from "../../followups-api";
import { useApi } from "../../hooks";
import type { ScreenProps } from "../../router";
import "../../people.css";
import "../../followups.css";

const TABS: { status: FollowUpStatus; label: string }[] = [
  { status: "draft", label: "Drafts" },
  { status: "scheduled", label: "Scheduled" },
  { status: "approved", label: "To send" },
  { status: "sent", label: "Sent" },
  { status: "failed", label: "Failed" },
  { status: "skipped", label: "Skipped" },
  { status: "cancelled", label: "Cancelled" },
];

const STATE_LABELS: Record<FollowUpStatus, string> = {
  draft: "Draft",
  approved: "Approved: send it yourself",
  scheduled: "Scheduled",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  skipped: "Skipped",
  cancelled: "Cancelled",
};

function timesOf(f: FollowUp): string {
  switch (f.status) {
    case "scheduled":
      return f.next_attempt_at && f.attempts > 0
        ? `Trying again ${whenText(f.next_attempt_at)} (attempt ${f.attempts + 1})`
        : `Sends ${whenText(f.send_at)}`;
    case "sent":
      return `Sent ${whenText(f.sent_at)}`;
    case "draft":
      return f.snoozed_until && Date.parse(f.snoozed_until) > Date.now()
        ? `Snoozed until ${whenText(f.snoozed_until)}`
        : `Drafted ${whenText(f.created_at)}`;
    default:
      return `${STATE_LABELS[f.status]} ${whenText(f.status_changed_at)}`;
  }
}

const plural = (n: number, one: string, many: string) => (n === 1 ? `1 ${one}` : `${n} ${many}`);

/** What "Prepare drafts" did, in sentences: made, already had one, skipped and why. */
function draftResultText(result: DraftResult, forEvent: boolean): string {
  const parts: string[] = [];
  if (result.created > 0) parts.push(`${plural(result.created, "new draft", "new drafts")} ready to review.`);
  else parts.push("No new drafts.");
  if (result.already_had_follow_up > 0) {
    parts.push(
      result.already_had_follow_up === 1
        ? "1 person already has a follow-up."
        : `${result.already_had_follow_up} people already have a follow-up.`,
    );
  }
  for (const why of result.skipped_why) {
    const more = why.count - why.names.length;
    const who = why.names.join(", ") + (more > 0 ? ` and ${more} more` : "");
    parts.push(`Skipped ${why.count} (${who}): ${why.detail}`);
  }
  if (result.created === 0 && result.already_had_follow_up === 0 && result.skipped === 0) {
    parts.push(forEvent ? "You have no contacts from this event yet." : "You have no contacts yet.");
  }
  return parts.join(" ");
}

function Row({ item, onChange }: { item: FollowUp; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function run(action: (id: string) => Promise<FollowUp>, message: string) {
    setBusy(true);
    try {
      await action(item.id);
      announce(message, "success");
      onChange();
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    } finally {
      setBusy(false);
    }
  }
  return (
    <li class="fu-row">
      <div class="fu-row-head">
        <a href={`/contacts/${encodeURIComponent(item.contact.id)}`} class="fu-name">
          {item.contact.name}
        </a>
        <span class={`state state-${item.status}`}>{STATE_LABELS[item.status]}</span>
      </div>
      <p class="fu-subject">
        {CHANNEL_LABELS[item.channel]} · {item.subject}
      </p>
      <p class="muted fu-when">{timesOf(item)}</p>
      {item.status === "failed" && item.last_error && <p class="fu-reason">{item.last_error}</p>}
      <ErrorBox error={error} />
      {(item.status === "scheduled" || item.status === "approved") && (
        <Button kind="secondary" busy={busy} busyLabel="Cancelling…" onClick={() => run(followUps.cancel, `Cancelled the follow-up to ${item.contact.name}.`)}>
          Cancel sending
        </Button>
      )}
      {["failed", "skipped", "cancelled"].includes(item.status) && (
        <Button kind="quiet" busy={busy} busyLabel="Reopening…" onClick={() => run(followUps.reopen, `Back in your drafts: ${item.contact.name}.`)}>
          Back to drafts
        </Button>
      )}
    </li>
  );
}

export default function FollowUps({ query }: ScreenProps) {
  const [status, setStatus] = useState<FollowUpStatus>((query.get("status") as FollowUpStatus) || "draft");
  const [eventId, setEventId] = useState(query.get("event") ?? "");
  const list = useApi(() => followUps.list({ status, event_id: eventId || undefined, limit: 100 }), [status, eventId]);
  const events = useApi(() => api.myEvents(), []);
  const [preparing, setPreparing] = useState(false);
  const [result, setResult] = useState<(DraftResult & { forEvent: boolean }) | null>(null);
  const [prepareError, setPrepareError] = useState<ApiError | null>(null);

  async function prepare() {
    setPreparing(true);
    setPrepareError(null);
    try {
      // No event chosen: all my contacts, those typed in or imported (met at no event) too.
      setResult({ ...(await followUps.prepareDrafts(eventId || null)), forEvent: !!eventId });
      list.reload();
    } catch (err) {
      setPrepareError(err instanceof ApiError ? err : null);
    } finally {
      setPreparing(false);
    }
  }

  const reviewHref = `/follow-ups/review${eventId ? `?event=${encodeURIComponent(eventId)}` : ""}`;
  return (
    <section class="stack-lg">
      <h1 tabIndex={-1}>Follow-ups</h1>
      <div class="panel stack">
        <div class="field">
          <label for="fu-event">Event</label>
          <select id="fu-event" value={eventId} onChange={(e) => setEventId(e.currentTarget.value)}>
            <option value="">All my contacts</option>
            {events.data?.items.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <Button busy={preparing} busyLabel="Preparing…" onClick={prepare}>
            Prepare drafts
          </Button>
          <a class="button button-secondary" href={reviewHref}>
            Review drafts
          </a>
        </div>
        {result && (
          <p class="fu-result" role="status">
            {draftResultText(result, result.forEvent)}
          </p>
        )}
        <ErrorBox error={prepareError} />
        <p class="muted small">
          Other pages: <a href="/follow-ups/templates">Templates</a> · <a href="/reminders">Staying in touch</a>
        </p>
      </div>

      <div class="fu-tabs" role="group" aria-label="Show">
        {TABS.map((t) => (
          <button key={t.status} type="button" class="chip" aria-pressed={status === t.status} onClick={() => setStatus(t.status)}>
            {t.label}
          </button>
        ))}
      </div>

      {list.loading && !list.data && <Loading label="Loading follow-ups…" />}
      <ErrorBox error={list.error}>
        <Button kind="secondary" onClick={list.reload}>
          Try again
        </Button>
      </ErrorBox>
      {list.data && (
        <section aria-labelledby="fu-list-title">
          <h2 id="fu-list-title">
            {TABS.find((t) => t.status === status)?.label} ({list.data.total})
          </h2>
          {list.data.items.length === 0 ? (
            <p class="panel empty">Nothing here.</p>
          ) : (
            <ul class="plain-list panel fu-list">
              {list.data.items.map((f) => (
                <Row key={f.id} item={f} onChange={list.reload} />
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
