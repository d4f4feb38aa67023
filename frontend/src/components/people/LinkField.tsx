// "Link to send": the address field of a promise, with its problem said beneath it.
interface Props {
  id: string;
  value: string;
  /** What is wrong with it, "" when nothing (or not yet worth saying). */
  problem: string;
  placeholder?: string;
  onValue: (value: string) => void;
  onBlur?: () => void;
}

export function LinkField({ id, value, problem, placeholder = "https://…", onValue, onBlur }: Props) {
  return (
    <div class={problem ? "field field-invalid" : "field"}>
      <label for={id}>Link to send</label>
      <input
        id={id}
        type="url"
        inputMode="url"
        autoCapitalize="none"
        spellcheck={false}
        maxLength={2000}
        placeholder={placeholder}
        value={value}
        aria-describedby={problem ? `${id}-error` : undefined}
        onInput={(e) => onValue(e.currentTarget.value)}
        onBlur={onBlur}
      />
      {problem && (
        <p class="field-error" id={`${id}-error`}>
          {problem}
        </p>
      )}
    </div>
  );
}
