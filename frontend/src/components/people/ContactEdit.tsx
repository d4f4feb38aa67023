// Editing my copy of a contact: every field PATCH /contacts/{id} takes. Only the fields I
// changed are sent, because a changed field becomes mine (it no longer follows the person's
// own card); the server judges the values and names the field of each problem, shown next to
// it, and nothing typed is lost on an error.
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { api, type ApiError } from "../../api";
import { type Contact, type ContactPatch, type ContactSummary, people } from "../../contacts-api";
import { asApiError, useApi } from "../../hooks";
import { Button } from "../Button";
import { ErrorBox } from "../ErrorBox";
import { TextField } from "../Field";
import { announce } from "../Status";

type TextName = "name" | "title" | "company" | "email" | "phone" | "linkedin_url" | "website";

const TEXT_FIELDS: { name: TextName; label: string; type?: "email" | "tel" | "url"; max: number; hint?: string }[] = [
  { name: "name", label: "Name", max: 200 },
  { name: "title", label: "Title", max: 200 },
  { name: "company", label: "Company", max: 200 },
  { name: "email", label: "Email", type: "email", max: 320 },
  { name: "phone", label: "Phone", type: "tel", max: 40, hint: "With the country code, e.g. +44 20 7946 0018" },
  { name: "linkedin_url", label: "LinkedIn", type: "url", max: 300, hint: "linkedin.com/in/their-name" },
  { name: "website", label: "Website", type: "url", max: 500 },
];
const SHOWN = [...TEXT_FIELDS.map((f) => f.name), "event_id", "met_at"];
const NO_EVENT = "Not at an event";

/** "2026-11-22T09:41" in this phone's time zone, for a datetime-local input. */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

type Values = Record<TextName, string> & { event_id: string; met_at: string };

function valuesOf(contact: ContactSummary): Values {
  const text = Object.fromEntries(TEXT_FIELDS.map((f) => [f.name, contact[f.name]])) as Record<TextName, string>;
  return { ...text, event_id: contact.event_id ?? "", met_at: localInput(contact.met_at) };
}

/** What differs from the contact as loaded: the PATCH body. */
function changes(before: Values, now: Values): ContactPatch {
  const patch: ContactPatch = {};
  for (const { name } of TEXT_FIELDS) if (now[name].trim() !== before[name].trim()) patch[name] = now[name].trim();
  if (now.event_id !== before.event_id) patch.event_id = now.event_id || null;
  if (now.met_at && now.met_at !== before.met_at) patch.met_at = new Date(now.met_at).toISOString();
  return patch;
}

interface Props {
  contact: ContactSummary;
  /** A field to start in (the review queue links here to add a missing email). */
  focus?: string | null;
  onSaved: (saved: Contact) => void;
  onCancel: () => void;
}

export function ContactEdit({ contact, focus, onSaved, onCancel }: Props) {
  const initial = useRef(valuesOf(contact));
  const [values, setValues] = useState<Values>(initial.current);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const formId = useId();
  const events = useApi(() => api.myEvents(), []);

  useEffect(() => {
    const field = focus && SHOWN.includes(focus) ? focus : "name";
    form.current?.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
  }, [focus]);

  const set = (name: keyof Values) => (value: string) => setValues((v) => ({ ...v, [name]: value }));

  async function save(event: Event) {
    event.preventDefault();
    const patch = changes(initial.current, values);
    if (Object.keys(patch).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const saved = await people.patchContact(contact.id, patch);
      announce(`${saved.name || "The contact"} is saved.`, "success");
      onSaved(saved);
    } catch (err) {
      const problem = asApiError(err);
      setError(problem);
      // Take the person to the first field the server named (the text stays as typed).
      const first = problem.fields.find((f) => SHOWN.includes(f.field));
      if (first) form.current?.querySelector<HTMLElement>(`[name="${first.field}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  // By id, not name: two events may share a name (this year's DevConf and last year's).
  const eventOptions = [{ id: "", name: NO_EVENT }, ...(events.data?.items ?? [])];
  if (!eventOptions.some((ev) => ev.id === values.event_id)) {
    eventOptions.push({ id: values.event_id, name: contact.event_name ?? "Another event" });
  }

  return (
    <form ref={form} class="panel stack contact-edit" onSubmit={save} noValidate aria-labelledby="edit-title">
      <h1 id="edit-title" tabIndex={-1}>
        Edit {contact.name || "contact"}
      </h1>
      {contact.person_id !== null && (
        <p class="muted">What you change here stays as you typed it, even when they update their own card.</p>
      )}
      <ErrorBox error={error} shownFields={SHOWN} />
      {TEXT_FIELDS.map((f) => (
        <TextField
          key={f.name}
          label={f.label}
          name={f.name}
          type={f.type}
          hint={f.hint}
          maxLength={f.max}
          value={values[f.name]}
          onValue={set(f.name)}
          error={error?.fieldMessage(f.name)}
          autoComplete="off"
          autoCapitalize={f.type ? "none" : undefined}
          spellcheck={f.type ? false : undefined}
        />
      ))}
      <div class={error?.fieldMessage("event_id") ? "field field-invalid" : "field"}>
        <label for={`${formId}-event`}>Where we met</label>
        <select
          id={`${formId}-event`}
          name="event_id"
          value={values.event_id}
          onChange={(e) => set("event_id")(e.currentTarget.value)}
        >
          {eventOptions.map((ev) => (
            <option key={ev.id} value={ev.id}>
              {ev.name}
            </option>
          ))}
        </select>
        {error?.fieldMessage("event_id") && <p class="field-error">{error.fieldMessage("event_id")}</p>}
      </div>
      <TextField
        label="When we met"
        name="met_at"
        type="datetime-local"
        value={values.met_at}
        onValue={set("met_at")}
        error={error?.fieldMessage("met_at")}
      />
      <div class="actions">
        <Button type="submit" busy={busy} busyLabel="Saving…">
          Save changes
        </Button>
        <Button kind="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
