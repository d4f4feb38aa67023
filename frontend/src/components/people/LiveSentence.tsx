// The sentence the default follow-up will make of what is being typed ("P.S. I hope your
// daughter's graduation in June goes well."), shown live under the field. The wording comes from
// the server (services/followups/wording.py, the one place it is made), asked a moment after
// typing stops; offline, nothing is shown.
import { useEffect, useState } from "preact/hooks";
import { type SentenceInput, templates } from "../../followups-api";

const PAUSE_MS = 300;

export function LiveSentence({ input, id }: { input: SentenceInput; id?: string }) {
  const [said, setSaid] = useState<{ sentence: string; note: string }>({ sentence: "", note: "" });
  const { part, text, kind, link, contact_id } = input;

  useEffect(() => {
    if (!text.trim()) {
      setSaid({ sentence: "", note: "" });
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      templates
        .sentence({ part, text, kind: kind ?? null, link: link ?? "", contact_id })
        .then((answer) => current && setSaid(answer))
        .catch(() => current && setSaid({ sentence: "", note: "" }));
    }, PAUSE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [part, text, kind, link, contact_id]);

  if (!said.sentence && !said.note) return null;
  return (
    <p class="live-sentence" id={id} aria-live="polite">
      {said.sentence ? (
        <>
          <span class="live-sentence-label">In the draft: </span>
          <q>{said.sentence}</q>
        </>
      ) : (
        said.note
      )}
    </p>
  );
}
