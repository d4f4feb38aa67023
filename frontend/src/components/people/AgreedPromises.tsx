// "What we agreed": with someone who holds my card and shared theirs back, the promises shared
// between us, both ways ("Ada will send you the slides by Friday 11 December"), each with a tick
// box that closes it for both; and my open promises to them, each shareable in a tap. Nothing is
// shown for a contact we do not hold both ways.
import { useState } from "preact/hooks";
import { type Agreed, people, type Promise_ } from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";
import { Button } from "../Button";
import { announce } from "../Status";

interface Props {
  contactId: string;
  name: string;
  /** My promises to them (from the contact), to offer sharing. */
  promises: Promise_[];
  onChange: () => void;
}

export function AgreedPromises({ contactId, name, promises, onChange }: Props) {
  const agreed = useApi(() => people.agreed(contactId), [contactId]);
  const [busy, setBusy] = useState<string | null>(null);
  // A tick shows at once; it goes back if the server says no.
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  if (!agreed.data?.mutual) return null;
  const first = name.split(" ")[0] || "them";
  const unshared = promises.filter((p) => !p.done && !p.shared_at);

  /** Whether it worked. */
  async function run(id: string, work: () => Promise<unknown>, said: string): Promise<boolean> {
    setBusy(id);
    try {
      await work();
      announce(said, "success");
      agreed.reload();
      onChange();
      return true;
    } catch (err) {
      announce(asApiError(err).detail, "error");
      return false;
    } finally {
      setBusy(null);
    }
  }

  const tick = (item: Agreed, done: boolean) => {
    setTicked((t) => ({ ...t, [item.id]: done }));
    run(item.id, () => people.tickShared(item.id, done), done ? `Done, for ${first} too.` : "Open again.").then(
      (worked) => worked || setTicked((t) => ({ ...t, [item.id]: item.done })),
    );
  };

  return (
    <section aria-labelledby="agreed-title" class="agreed">
      <h2 id="agreed-title">What we agreed</h2>
      {agreed.data.items.length === 0 ? (
        <p class="muted">Nothing shared yet: share a promise and {first} sees it too.</p>
      ) : (
        <ul class="plain-list">
          {agreed.data.items.map((item) => (
            <li key={item.id} class={item.done ? "promise promise-done" : "promise"}>
              <label class="check">
                <input type="checkbox" checked={ticked[item.id] ?? item.done} disabled={busy === item.id} onChange={(e) => tick(item, e.currentTarget.checked)} />
                <span>
                  <span class="promise-text">{item.sentence}</span>
                  {item.done && item.done_by_other && (
                    <span class="person-meta">Ticked done by {first}</span>
                  )}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {unshared.map((p) => (
        <p key={p.id} class="agreed-share">
          <span>“{p.text}”</span>{" "}
          <Button kind="secondary" busy={busy === p.id} busyLabel="Sharing…" onClick={() => run(p.id, () => people.sharePromise(p.id, true), `Shared with ${first}.`)}>
            Share with {first}
          </Button>
        </p>
      ))}
    </section>
  );
}
