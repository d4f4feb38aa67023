// One promise with a tick box: done / not done is saved at once; its link to send, if any,
// and when the follow-up that kept it was sent.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { people, type Promise_ } from "../../contacts-api";
import { asApiError } from "../../hooks";
import { enqueue } from "../../outbox/outbox";
import { announce } from "../Status";
import { PromiseLink } from "./PromiseLink";
import { localDay, shortDate, todayValue } from "./when";

interface Props {
  promise: Promise_ & { sent_with_follow_up_at?: string | null };
  /** Shown before the text, e.g. the contact's name on the promises screen. */
  who?: { name: string; contactId: string };
  onChange: () => void;
  /** More to do with it, under the row (e.g. "Share with Bo"). */
  extra?: ComponentChildren;
}

export function PromiseRow({ promise, who, onChange, extra }: Props) {
  const [done, setDone] = useState(promise.done);
  const [busy, setBusy] = useState(false);
  const overdue = !done && promise.due_on !== null && promise.due_on < todayValue();
  // Kept by sending the follow-up drafted from it (the day, in this phone's time zone).
  const sent = done && promise.sent_with_follow_up_at ? new Date(promise.sent_with_follow_up_at) : null;
  const keptBy = sent ? localDay(sent) : null;

  async function toggle(next: boolean) {
    setDone(next);
    setBusy(true);
    try {
      await people.setPromiseDone(promise.id, next);
      announce(next ? "Marked done." : "Marked not done.", "success");
      onChange();
    } catch (err) {
      const error = asApiError(err);
      if (error.status === 0) {
        // Offline: the tick waits in the outbox and is sent when the connection returns.
        await enqueue("promise.set_done", { promise_id: promise.id, done: next }, `Promise “${promise.text}”`);
        announce("Saved on this phone; it syncs when you are online.", "success");
        return;
      }
      setDone(!next);
      announce(error.detail, "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class={done ? "promise promise-done" : "promise"}>
      <label class="check">
        <input type="checkbox" checked={done} disabled={busy} onChange={(e) => toggle(e.currentTarget.checked)} />
        <span>
          <span class="promise-text">{promise.text}</span>
          <span class="person-meta">
            {who && (
              <>
                to <a href={`/contacts/${who.contactId}`}>{who.name || "a contact"}</a>
                {promise.due_on || keptBy ? " · " : ""}
              </>
            )}
            {promise.due_on && !keptBy && (
              <span class={overdue ? "overdue" : undefined}>
                {overdue ? "Overdue: " : "Due "}
                {shortDate(promise.due_on)}
              </span>
            )}
            {keptBy && <span class="promise-kept">sent with your follow-up on {shortDate(keptBy)}</span>}
          </span>
        </span>
      </label>
      <PromiseLink promise={promise} editable={!done} onChange={onChange} />
      {extra}
    </li>
  );
}
