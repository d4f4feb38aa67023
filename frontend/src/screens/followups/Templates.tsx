// /follow-ups/templates: the default templates and mine; edit the subject and body with the
// allowed placeholders as chips that insert `{{ name }}`; the API refuses unknown ones (shown
// next to the field); preview against one of my contacts.
import { useRef, useState } from "preact/hooks";
import { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { TextField } from "../../components/Field";
import { Loading } from "../../components/Loading";
import { announce } from "../../components/Status";
import { people } from "../../contacts-api";
import { type Rendered, type Template, type TemplateKind, templates } from "../../followups-api";
import { useApi } from "../../hooks";
import "../../people.css";
import "../../followups.css";

const KIND_LABELS: Record<TemplateKind, string> = {
  resource: "Something I promised",
  conversation: "A good conversation",
  meet_again: "Meet again",
  introduction: "Introduction",
  custom: "My own",
};

const SHOWN = ["name", "subject", "body"];

interface Draft {
  id: string | null; // null: a new template, not saved yet
  kind: TemplateKind;
  name: string;
  subject: string;
  body: string;
}

function Editor({ start, onSaved, onClose }: { start: Draft; onSaved: () => void; onClose: () => void }) {
  const [draft, setDraft] = useState(start);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [picked, setContactId] = useState("");
  const [preview, setPreview] = useState<Rendered | null>(null);
  const [previewError, setPreviewError] = useState<ApiError | null>(null);
  const placeholders = useApi(() => templates.placeholders(), []);
  const contacts = useApi(() => people.contacts({ sort: "name", limit: 200 }), []);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const lastField = useRef<"subject" | "body">("body");

  // The first contact until the user picks one: derived, so a pick is never overwritten.
  const contactId = picked || contacts.data?.items[0]?.id || "";

  /** Put `{{ name }}` where the cursor was in the field last used. */
  function insert(name: string) {
    const field = lastField.current;
    const el = field === "subject" ? subjectRef.current : bodyRef.current;
    const token = `{{ ${name} }}`;
    const value = draft[field];
    const from = el?.selectionStart ?? value.length;
    const to = el?.selectionEnd ?? value.length;
    setDraft({ ...draft, [field]: value.slice(0, from) + token + value.slice(to) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(from + token.length, from + token.length);
    });
  }

  async function save(event: Event) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const data = { kind: draft.kind, name: draft.name, subject: draft.subject, body: draft.body };
      if (draft.id) await templates.update(draft.id, data);
      else await templates.create(data);
      announce("Template saved.", "success");
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    } finally {
      setSaving(false);
    }
  }

  async function runPreview() {
    setPreviewError(null);
    try {
      setPreview(await templates.preview(contactId, draft.subject, draft.body));
    } catch (err) {
      setPreview(null);
      setPreviewError(err instanceof ApiError ? err : null);
    }
  }

  const fieldError = (name: string) => error?.fieldMessage(name);
  return (
    <form class="panel stack template-editor" onSubmit={save} aria-labelledby="tpl-editor-title">
      <h2 id="tpl-editor-title">{draft.id ? `Edit “${start.name}”` : "New template"}</h2>
      <TextField label="Name" value={draft.name} maxLength={100} required error={fieldError("name")} onValue={(name) => setDraft({ ...draft, name })} />
      <div class={fieldError("subject") ? "field field-invalid" : "field"}>
        <label for="tpl-subject">Subject</label>
        <input
          id="tpl-subject"
          ref={subjectRef}
          value={draft.subject}
          maxLength={300}
          aria-invalid={fieldError("subject") ? true : undefined}
          aria-describedby={fieldError("subject") ? "tpl-subject-error" : undefined}
          onFocus={() => (lastField.current = "subject")}
          onInput={(e) => {
            setDraft({ ...draft, subject: e.currentTarget.value });
            setError(null);
          }}
        />
        {fieldError("subject") && <p class="field-error" id="tpl-subject-error">{fieldError("subject")}</p>}
      </div>
      <div class={fieldError("body") ? "field field-invalid" : "field"}>
        <label for="tpl-body">Message</label>
        <textarea
          id="tpl-body"
          ref={bodyRef}
          rows={10}
          value={draft.body}
          maxLength={10000}
          aria-invalid={fieldError("body") ? true : undefined}
          aria-describedby={fieldError("body") ? "tpl-body-error" : undefined}
          onFocus={() => (lastField.current = "body")}
          onInput={(e) => {
            setDraft({ ...draft, body: e.currentTarget.value });
            setError(null);
          }}
        />
        {fieldError("body") && <p class="field-error" id="tpl-body-error">{fieldError("body")}</p>}
      </div>
      <div>
        <p class="label-like" id="tpl-ph-title">Insert a placeholder</p>
        <p class="field-hint">Goes where the cursor is. Nothing else in double braces is allowed.</p>
        <ul class="chips" aria-labelledby="tpl-ph-title">
          {placeholders.data?.map((p) => (
            <li key={p.name}>
              <button type="button" class="chip chip-insert" title={p.description} aria-label={`Insert ${p.name}: ${p.description}`} onClick={() => insert(p.name)}>
                {p.name}
              </button>
            </li>
          ))}
        </ul>
      </div>
      {/* Problems with a field are shown next to it; the box is for anything else. */}
      <ErrorBox error={error && error.fields.length > 0 && error.fields.every((f) => SHOWN.includes(f.field)) ? null : error} shownFields={SHOWN} />
      <div class="actions">
        <Button type="submit" busy={saving} busyLabel="Saving…">
          Save template
        </Button>
        <Button kind="quiet" onClick={onClose}>
          Close
        </Button>
      </div>

      <section class="stack preview" aria-labelledby="tpl-preview-title">
        <h3 id="tpl-preview-title">Preview</h3>
        {contacts.data && contacts.data.items.length === 0 ? (
          <p class="muted">Add a contact to see a preview with real details.</p>
        ) : (
          <div class="preview-row">
            <div class="field">
              <label for="tpl-contact">For</label>
              <select id="tpl-contact" value={contactId} onChange={(e) => setContactId(e.currentTarget.value)}>
                {contacts.data?.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <Button kind="secondary" disabled={!contactId} onClick={runPreview}>
              Show preview
            </Button>
          </div>
        )}
        <ErrorBox error={previewError} />
        {preview && (
          <div class="rendered" aria-live="polite">
            <p class="rendered-subject">{preview.subject}</p>
            <p class="rendered-body">{preview.body}</p>
          </div>
        )}
      </section>
    </form>
  );
}

export default function Templates() {
  const list = useApi(() => templates.list(), []);
  const [editing, setEditing] = useState<Draft | null>(null);

  const open = (t: Template) => setEditing({ id: t.id, kind: t.kind, name: t.name, subject: t.subject, body: t.body });
  return (
    <section class="stack-lg">
      <h1 tabIndex={-1}>Templates</h1>
      <p class="muted">
        Drafts are made from these after an event. <a href="/follow-ups">Back to follow-ups</a>
      </p>
      {list.loading && !list.data && <Loading label="Loading templates…" />}
      <ErrorBox error={list.error} />
      {editing && (
        <Editor
          key={editing.id ?? "new"}
          start={editing}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
          onClose={() => setEditing(null)}
        />
      )}
      {list.data && (
        <ul class="plain-list panel tpl-list">
          {list.data.map((t) => (
            <li key={t.id} class="tpl-row">
              <div>
                <p class="tpl-name">{t.name}</p>
                <p class="muted small">{KIND_LABELS[t.kind] ?? t.kind}</p>
              </div>
              <Button kind="secondary" onClick={() => open(t)} aria-label={`Edit ${t.name}`}>
                Edit
              </Button>
            </li>
          ))}
        </ul>
      )}
      {!editing && (
        <Button kind="secondary" onClick={() => setEditing({ id: null, kind: "custom", name: "", subject: "", body: "" })}>
          New template
        </Button>
      )}
    </section>
  );
}
