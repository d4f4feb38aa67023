// /promises: what I promised people, across contacts: open ones first by due date; tick done.
import { useState } from "preact/hooks";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { PromiseRow } from "../../components/people/PromiseRow";
import { people } from "../../contacts-api";
import { useApi } from "../../hooks";
import "../../people.css";

export default function Promises() {
  const [showDone, setShowDone] = useState(false);
  const list = useApi(() => people.promises(showDone), [showDone]);
  const items = list.data?.items ?? [];
  const open = items.filter((p) => !p.done);
  const kept = items.filter((p) => p.done);

  return (
    <section class="stack-lg">
      <h1 tabIndex={-1}>Promises</h1>
      <label class="check">
        <input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.currentTarget.checked)} />
        <span>Show kept promises too</span>
      </label>
      {list.loading && !list.data && <Loading label="Loading your promises…" />}
      <ErrorBox error={list.error}>
        <Button kind="secondary" onClick={list.reload}>
          Try again
        </Button>
      </ErrorBox>
      {list.data && open.length === 0 && (
        <div class="panel empty">
          <p>Nothing open. Promises you note in a conversation (“send the slides by Friday”) show up here.</p>
        </div>
      )}
      {open.length > 0 && (
        <section aria-labelledby="open-title">
          <h2 id="open-title">Open ({open.length})</h2>
          <ul class="plain-list panel">
            {open.map((p) => (
              <PromiseRow key={p.id} promise={p} who={{ name: p.contact_name, contactId: p.contact_id }} onChange={list.reload} />
            ))}
          </ul>
        </section>
      )}
      {showDone && kept.length > 0 && (
        <section aria-labelledby="kept-title">
          <h2 id="kept-title">Kept</h2>
          <ul class="plain-list panel">
            {kept.map((p) => (
              <PromiseRow key={p.id} promise={p} who={{ name: p.contact_name, contactId: p.contact_id }} onChange={list.reload} />
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
