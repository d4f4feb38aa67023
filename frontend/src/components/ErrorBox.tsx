// How an API error is shown: the server's plain-words detail, any problems it listed that do
// not belong to a field on the screen, and a way to try again where that can help.
import type { ComponentChildren } from "preact";
import type { ApiError } from "../api";

interface Props {
  error: ApiError | undefined | null;
  /** Field names shown next to their inputs, so not listed again here. */
  shownFields?: string[];
  /** A way to try again ("Try again"): left out when asking again would get the same answer
   *  (a 4xx other than 408 and 429: not found, not yours, refused). */
  children?: ComponentChildren;
  /** What to do about it (a link to where it is fixed), shown whatever the error. */
  remedy?: ComponentChildren;
}

/** "starts_at" or "interests.2" as a person would name it: "Starts at", "Interests". */
function fieldLabel(field: string): string {
  const words = field.split(".")[0].replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function ErrorBox({ error, shownFields = [], children, remedy }: Props) {
  if (!error) return null;
  const others = error.fields.filter((f) => !shownFields.includes(f.field));
  // One problem that the detail already says (the server repeats it there) needs no list.
  const listed = others.length === 1 && others[0].message === error.detail ? [] : others;
  return (
    <div class="error-box" role="alert">
      <p>{error.detail}</p>
      {listed.length > 0 && (
        <ul>
          {listed.map((f, i) => (
            <li key={i}>
              {f.field ? `${fieldLabel(f.field)}: ` : ""}
              {f.message}
            </li>
          ))}
        </ul>
      )}
      {remedy}
      {error.retryable && children}
    </div>
  );
}
