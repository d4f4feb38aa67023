// /contacts/:id/introduce (?to=<contact id>): introduce this contact to another of mine. I pick
// the other person and say why they should meet; both are asked by email first. Both need an
// email address: one without is named on the form with a link to their email field, and what I
// typed is kept for this tab, so it is here again when I come back.
import { useState } from "preact/hooks";
import { type ApiError, fieldProblem } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { LoadFailed } from "../../components/LoadFailed";
import { Loading } from "../../components/Loading";
import { roleLine } from "../../components/people/PersonCard";
import { announce } from "../../components/Status";
import { type ContactSummary, people } from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";
import { introductions, REASON_MAX } from "../../introductions-api";
import "../../people.css";
import "../../introductions.css";
import { navigate, type ScreenProps } from "../../router";

interface Draft {
  to: string;
  reason: string;
}

const draftKey = (contactId: string) => `rapport.introduce.${contactId}`;

function readDraft(contactId: string): Draft {
  try {
    const kept = JSON.parse(sessionStorage.getItem(draftKey(contactId)) ?? "{}") as Partial<Draft>;
    return { to: String(kept.to ?? ""), reason: String(kept.reason ?? "") };
  } catch {
    return { to: "", reason: "" };
  }
}

function keepDraft(contactId: string, draft: Draft): void {
  try {
    sessionStorage.setItem(draftKey(contactId), JSON.stringify(draft));
  } catch {
    // Storage full or off: the form still works, it just forgets on reload.
  }
}

/** Where the contact's email field is, coming back here once it is saved. */
function emailFieldUrl(contactId: string, back: string): string {
  return `/contacts/${encodeURIComponent(contactId)}?edit=1&field=email&back=${encodeURIComponent(back)}`;
}

function NoEmail({ contact, back, id }: { contact: ContactSummary; back: string; id?: string }) {
  const name = contact.name || "This contact";
  return (
    <p class="intro-no-email" id={id}>
      {name} has no email address, and both are asked by email first.{" "}
      <a href={emailFieldUrl(contact.id, back)}>Add an email address for {name}</a>
    </p>
  );
}

function optionLabel(contact: ContactSummary): string {
  const role = roleLine(contact);
  const name = contact.name || "Unnamed contact";
  return `${name}${role ? ` (${role})` : ""}${contact.email ? "" : " – no email address"}`;
}

export default function Introduce({ params, query }: ScreenProps) {
  const contact = useApi(() => people.contact(params.id), [params.id]);
  const everyone = useApi(() => introductions.allContacts(), []);
  // What I typed or picked: the kept draft, or the person named in the link. Read once, when
  // the screen opens; never overwritten by anything that loads afterwards.
  const [draft, setDraft] = useState<Draft>(() => {
    const kept = readDraft(params.id);
    return { to: query.get("to") || kept.to, reason: kept.reason };
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  function change(next: Partial<Draft>) {
    setDraft((before) => {
      const merged = { ...before, ...next };
      keepDraft(params.id, merged);
      return merged;
    });
  }

  if (contact.loading && !contact.data) return <Loading label="Loading contact…" />;
  if (!contact.data) {
    return (
      <LoadFailed
        title={contact.error?.status === 404 ? "No such contact" : "This contact could not load"}
        error={contact.error}
        onRetry={contact.reload}
        back={{ href: "/contacts", label: "All contacts" }}
      />
    );
  }
  const me = contact.data;
  const name = me.name || "this contact";
  const others = (everyone.data ?? []).filter((c) => c.id !== me.id);
  const other = others.find((c) => c.id === draft.to);
  const here = `/contacts/${me.id}/introduce${draft.to ? `?to=${encodeURIComponent(draft.to)}` : ""}`;

  async function submit(event: Event) {
    event.preventDefault();
    if (!draft.to) {
      setError(fieldProblem("other_contact_id", `Pick who to introduce ${name} to.`));
      return;
    }
    if (!draft.reason.trim()) {
      setError(fieldProblem("reason", "Say why they should meet: both of them will read it."));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await introductions.create({ contact_id: me.id, other_contact_id: draft.to, reason: draft.reason.trim() });
      sessionStorage.removeItem(draftKey(me.id));
      announce(`Asked ${me.name} and ${other?.name ?? "them"}. Their answers will show under Introductions.`, "success");
      navigate("/introductions");
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="stack-lg">
      <p class="breadcrumb">
        <a href={`/contacts/${me.id}`}>Back to {me.name || "the contact"}</a>
      </p>
      <form class="panel stack intro-form" onSubmit={submit} noValidate aria-labelledby="introduce-title">
        <h1 id="introduce-title" tabIndex={-1}>
          Introduce {me.name || "this contact"} to…
        </h1>
        <p class="muted">
          Rapport emails both of them your reason and a link to answer. Only when both say yes does each get the
          other's name and email address. Requests expire after 14 days.
        </p>
        {!me.email && <NoEmail contact={me} back={here} />}
        <ErrorBox error={error} shownFields={["other_contact_id", "reason"]} />
        <div class={error?.fieldMessage("other_contact_id") ? "field field-invalid" : "field"}>
          <label for="introduce-to">Introduce to</label>
          {everyone.loading && !everyone.data ? (
            <Loading label="Loading your contacts…" />
          ) : (
            <select
              id="introduce-to"
              name="other_contact_id"
              value={draft.to}
              aria-invalid={error?.fieldMessage("other_contact_id") ? true : undefined}
              aria-describedby={other && !other.email ? "introduce-to-email" : undefined}
              onChange={(e) => change({ to: e.currentTarget.value })}
            >
              <option value="">Pick a contact</option>
              {others.map((c) => (
                <option key={c.id} value={c.id}>
                  {optionLabel(c)}
                </option>
              ))}
            </select>
          )}
          {everyone.error && <ErrorBox error={everyone.error}><Button kind="secondary" onClick={everyone.reload}>Try again</Button></ErrorBox>}
          {everyone.data && others.length === 0 && (
            <p class="field-hint">
              You have nobody else among your contacts yet. <a href="/contacts">Add a contact</a> first.
            </p>
          )}
          {other && !other.email && <NoEmail contact={other} back={here} id="introduce-to-email" />}
          {error?.fieldMessage("other_contact_id") && <p class="field-error">{error.fieldMessage("other_contact_id")}</p>}
        </div>
        <div class={error?.fieldMessage("reason") ? "field field-invalid" : "field"}>
          <label for="introduce-reason">Why should they meet?</label>
          <p class="field-hint" id="introduce-reason-hint">
            Both read this as you write it: what they have in common, or what they could do for each other.
          </p>
          <textarea
            id="introduce-reason"
            name="reason"
            rows={5}
            maxLength={REASON_MAX}
            value={draft.reason}
            aria-invalid={error?.fieldMessage("reason") ? true : undefined}
            aria-describedby="introduce-reason-hint introduce-reason-count"
            onInput={(e) => change({ reason: e.currentTarget.value })}
          />
          <p class="field-hint intro-count" id="introduce-reason-count">
            {draft.reason.length} of {REASON_MAX} characters
          </p>
          {error?.fieldMessage("reason") && <p class="field-error">{error.fieldMessage("reason")}</p>}
        </div>
        <div class="actions">
          <Button type="submit" busy={busy} busyLabel="Asking them…">
            Ask both
          </Button>
          <a class="button button-secondary" href="/introductions">
            Your introductions
          </a>
        </div>
      </form>
    </section>
  );
}
