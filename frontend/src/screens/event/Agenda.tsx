// /events/:id/agenda: My agenda. Requests waiting for my answer (accept one time, decline with
// a reason, propose other times once), those I sent, and my meetings in time order with the
// place and the other person. It reads offline (the offline cache keeps it); accept, decline
// and cancel made offline go through the outbox and are settled by the server on reconnect.
import { useEffect, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { Notifications } from "../../components/people/Notifications";
import { announce } from "../../components/Status";
import { asApiError, useApi } from "../../hooks";
import {
  DECLINE_REASONS,
  freeSlotsOf,
  type Meeting,
  type MeetingRequest,
  meetings,
  slotLabel,
} from "../../meetings-api";
import {
  onMeetingSettled,
  queueAccept,
  queueCancel,
  queueDecline,
  waitingAnswers,
} from "../../outbox/meetings";
import { navigate, type ScreenProps } from "../../router";
import "../../meetings.css";

/** Run online; with no connection, queue it in the outbox instead. True when queued. */
async function onlineOrQueued(online: () => Promise<unknown>, queued: () => Promise<unknown>): Promise<boolean> {
  if (!navigator.onLine) {
    await queued();
    return true;
  }
  try {
    await online();
    return false;
  } catch (err) {
    if (asApiError(err).status !== 0) throw err;
    await queued();
    return true;
  }
}

export default function Agenda({ params }: ScreenProps) {
  const eventId = params.id;
  const agenda = useApi(() => meetings.agenda(eventId), [eventId]);
  const requests = useApi(() => meetings.requests(eventId), [eventId]);
  const [queued, setQueued] = useState<Record<string, string>>({});
  const reload = () => {
    agenda.reload();
    requests.reload();
  };
  const mark = (id: string, what: string) => setQueued((now) => ({ ...now, [id]: what }));
  useEffect(() => {
    // What waits in the outbox shows as waiting after a reload; once the server has settled
    // it, the agenda is read again.
    const readOutbox = () =>
      waitingAnswers()
        .then(setQueued)
        .catch(() => {});
    void readOutbox();
    return onMeetingSettled(() => {
      void readOutbox();
      agenda.reload();
      requests.reload();
    });
  }, [eventId]);
  const incoming = (requests.data ?? []).filter((r) => r.status === "pending" && r.your_turn);
  const waiting = (requests.data ?? []).filter((r) => r.status === "pending" && !r.your_turn);
  const closed = (requests.data ?? []).filter((r) => r.status !== "pending" && r.status !== "accepted");
  return (
    <section class="stack-lg">
      <p class="breadcrumb">
        <a href={`/events/${eventId}`}>Event</a> · <a href={`/events/${eventId}/directory`}>Directory</a>
      </p>
      <h1 tabIndex={-1}>My agenda</h1>
      <Notifications onChange={reload} />
      <section class="panel" aria-labelledby="meetings-title">
        <h2 id="meetings-title">Meetings</h2>
        <ErrorBox error={agenda.error} />
        {agenda.loading && !agenda.data && <Loading label="Loading your agenda…" />}
        {agenda.data && agenda.data.length === 0 && (
          <p class="muted">No meetings yet. Ask someone from the directory for a meeting.</p>
        )}
        <ul class="plain-list stack">
          {agenda.data?.map((m) => (
            <MeetingRow key={m.id} meeting={m} queued={queued[m.id]} onQueued={mark} onChange={reload} />
          ))}
        </ul>
      </section>
      <section class="panel" aria-labelledby="asked-title">
        <h2 id="asked-title">Asked to meet you</h2>
        <ErrorBox error={requests.error} />
        {requests.data && incoming.length === 0 && <p class="muted">Nothing waits for your answer.</p>}
        <ul class="plain-list stack">
          {incoming.map((r) => (
            <IncomingRow
              key={r.id}
              request={r}
              eventId={eventId}
              queued={queued[r.id]}
              onQueued={mark}
              onChange={reload}
            />
          ))}
        </ul>
      </section>
      {(waiting.length > 0 || closed.length > 0) && (
        <section class="panel" aria-labelledby="sent-title">
          <h2 id="sent-title">Waiting and closed</h2>
          <ul class="plain-list stack">
            {[...waiting, ...closed].map((r) => (
              <li key={r.id} class="meeting-row">
                <strong>{r.other.name}</strong>{" "}
                <span class={r.status === "pending" ? "meeting-waiting" : "muted"}>
                  {r.status === "pending" ? "waiting for their answer" : r.status}
                  {r.decline_reason ? ` (${DECLINE_REASONS.find(([k]) => k === r.decline_reason)?.[1] ?? ""})` : ""}
                </span>
                {r.status === "pending" && r.direction === "out" && (
                  <Button
                    kind="quiet"
                    onClick={async () => {
                      await meetings.withdraw(r.id).catch((err) => announce(asApiError(err).detail, "error"));
                      reload();
                    }}
                  >
                    Withdraw
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

interface RowProps {
  queued?: string;
  onQueued: (id: string, what: string) => void;
  onChange: () => void;
}

function MeetingRow({ meeting: m, queued, onQueued, onChange }: RowProps & { meeting: Meeting }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const cancelled = m.status === "cancelled" || queued === "cancel";

  async function cancel() {
    if (!window.confirm(`Cancel your meeting with ${m.other.name}? They will be told.`)) return;
    setBusy(true);
    setError(null);
    try {
      const wasQueued = await onlineOrQueued(
        () => meetings.cancel(m.id),
        () => queueCancel(m.id, `Cancel the meeting with ${m.other.name}`),
      );
      if (wasQueued) {
        onQueued(m.id, "cancel");
        announce("Cancelled on this phone: it is sent when you are back online.", "info");
      } else {
        announce(`Cancelled. ${m.other.name} is told.`, "success");
        onChange();
      }
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  async function weMet() {
    setBusy(true);
    setError(null);
    try {
      const met = await meetings.weMet(m.id);
      if (met.contact_id) navigate(`/contacts/${met.contact_id}/note`);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="meeting-row" data-meeting={m.id}>
      <p>
        <span class="meeting-when">{slotLabel(m.starts_at, m.timezone)}</span>{" "}
        {m.place ? <span class="meeting-place">{m.place}</span> : <span class="muted">Find each other</span>}
      </p>
      <p>
        With <strong>{m.other.name}</strong>
        {(m.other.title || m.other.company) && (
          <span class="muted"> · {[m.other.title, m.other.company].filter(Boolean).join(", ")}</span>
        )}
      </p>
      {m.message && <p class="muted">“{m.message}”</p>}
      {cancelled ? (
        <p class="meeting-cancelled">{queued === "cancel" && m.status !== "cancelled" ? "Cancelled (waiting to sync)" : "Cancelled"}</p>
      ) : (
        <div class="actions">
          <Button kind="secondary" busy={busy} onClick={weMet} disabled={m.we_met && !m.contact_id}>
            {m.we_met ? "Add a note" : "We met"}
          </Button>
          <Button kind="quiet" onClick={cancel} disabled={busy}>
            Cancel meeting
          </Button>
        </div>
      )}
      <ErrorBox error={error} />
    </li>
  );
}

function IncomingRow({
  request: r,
  eventId,
  queued,
  onQueued,
  onChange,
}: RowProps & { request: MeetingRequest; eventId: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [reason, setReason] = useState("");
  const zone = r.timezone;

  async function act(what: string, online: () => Promise<unknown>, queue: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      if (await onlineOrQueued(online, queue)) {
        onQueued(r.id, what);
        announce("Saved on this phone: it is sent when you are back online.", "info");
      } else {
        onChange();
      }
    } catch (err) {
      const problem = asApiError(err);
      setError(problem);
      if (freeSlotsOf(problem).length) onChange();
    } finally {
      setBusy(false);
    }
  }

  if (queued) {
    return (
      <li class="meeting-row">
        <strong>{r.other.name}</strong> <span class="meeting-waiting">{queued === "accept" ? "Accepted" : "Declined"} (waiting to sync)</span>
      </li>
    );
  }
  const label = (slot: string) => slotLabel(slot, zone);
  return (
    <li class="meeting-row" data-request={r.id}>
      <p>
        <strong>{r.other.name}</strong>
        {(r.other.title || r.other.company) && (
          <span class="muted"> · {[r.other.title, r.other.company].filter(Boolean).join(", ")}</span>
        )}
      </p>
      {r.message && <p>“{r.message}”</p>}
      <ul class="plain-list slot-answer">
        {r.slots.map((slot) => (
          <li key={slot}>
            <Button
              kind="secondary"
              busy={busy}
              aria-label={`Accept ${label(slot)}`}
              onClick={() =>
                act(
                  "accept",
                  () => meetings.accept(r.id, slot),
                  () => queueAccept(r.id, slot, `Accept the meeting with ${r.other.name}`),
                )
              }
            >
              Accept {label(slot)}
            </Button>
          </li>
        ))}
      </ul>
      <div class="actions">
        <label>
          <span class="visually-hidden">Reason</span>
          <select value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)} aria-label="Reason">
            <option value="">No reason given</option>
            {DECLINE_REASONS.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <Button
          kind="quiet"
          disabled={busy}
          onClick={() =>
            act(
              "decline",
              () => meetings.decline(r.id, reason || null),
              () => queueDecline(r.id, reason || null, `Decline the meeting with ${r.other.name}`),
            )
          }
        >
          Decline
        </Button>
        {r.other.attendee_id && (
          <Button
            kind="quiet"
            disabled={busy}
            onClick={() => {
              const attendeeId = r.other.attendee_id;
              if (!attendeeId || !window.confirm(`Decline and take no more requests from ${r.other.name}?`)) return;
              void act(
                "decline",
                async () => {
                  await meetings.block(eventId, attendeeId);
                  await meetings.decline(r.id, null);
                },
                () => queueDecline(r.id, null, `Decline the meeting with ${r.other.name}`),
              );
            }}
          >
            Block
          </Button>
        )}
        {r.can_propose && r.other.attendee_id && (
          <a
            class="button button-quiet"
            href={`/events/${eventId}/meet/${r.other.attendee_id}?${new URLSearchParams({ name: r.other.name, propose: r.id })}`}
          >
            Propose other times
          </a>
        )}
      </div>
      <ErrorBox error={error} />
    </li>
  );
}
