// /follow-ups/review (?event=…, ?generic=1 for drafts that mention nothing of the
// conversation): one draft at a time, "7 of 23". Edit in place, then approve,
// skip, snooze or change the channel, by button, keyboard (A S Z E C, J/K or arrows) or swipe
// (right approves, left skips). Manual channels: copy the text, open the profile, mark sent.
// Nothing leaves without the user's approval. Opened offline, it says so and loads by itself
// when the connection comes back.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { announce } from "../../components/Status";
import {
  CHANNEL_LABELS,
  type FollowUp,
  type FollowUpChannel,
  MANUAL_CHANNELS,
  type ReviewSlot,
  followUps,
  reviewActions,
  whenText,
} from "../../followups-api";
import { people } from "../../contacts-api";
import type { ScreenProps } from "../../router";
import { QueueDone, QueueNotLoaded } from "./QueueStates";
import { useReconnect } from "./useReconnect";
import { useSwipe } from "./useSwipe";
import { DraftText } from "./DraftText";
import { GenericDraft } from "./GenericDraft";
import { AssistantRewrite } from "./AssistantRewrite";
import { useDraftEditor } from "./useDraftEditor";
import "../../people.css";
import "../../followups.css";

interface Queue {
  slot: ReviewSlot;
  /** The drafts waiting now, the one the API offers first. */
  items: FollowUp[];
}

// When I met each contact: the queue's order is drafting time, then the order people were met.
let metAtCache: Promise<Map<string, string>> | null = null;
function metAtByContact(): Promise<Map<string, string>> {
  metAtCache ??= people.contacts({ limit: 200 }).then(
    (page) => new Map(page.items.map((c) => [c.id, c.met_at])),
    () => new Map(),
  );
  return metAtCache;
}

async function loadQueue(eventId: string | null, generic: boolean): Promise<Queue> {
  const [slot, page, metAt] = await Promise.all([
    followUps.review(eventId, generic),
    followUps.list({
      status: "draft",
      event_id: eventId ?? undefined,
      generic: generic ? "true" : undefined,
      limit: 200,
    }),
    metAtByContact(),
  ]);
  const now = Date.now();
  const order = (f: FollowUp) => `${f.created_at}|${metAt.get(f.contact.id) ?? ""}|${f.id}`;
  const awake = page.items
    .filter((f) => !f.snoozed_until || Date.parse(f.snoozed_until) <= now)
    .sort((a, b) => order(a).localeCompare(order(b)));
  const first = slot.item;
  const items = first ? [first, ...awake.filter((f) => f.id !== first.id)] : awake;
  return { slot, items };
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

export default function ReviewQueue({ query }: ScreenProps) {
  const eventId = query.get("event");
  const generic = query.get("generic") === "1";
  const [queue, setQueue] = useState<Queue | null>(null);
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [lastDone, setLastDone] = useState<string>("");
  const [events, setEvents] = useState<Record<string, string>>({});
  // The writing assistant's host, when the server has one ("Rewrite in my voice").
  const [assistantHost, setAssistantHost] = useState<string | null>(null);
  const [sendLater, setSendLater] = useState("");
  // An approval refused because the draft still says [link]: shown at its field, for that draft.
  const [refused, setRefused] = useState<{ id: string; error: ApiError } | null>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const channelRef = useRef<HTMLSelectElement>(null);
  const cardRef = useRef<HTMLElement>(null);

  const item = queue?.items[Math.min(index, (queue?.items.length ?? 1) - 1)] ?? null;
  const editor = useDraftEditor(item, (saved) =>
    setQueue((q) => q && { ...q, items: q.items.map((f) => (f.id === saved.id ? saved : f)) }),
  );

  async function reload(keepIndex = index) {
    try {
      const next = await loadQueue(eventId, generic);
      setQueue(next);
      setIndex(Math.max(0, Math.min(keepIndex, next.items.length - 1)));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    }
  }

  function loadAll() {
    metAtCache = null; // contacts may have been added since the last visit
    reload(0);
    followUps.assistant().then(
      (a) => setAssistantHost(a.available ? a.host : null),
      () => undefined, // no button is the safe default
    );
    api.myEvents().then(
      (page) => setEvents(Object.fromEntries(page.items.map((e) => [e.id, e.name]))),
      () => undefined, // "where we met" is a nicety
    );
  }

  useEffect(loadAll, [eventId, generic]);

  // Until the queue has loaded, say when the phone is offline and load again by ourselves the
  // moment the connection comes back.
  const offline = useReconnect(queue === null, loadAll);

  /** Save pending edits, run one action on the current draft, then show the next one.
   *  `run` resolving null means no connection: the action waits in the outbox (`queued`). */
  async function act(
    name: string,
    run: (f: FollowUp) => Promise<FollowUp | null>,
    done: (f: FollowUp) => string,
    queued = "",
  ) {
    if (!item || busy) return;
    setBusy(name);
    try {
      await editor.flush();
      const result = await run(item);
      const message = result ? done(result) : `${queued} — will sync: ${item.contact.name}.`;
      setLastDone(message);
      announce(message, "success");
      setSendLater("");
      if (result) {
        await reload(index);
      } else {
        // Offline the queue cannot be re-read: take this draft out here and show the next.
        const doneId = item.id;
        setQueue(
          (q) =>
            q && {
              slot: { ...q.slot, position: q.slot.position + 1 },
              items: q.items.filter((f) => f.id !== doneId),
            },
        );
        setIndex((i) => Math.max(0, Math.min(i, (queue?.items.length ?? 1) - 2)));
      }
    } catch (err) {
      if (!(err instanceof ApiError)) return;
      if (err.code === "link_missing") {
        setError(null);
        setRefused({ id: item.id, error: err });
        (err.fieldMessage("subject") ? subjectRef : bodyRef).current?.focus();
      } else {
        setError(err);
      }
    } finally {
      setBusy(null);
    }
  }

  const manual = item ? MANUAL_CHANNELS.has(item.channel) : false;
  const approve = (sendAt?: string) =>
    act(
      "approve",
      (f) => reviewActions.approve(f, sendAt),
      (f) =>
        f.status === "scheduled" && f.send_at
          ? Date.parse(f.send_at) - Date.now() > 60_000
            ? `Approved: ${f.contact.name}, scheduled for ${whenText(f.send_at)}.`
            : `Approved: ${f.contact.name}, sending now.`
          : `Approved: ${f.contact.name}.`,
      "Approved",
    );
  const skip = () =>
    act("skip", (f) => reviewActions.skip(f), (f) => `Skipped ${f.contact.name}.`, "Skipped");
  const snooze = () =>
    act(
      "snooze",
      (f) => reviewActions.snooze(f),
      (f) => `Snoozed ${f.contact.name} until ${whenText(f.snoozed_until)}.`,
      "Snoozed",
    );
  const markSent = () =>
    act("sent", (f) => followUps.markSent(f.id), (f) => `Marked as sent to ${f.contact.name}.`);

  async function changeChannel(channel: FollowUpChannel) {
    if (!item || channel === item.channel) return;
    try {
      await editor.flush();
      const saved = (await reviewActions.edit(item, { channel })) ?? { ...item, channel };
      setQueue((q) => q && { ...q, items: q.items.map((f) => (f.id === saved.id ? saved : f)) });
      announce(`Channel: ${CHANNEL_LABELS[channel]}.`);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
    }
  }

  async function copyText() {
    if (!item) return;
    const text = editor.subject ? `${editor.subject}\n\n${editor.body}` : editor.body;
    try {
      await navigator.clipboard.writeText(item.channel === "email" ? text : editor.body);
      announce("Copied. Paste it into your message.", "success");
    } catch {
      announce("Could not copy here: select the text and copy it yourself.", "error");
    }
  }

  /** Focus the channel menu and, where the browser can, open it. */
  function openChannels() {
    const select = channelRef.current;
    select?.focus();
    try {
      (select as (HTMLSelectElement & { showPicker?: () => void }) | null)?.showPicker?.();
    } catch {
      // Not allowed here (no user gesture): the focused menu is enough.
    }
  }

  function move(step: number) {
    if (!queue) return;
    editor.blur();
    setIndex((i) => Math.max(0, Math.min(queue.items.length - 1, i + step)));
  }

  // Laptop shortcuts; never while typing, so the letters still go into the text.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) {
        if (event.key === "Escape") (event.target as HTMLElement).blur();
        return;
      }
      const key = event.key.toLowerCase();
      const actions: Record<string, () => void> = {
        a: () => (manual ? announce("Send it yourself, then choose Mark sent.") : approve()),
        s: skip,
        z: snooze,
        e: () => bodyRef.current?.focus(),
        c: openChannels,
        j: () => move(1),
        arrowright: () => move(1),
        k: () => move(-1),
        arrowleft: () => move(-1),
      };
      const action = actions[key];
      if (action && item) {
        event.preventDefault();
        action();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const swipe = useSwipe(cardRef, {
    right: () => (manual ? undefined : approve()),
    left: skip,
  });

  const filterParams = new URLSearchParams(eventId ? { event: eventId } : {});
  if (!generic) filterParams.set("generic", "1");
  const filterHref = `/follow-ups/review${filterParams.size ? `?${filterParams}` : ""}`;
  const filterLink = (
    <p class="review-filter">
      <a href={filterHref}>{generic ? "Show all drafts" : "Only generic drafts"}</a>
    </p>
  );
  // In the generic view the way back sits under the title; otherwise the link waits at the end.
  const heading = (
    <>
      <h1 tabIndex={-1} class="review-title">
        {generic ? "Review generic drafts" : "Review follow-ups"}
      </h1>
      {generic && filterLink}
    </>
  );

  function added(fresh: FollowUp) {
    editor.replaced(fresh);
    setQueue((q) => q && { ...q, items: q.items.map((f) => (f.id === fresh.id ? fresh : f)) });
    announce(`Added. The draft to ${fresh.contact.name} now says it.`, "success");
  }

  if (!queue) {
    return <QueueNotLoaded heading={heading} error={error} offline={offline} onRetry={loadAll} />;
  }
  if (!item) {
    return <QueueDone heading={heading} slot={queue.slot} lastDone={lastDone} />;
  }

  const position = queue.slot.position + Math.min(index, queue.items.length - 1);
  const metAt = item.event_id ? events[item.event_id] : undefined;

  return (
    <section class="review stack">
      <div class="review-top">
        {heading}
        <p class="review-count" aria-live="polite">
          <strong>
            {position} of {queue.slot.total}
          </strong>
        </p>
      </div>
      {lastDone && <p class="review-done-line">{lastDone}</p>}
      <ErrorBox
        error={error}
        shownFields={["subject", "body", "channel"]}
        remedy={
          error?.code === "no_email_address" && (
            <p>
              <a href={`/contacts/${item.contact.id}?edit=1&field=email`}>
                Add an email address for {item.contact.name}
              </a>
            </p>
          )
        }
      />
      <article
        ref={cardRef}
        class={`panel review-card ${swipe.className}`}
        style={swipe.style}
        aria-labelledby="review-who"
      >
        <header class="review-who">
          <h2 id="review-who">{item.contact.name}</h2>
          <p class="muted">
            {[item.contact.company, metAt && `met at ${metAt}`].filter(Boolean).join(" · ")}
          </p>
        </header>
        <div class="field review-channel">
          <label for="review-channel">Channel</label>
          <select
            id="review-channel"
            ref={channelRef}
            value={item.channel}
            onChange={(e) => changeChannel(e.currentTarget.value as FollowUpChannel)}
          >
            {(Object.keys(CHANNEL_LABELS) as FollowUpChannel[]).map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
          {item.channel === "email" && (
            <p class="field-hint">To {item.to_address || "— no address: change the channel"}</p>
          )}
        </div>
        <DraftText
          editor={editor}
          refused={refused?.id === item.id ? refused.error : null}
          subjectRef={subjectRef}
          bodyRef={bodyRef}
        />
        {assistantHost && (
          <AssistantRewrite key={item.id} item={item} host={assistantHost} beforeAsking={editor.flush} onUse={editor.setBody} />
        )}
        {item.generic && <GenericDraft key={item.id} item={item} beforeAdding={editor.flush} onAdded={added} />}
      </article>

      {manual ? (
        <div class="review-actions">
          <Button kind="secondary" onClick={copyText}>
            Copy text
          </Button>
          {item.handover_url && (
            <a class="button button-secondary" href={item.handover_url} target="_blank" rel="noopener noreferrer">
              {item.channel === "phone" ? "Call" : "Open profile"}
            </a>
          )}
          <Button busy={busy === "sent"} busyLabel="Saving…" onClick={markSent}>
            Mark sent
          </Button>
        </div>
      ) : (
        <div class="review-actions">
          <Button busy={busy === "approve"} busyLabel="Approving…" onClick={() => approve()}>
            Approve
          </Button>
        </div>
      )}
      <div class="review-actions review-actions-secondary">
        <Button kind="secondary" busy={busy === "skip"} busyLabel="Skipping…" onClick={skip}>
          Skip
        </Button>
        <Button kind="secondary" busy={busy === "snooze"} busyLabel="Snoozing…" onClick={snooze}>
          Snooze
        </Button>
        <Button kind="quiet" onClick={openChannels}>
          Change channel
        </Button>
      </div>
      {!manual && (
        <details class="send-later">
          <summary>Send at a chosen time</summary>
          <div class="send-later-row">
            <label for="send-later">Send at</label>
            <input id="send-later" type="datetime-local" value={sendLater} onInput={(e) => setSendLater(e.currentTarget.value)} />
            <Button kind="secondary" disabled={!sendLater} onClick={() => approve(new Date(sendLater).toISOString())}>
              Approve for then
            </Button>
          </div>
        </details>
      )}
      <nav class="review-nav" aria-label="Drafts">
        <Button kind="quiet" disabled={index === 0} onClick={() => move(-1)}>
          ← Previous
        </Button>
        <Button kind="quiet" disabled={index >= queue.items.length - 1} onClick={() => move(1)}>
          Next →
        </Button>
      </nav>
      <p class="review-help muted">
        Keys: <kbd>A</kbd> approve · <kbd>S</kbd> skip · <kbd>Z</kbd> snooze · <kbd>E</kbd> edit ·{" "}
        <kbd>C</kbd> channel · <kbd>J</kbd>/<kbd>K</kbd> next/previous. On a phone, swipe the
        card right to approve, left to skip.
      </p>
      {!generic && filterLink}
    </section>
  );
}
