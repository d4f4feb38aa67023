// A labelled form field with its hint and error text wired up for screen readers.
import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useId } from "preact/hooks";

interface FieldFrameProps {
  label: string;
  hint?: ComponentChildren;
  error?: string;
  children: (ids: { id: string; describedBy: string | undefined }) => ComponentChildren;
}

function FieldFrame({ label, hint, error, children }: FieldFrameProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, describedBy })}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

interface InputProps {
  label: string;
  hint?: ComponentChildren;
  error?: string;
  value: string;
  onValue: (value: string) => void;
  type?: "text" | "email" | "search" | "url" | "tel" | "datetime-local" | "date" | "time";
  name?: string;
  required?: boolean;
  maxLength?: number;
  placeholder?: string;
  autoComplete?: string;
  autoCapitalize?: "none" | "sentences" | "words" | "characters";
  inputMode?: "text" | "email" | "search" | "url" | "tel" | "numeric" | "decimal";
  spellcheck?: boolean;
}

/** A text-like <input> (text, email, search, datetime-local …). */
export function TextField({ label, hint, error, value, onValue, type = "text", ...input }: InputProps) {
  // Preact types <input> as a union keyed by `type`; one component serves several types.
  const attributes = { ...input, type } as InputHTMLAttributes<HTMLInputElement>;
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {({ id, describedBy }) => (
        <input
          {...attributes}
          id={id}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
      )}
    </FieldFrame>
  );
}

interface SelectProps {
  label: string;
  hint?: ComponentChildren;
  error?: string;
  value: string;
  options: string[];
  onValue: (value: string) => void;
  name?: string;
  required?: boolean;
}

/** A <select> over plain string options. */
export function SelectField({ label, hint, error, value, options, onValue, ...rest }: SelectProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {({ id, describedBy }) => (
        <select
          {...rest}
          id={id}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onValue(e.currentTarget.value)}
        >
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
