// /introductions: every introduction I asked for, newest first, and where each stands (waiting
// for both, or for whom; introduced; declined, and by whom; cancelled; expired) with its times.
// One still waiting can be cancelled; once one is over, the pair can be asked again.
import { useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { Loading } from "../../components/Loading";
import { shortDateTime } from "../../components/people/when";
import { announce } from "../../components/Status";
import { asApiError, useApi } from "../../hooks";
import { type Introduction, introductions, type Party } from "../../introductions-api";
import "../../people.css";
import "../../followups.css";
import "../../introductions.css";

/** Where it stands, in a few words: "Waiting for Eli Example", "Declined by Dana Example". */
export function stateLabel(intro: Introduction): string {
  const [a, b] = intro.people;
  switch (intro.status) {
    case "waiting": {
      const left = intro.people.filter((p) => p.answer === null);
      return left.length === 2 ? "Waiting for both" : `Waiting for ${left[0]?.name ?? "an answer"}`;
    }
    case "introduced":
      return "Introduced";
    case "declined":
      return `Declined by ${(a.answer === "no" ? a : b).name}`;
    case "cancelled":
      return "Cancelled";
    case "expired":
      return "Expired";
  }
}

/** When it happened: asked, and how it ended (or until when it waits). */
function timesLine(intro: Introduction): string {
  const asked = `Asked ${shortDateTime(intro.created_at)}`;
  if (intro.status === "waiting") return `${asked} · expires ${shortDateTime(intro.expires_at)}`;
  const ended = { introduced: "introduced", declined: "declined", cancelled: "cancelled", expired: "expired" }[
    intro.status
  ];
  return intro.closed_at ? `${asked} · ${ended} ${shortDateTime(intro.closed_at)}` : asked;
}

function answerLine(person: Party): string {
  if (person.answer === "yes") return `said yes ${shortDateTime(person.answered_at ?? "")}`;
  if (person.answer === "no") return `said no ${shortDateTime(person.answered_at ?? "")}`;
  return "no answer";
}

function PersonName({ person }: { person: Party }) {
  return person.contact_id ? <a href={`/contacts/${encodeURIComponent(person.contact_id)}`}>{person.name}</a> : <>{person.name}</>;
}

function Row({ intro, onChange }: { intro: Introduction; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [a, b] = intro.people;

  async function cancel() {
    if (!window.confirm(`Cancel introducing ${a.name} and ${b.name}? Their links will say it is no longer needed.`)) return;
    setBusy(true);
    setError(null);
    try {
      await introductions.cancel(intro.id);
      announce(`Cancelled the introduction of ${a.name} and ${b.name}.`, "success");
      onChange();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="panel intro-row">
      <div class="intro-row-head">
        <h2 class="intro-pair">
          <PersonName person={a} /> and <PersonName person={b} />
        </h2>
        <span class={`state intro-state-${intro.status}`}>{stateLabel(intro)}</span>
      </div>
      <p class="muted intro-when">{timesLine(intro)}</p>
      <ul class="plain-list intro-answers">
        {intro.people.map((p) => (
          <li key={p.email}>
            {p.name} ({p.email}): {answerLine(p)}
          </li>
        ))}
      </ul>
      <p class="intro-reason">{intro.reason}</p>
      <ErrorBox error={error} />
      <div class="actions">
        {intro.status === "waiting" && (
          <Button kind="secondary" busy={busy} busyLabel="Cancelling…" onClick={cancel}>
            Cancel introduction
          </Button>
        )}
        {intro.status !== "waiting" && intro.status !== "introduced" && a.contact_id && b.contact_id && (
          <a class="button button-quiet" href={`/contacts/${a.contact_id}/introduce?to=${encodeURIComponent(b.contact_id)}`}>
            Ask again
          </a>
        )}
      </div>
    </li>
  );
}

export default function Introductions() {
  const list = useApi(() => introductions.list(), []);
  return (
    <section class="stack-lg">
      <p class="breadcrumb">
        <a href="/contacts">Contacts</a>
      </p>
      <h1 tabIndex={-1}>Introductions</h1>
      <p class="muted">
        Both people are asked first. Only when both say yes does each get the other's name and email address. To
        introduce someone, open their contact and choose “Introduce to…”.
      </p>
      {list.loading && !list.data && <Loading label="Loading your introductions…" />}
      <ErrorBox error={list.error}>
        <Button kind="secondary" onClick={list.reload}>
          Try again
        </Button>
      </ErrorBox>
      {list.data && list.data.items.length === 0 && (
        <div class="panel empty">
          <p>
            No introductions yet. <a href="/contacts">Open a contact</a> and choose “Introduce to…”.
          </p>
        </div>
      )}
      {list.data && list.data.total > list.data.items.length && (
        <p class="muted">
          The newest {list.data.items.length} of {list.data.total}.
        </p>
      )}
      {list.data && list.data.items.length > 0 && (
        <ul class="plain-list stack" aria-label="Your introductions">
          {list.data.items.map((intro) => (
            <Row key={intro.id} intro={intro} onChange={list.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}
