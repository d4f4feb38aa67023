// The draft's subject and message, edited in place, with what is wrong said at each field: a
// save the server refused, or an approval refused because the text still says "[link]" (said
// for as long as that field still does). Before that, a hint says to replace "[link]".
import type { RefObject } from "preact";
import type { ApiError } from "../../api";
import type { DraftEditor, EditState } from "./useDraftEditor";

const EDIT_STATE_TEXT: Record<EditState, string> = {
  idle: "",
  saving: "Saving…",
  saved: "Saved",
  queued: "Saved on this phone — syncs when online",
  error: "Not saved",
};

// What a draft says where a link is wanted and none was noted (services/followups/queue.py).
const LINK_MARKER = /\[\s*link\s*\]/i;

interface Props {
  editor: DraftEditor;
  /** The approval of this draft was refused for "[link]" (code link_missing), if it was. */
  refused: ApiError | null;
  subjectRef: RefObject<HTMLInputElement | null>;
  bodyRef: RefObject<HTMLTextAreaElement | null>;
}

export function DraftText({ editor, refused, subjectRef, bodyRef }: Props) {
  function problem(field: "subject" | "body", text: string): { message: string; alert: boolean } | null {
    const saving = editor.problem?.fieldMessage(field);
    if (saving) return { message: saving, alert: false };
    const linkRefused = LINK_MARKER.test(text) ? refused?.fieldMessage(field) : undefined;
    return linkRefused ? { message: linkRefused, alert: true } : null;
  }
  const subject = problem("subject", editor.subject);
  const body = problem("body", editor.body);
  const saysLink = !subject && !body && LINK_MARKER.test(`${editor.subject}\n${editor.body}`);

  return (
    <>
      <div class={subject ? "field field-invalid" : "field"}>
        <label for="review-subject">Subject</label>
        <input
          id="review-subject"
          ref={subjectRef}
          value={editor.subject}
          maxLength={300}
          aria-describedby={subject ? "review-subject-error" : undefined}
          onInput={(e) => editor.setSubject(e.currentTarget.value)}
          onBlur={editor.blur}
        />
        {subject && (
          <p class="field-error" id="review-subject-error" role={subject.alert ? "alert" : undefined}>
            {subject.message}
          </p>
        )}
      </div>
      <div class={body ? "field field-invalid" : "field"}>
        <label for="review-body">Message</label>
        <textarea
          id="review-body"
          ref={bodyRef}
          rows={9}
          value={editor.body}
          maxLength={10000}
          aria-describedby={body ? "review-body-error" : saysLink ? "review-body-hint" : undefined}
          onInput={(e) => editor.setBody(e.currentTarget.value)}
          onBlur={editor.blur}
        />
        {body && (
          <p class="field-error" id="review-body-error" role={body.alert ? "alert" : undefined}>
            {body.message}
          </p>
        )}
        {saysLink && (
          <p class="field-hint" id="review-body-hint">
            Paste the link where it says [link], or remove it, before you approve.
          </p>
        )}
        <p class="save-state" aria-live="polite">
          {EDIT_STATE_TEXT[editor.state]}
        </p>
      </div>
    </>
  );
}
