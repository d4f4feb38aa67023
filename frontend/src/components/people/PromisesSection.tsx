// A contact's promises, and "What we agreed": with someone who holds my card and shared theirs
// back, each open promise of mine can be shared in a tap, and the promises shared between us,
// both ways ("Ada will send you the slides by Friday 11 December"), have a tick box that closes
// one for both. For anyone else this is the plain list of my promises to them.
import { useState } from "preact/hooks";
import { type Agreed, type ContactDetail, people } from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";
import { Button } from "../Button";
import { announce } from "../Status";
import { PromiseRow } from "./PromiseRow";

interface Props {
  contact: ContactDetail;
  onChange: () => void;
}

export function PromisesSection({ contact: c, onChange }: Props) {
  const agreed = useApi(
    () => (c.person_id ? people.agreed(c.id) : Promise.resolve({ mutual: false, items: [] as Agreed[] })),
    [c.id, c.person_id],
  );
  const [busy, setBusy] = useState<string | null>(null);
  // A tick shows at once; it goes back if the server says no.
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  const mutual = agreed.data?.mutual ?? false;
  const first = c.name.split(" ")[0] || "them";
  const promises = [...c.promises].sort(
    (a, b) => Number(a.done) - Number(b.done) || (a.due_on ?? "9999").localeCompare(b.due_on ?? "9999"),
  );

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
    <>
      <section aria-labelledby="promises-title">
        <h2 id="promises-title">Promises</h2>
        {promises.length === 0 ? (
          <p class="muted">No promises to {c.name || "them"} yet.</p>
        ) : (
          <ul class="plain-list">
            {promises.map((p) => (
              <PromiseRow
                key={p.id}
                promise={p}
                onChange={onChange}
                extra={
                  mutual &&
                  !p.done &&
                  !p.shared_at && (
                    <Button kind="secondary" busy={busy === p.id} busyLabel="Sharing…" onClick={() => run(p.id, () => people.sharePromise(p.id, true), `Shared with ${first}.`)}>
                      Share with {first}
                    </Button>
                  )
                }
              />
            ))}
          </ul>
        )}
      </section>
      {mutual && agreed.data && (
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
                      {item.done && item.done_by_other && <span class="person-meta">Ticked done by {first}</span>}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}
