// The two fields of a look-for entry, shared by "add" and "edit": what kind it is (person,
// company, topic) and its words, with the server's message for the words next to them.
import type { ApiError } from "../../api";
import { KINDS, type LookForKind } from "../../look-for-api";

/** What to say when the words are left empty (the server says the same). */
export const BLANK = "Type who or what you are looking for: a name, a company or a topic.";

interface Props {
  /** Makes the ids unique when several forms are on the screen. */
  idPrefix: string;
  kind: LookForKind;
  text: string;
  error: ApiError | null;
  onKind: (kind: LookForKind) => void;
  onText: (text: string) => void;
}

export function LookForFields({ idPrefix, kind, text, error, onKind, onText }: Props) {
  const problem = error?.fieldMessage("text");
  const example = KINDS.find((k) => k.kind === kind)?.example;
  return (
    <>
      <fieldset class="capture-group">
        <legend>Kind</legend>
        <div class="segmented segmented-kinds">
          {KINDS.map((k) => (
            <button key={k.kind} type="button" class="segment" aria-pressed={kind === k.kind} onClick={() => onKind(k.kind)}>
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
          onInput={(e) => onText(e.currentTarget.value)}
        />
        {problem && (
          <p class="field-error" id={`${idPrefix}-text-error`}>
            {problem}
          </p>
        )}
      </div>
    </>
  );
}
