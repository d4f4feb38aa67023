// How an API error is shown: the server's plain-words detail, and any problems it listed
// that do not belong to a field on the screen.
import type { ComponentChildren } from "preact";
import type { ApiError } from "../api";

interface Props {
  error: ApiError | undefined | null;
  /** Field names shown next to their inputs, so not listed again here. */
  shownFields?: string[];
  children?: ComponentChildren;
}

export function ErrorBox({ error, shownFields = [], children }: Props) {
  if (!error) return null;
  const others = error.fields.filter((f) => !shownFields.includes(f.field));
  return (
    <div class="error-box" role="alert">
      <p>{error.detail}</p>
      {others.length > 0 && (
        <ul>
          {others.map((f, i) => (
            <li key={i}>
              {f.field ? `${f.field}: ` : ""}
              {f.message}
            </li>
          ))}
        </ul>
      )}
      {children}
    </div>
  );
}
