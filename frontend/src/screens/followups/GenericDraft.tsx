// On a draft that mentions nothing of the conversation: says so, says what it could mention, and
// adds one of those in a tap (a topic, a personal detail, a promise or a next step), which notes
// it on the contact and has the server write the draft again with it.
import { useState } from "preact/hooks";
import { ApiError } from "../../api";
import { Button } from "../../components/Button";
import { ErrorBox } from "../../components/ErrorBox";
import { LiveSentence } from "../../components/people/LiveSentence";
import { type FactPart, type FollowUp, followUps } from "../../followups-api";

const KINDS = [
  { value: "family", label: "Family event" },
  { value: "trip", label: "Trip" },
  { value: "hobby", label: "Hobby" },
  { value: "milestone", label: "Milestone" },
];
const HINTS: Record<FactPart, string> = {
  topic: "battery recycling",
  detail: "Daughter graduates in June",
  promise: "Send the slides",
  next_step: "Coffee next month",
};

/** "a, b or c" */
function listed(labels: string[]): string {
  return labels.length < 2 ? labels.join("") : `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

interface Props {
  item: FollowUp;
  /** Save what is typed in the draft first. */
  beforeAdding: () => Promise<void>;
  onAdded: (fresh: FollowUp) => void;
}

export function GenericDraft({ item, beforeAdding, onAdded }: Props) {
  const [part, setPart] = useState<FactPart | null>(null);
  const [text, setText] = useState("");
  const [kind, setKind] = useState("family");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function add(event: Event) {
    event.preventDefault();
    if (!part || !text.trim()) return;
    setBusy(true);
    try {
      await beforeAdding();
      const fresh = await followUps.addToDraft(item.id, {
        part,
        text: text.trim(),
        kind: part === "detail" ? kind : null,
      });
      setPart(null);
      setText("");
      setError(null);
      onAdded(fresh);
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    } finally {
      setBusy(false);
    }
  }

  const choice = item.missing.find((m) => m.part === part);
  return (
    <div class="generic-draft" role="note" aria-labelledby={`generic-${item.id}`}>
      <p id={`generic-${item.id}`}>
        <strong class="generic-badge">Generic</strong> This draft mentions nothing from your
        conversation. Add {listed(item.missing.map((m) => m.label))}:
      </p>
      <div class="chips">
        {item.missing.map((m) => (
          <button key={m.part} type="button" class="chip" aria-pressed={part === m.part} onClick={() => setPart(m.part)}>
            + {m.label[0].toUpperCase() + m.label.slice(1)}
          </button>
        ))}
      </div>
      {part && choice && (
        <form class="stack generic-add" onSubmit={add}>
          {part === "detail" && (
            <div class="field">
              <label for="generic-kind">Kind</label>
              <select id="generic-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
                {KINDS.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div class="field">
            <label for="generic-text">{choice.label[0].toUpperCase() + choice.label.slice(1)}</label>
            <input id="generic-text" value={text} maxLength={500} placeholder={HINTS[part]} onInput={(e) => setText(e.currentTarget.value)} />
            <LiveSentence input={{ part, text, kind: part === "detail" ? kind : null, contact_id: item.contact.id }} />
          </div>
          <ErrorBox error={error} />
          <Button type="submit" busy={busy} busyLabel="Adding…" disabled={!text.trim()}>
            Add to the draft
          </Button>
        </form>
      )}
    </div>
  );
}
