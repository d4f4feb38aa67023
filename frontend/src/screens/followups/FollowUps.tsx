// /follow-ups: my follow-ups by state (drafts, scheduled, sent, failed with the reason, skipped),
// each with its state and times; cancel a scheduled one; "Prepare drafts" on request.
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
  const [result, setResult] = useState<DraftResult | null>(null);
  const [prepareError, setPrepareError] = useState<ApiError | null>(null);

  async function prepare() {
    setPreparing(true);
    setPrepareError(null);
    try {
      // The API drafts per event: "all my events" asks for each in turn.
      const ids = eventId ? [eventId] : (events.data?.items ?? (await api.myEvents()).items).map((e) => e.id);
      const total: DraftResult = { created: 0, already_had_follow_up: 0 };
      for (const id of ids) {
        const one = await followUps.prepareDrafts(id);
        total.created += one.created;
        total.already_had_follow_up += one.already_had_follow_up;
      }
      setResult(total);
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
            <option value="">All my events</option>
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
            {result.created > 0
              ? `${result.created} new ${result.created === 1 ? "draft" : "drafts"} ready to review.` +
                (result.already_had_follow_up > 0 ? ` ${result.already_had_follow_up} already had one.` : "")
              : result.already_had_follow_up > 0
                ? result.already_had_follow_up === 1
                  ? "No new drafts: the one person you met already has a follow-up."
                  : `No new drafts: all ${result.already_had_follow_up} people you met already have a follow-up.`
                : "No new drafts: no contacts from this event yet."}
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
