// The form of a look-for entry, for adding and for editing: what kind it is (person, company,
// topic) and its words. What was typed stays until `onSubmit` succeeds, so a failed save (no
// connection, a duplicate) loses nothing; the server's message stands next to the words.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { type ApiError, fieldProblem } from "../../api";
import { asApiError } from "../../hooks";
import { KINDS, type LookForKind } from "../../look-for-api";
import { Button } from "../Button";
import { ErrorBox } from "../ErrorBox";

const BLANK = "Type who or what you are looking for: a name, a company or a topic.";

interface Props {
  /** Makes the ids unique when several forms are on the screen. */
  idPrefix: string;
  label: string;
  initialKind?: LookForKind;
  initialText?: string;
  submitLabel: string;
  busyLabel: string;
  /** Saves the entry; a rejection is shown and the form is left as it is. */
  onSubmit: (kind: LookForKind, text: string) => Promise<void>;
  /** Empty the words once saved (adding one after another). */
  clearWhenSaved?: boolean;
  /** Called when the kind or the words change. */
  onEdit?: () => void;
  /** Fields after the words (e.g. "only for this event"). */
  children?: ComponentChildren;
  /** Buttons after the submit button (e.g. "Cancel"). */
  actions?: ComponentChildren;
}

export function LookForForm(props: Props) {
  const { idPrefix, onSubmit, onEdit } = props;
  // Mounted with the entry (or empty), so from then on only the person's typing changes it.
  const [kind, setKind] = useState<LookForKind>(props.initialKind ?? "person");
  const [text, setText] = useState(props.initialText ?? "");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const problem = error?.fieldMessage("text");
  const example = KINDS.find((k) => k.kind === kind)?.example;

  async function submit(event: Event) {
    event.preventDefault();
    if (!text.trim()) {
      setError(fieldProblem("text", BLANK));
      document.getElementById(`${idPrefix}-text`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(kind, text);
      if (props.clearWhenSaved) setText("");
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="stack" onSubmit={submit} aria-label={props.label} noValidate>
      <ErrorBox error={error} shownFields={["text"]} />
      <fieldset class="capture-group">
        <legend>Kind</legend>
        <div class="segmented segmented-kinds">
          {KINDS.map((k) => (
            <button
              key={k.kind}
              type="button"
              class="segment"
              aria-pressed={kind === k.kind}
              onClick={() => {
                onEdit?.();
                setKind(k.kind);
              }}
            >
              {k.label}
            </button>
          ))}
        </div>
      </fieldset>
      <div class={problem ? "field field-invalid" : "field"}>
        <label for={`${idPrefix}-text`}>Who or what</label>
        <input
          id={`${idPrefix}-text`}
          value={text}
          maxLength={200}
          placeholder={example}
          autoComplete="off"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${idPrefix}-text-error` : undefined}
          onInput={(e) => {
            onEdit?.();
            setText(e.currentTarget.value);
          }}
        />
        {problem && (
          <p class="field-error" id={`${idPrefix}-text-error`}>
            {problem}
          </p>
        )}
      </div>
      {props.children}
      <div class="actions">
        <Button type="submit" busy={busy} busyLabel={props.busyLabel}>
          {props.submitLabel}
        </Button>
        {props.actions}
      </div>
    </form>
  );
}
