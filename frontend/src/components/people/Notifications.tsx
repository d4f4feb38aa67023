// "Alex added you at DevConf": unread notifications with a one-tap share back (I receive
// their card in return), or a dismissal; news of an introduction links to Introductions, news
// of a meeting to My agenda.
import { useState } from "preact/hooks";
import { Button } from "../Button";
import { announce } from "../Status";
import { type Notification, people } from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";

export function Notifications({ onChange }: { onChange: () => void }) {
  const list = useApi(() => people.notifications(true), []);
  const [busy, setBusy] = useState<string | null>(null);
  const items = list.data?.items ?? [];
  if (items.length === 0) return null;

  async function act(item: Notification, shareBack: boolean) {
    setBusy(item.id);
    try {
      if (shareBack && item.actor_id) {
        const contact = await people.shareBack(item.actor_id);
        announce(`${contact.name || "Their card"} is in your contacts now.`, "success");
      }
      await people.markRead(item.id);
      list.reload();
      onChange();
    } catch (err) {
      announce(asApiError(err).detail, "error");
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="panel notifications" aria-labelledby="notifications-title">
      <h2 id="notifications-title">New for you</h2>
      <ul class="plain-list">
        {items.map((item) => (
          <li key={item.id} class="notification">
            <p>{item.text}</p>
            {item.kind.startsWith("introduction_") && (
              <p>
                <a href="/introductions">See your introductions</a>
              </p>
            )}
            {item.kind.startsWith("meeting_") && item.event_id && (
              <p>
                <a href={`/events/${item.event_id}/agenda`}>See My agenda</a>
              </p>
            )}
            <div class="actions">
              {item.can_share_back && (
                <Button onClick={() => act(item, true)} busy={busy === item.id} busyLabel="Sharing…">
                  Share back
                </Button>
              )}
              <Button kind="quiet" onClick={() => act(item, false)} disabled={busy === item.id}>
                Dismiss
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
