// A scanned vCard, MECARD or LinkedIn profile: what it says, then "Save contact". When the
// email or LinkedIn matches someone I have, offer to merge into them or keep both.
import { useRef, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { duplicateOf, newId, type OnDuplicate, people } from "../../contacts-api";
import { asApiError } from "../../hooks";
import { navigate } from "../../router";
import { Button } from "../Button";
import { ErrorBox } from "../ErrorBox";
import { announce } from "../Status";
import { DuplicateOffer } from "./DuplicateOffer";
import { previewFields } from "./previewCard";

interface Props {
  kind: "vcard" | "mecard" | "linkedin";
  payload: string;
  onDone: () => void;
}

const TITLES = {
  vcard: "Contact card scanned",
  mecard: "Contact card scanned",
  linkedin: "LinkedIn profile scanned",
};

export function ImportPreview({ kind, payload, onDone }: Props) {
  const [error, setError] = useState<ApiError | null>(null);
  const [duplicate, setDuplicate] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useRef(newId());
  const fields = kind === "linkedin" ? [{ label: "Profile", value: payload }] : previewFields(kind, payload);

  async function save(onDuplicate: OnDuplicate = "offer") {
    setBusy(true);
    setError(null);
    try {
      const answer = await people.importContact({
        payload,
        id: id.current,
        on_duplicate: onDuplicate,
        merge_into: onDuplicate === "merge" && duplicate ? duplicate : undefined,
      });
      announce(
        answer.created ? `${answer.contact.name || "The contact"} is saved.` : `Merged into ${answer.contact.name}.`,
        "success",
      );
      for (const warning of answer.warnings) announce(warning);
      navigate(`/contacts/${answer.contact.id}/note`);
    } catch (err) {
      const existing = duplicateOf(err);
      if (existing) setDuplicate(existing);
      else setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel stack import-preview" aria-labelledby="import-title">
      <h2 id="import-title">{TITLES[kind]}</h2>
      {fields.length > 0 ? (
        <dl class="person-card-fields">
          {fields.map((f, i) => (
            <div key={i}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>This card shows no name or details we can read. You can still try to save it.</p>
      )}
      <ErrorBox error={error} />
      {duplicate ? (
        <DuplicateOffer
          existingId={duplicate}
          busy={busy}
          onMerge={() => void save("merge")}
          onKeepBoth={() => void save("create")}
          onCancel={() => setDuplicate(null)}
        />
      ) : (
        <div class="actions">
          <Button onClick={() => void save()} busy={busy} busyLabel="Saving…">
            Save contact
          </Button>
          <Button kind="secondary" onClick={onDone} disabled={busy}>
            Scan again
          </Button>
        </div>
      )}
    </section>
  );
}
