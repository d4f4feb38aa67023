// Add a contact by typing: a name (and an email or company if I have them). When the email
// matches someone I have, offer to merge into that contact or keep both.
import { useRef, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { duplicateOf, newId, type OnDuplicate, people } from "../../contacts-api";
import { asApiError } from "../../hooks";
import { enqueue } from "../../outbox/outbox";
import { navigate } from "../../router";
import { Button } from "../Button";
import { ErrorBox } from "../ErrorBox";
import { TextField } from "../Field";
import { announce } from "../Status";
import { DuplicateOffer } from "./DuplicateOffer";

const FIELDS = ["name", "company", "email"];

export function AddContact({ defaultEventId }: { defaultEventId?: string }) {
  const [name, setName] = useState("");
  const [company, setCompany] = useState("");
  const [email, setEmail] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [duplicate, setDuplicate] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The same id for retries of this one person: a lost answer cannot add them twice.
  const id = useRef(newId());

  async function save(onDuplicate: OnDuplicate = "offer") {
    setBusy(true);
    setError(null);
    try {
      const answer = await people.addContact({
        id: id.current,
        name: name.trim(),
        company: company.trim(),
        email: email.trim(),
        event_id: defaultEventId || null,
        on_duplicate: onDuplicate,
        merge_into: onDuplicate === "merge" && duplicate ? duplicate : undefined,
      });
      announce(
        answer.created ? `${answer.contact.name} is added.` : `Merged into ${answer.contact.name}.`,
        "success",
      );
      for (const warning of answer.warnings) announce(warning);
      id.current = newId();
      navigate(`/contacts/${answer.contact.id}/note`);
    } catch (err) {
      const existing = duplicateOf(err);
      const problem = asApiError(err);
      if (existing) setDuplicate(existing);
      else if (problem.status === 0 && name.trim()) {
        // Offline: keep the contact in the outbox under its id (a possible duplicate is named
        // when it syncs) and go on to the note, which the outbox sends after it.
        const contactId = id.current;
        await enqueue(
          "contact.create",
          {
            id: contactId,
            name: name.trim(),
            company: company.trim(),
            email: email.trim(),
            event_id: defaultEventId || null,
            met_at: new Date().toISOString(),
            on_duplicate: "create",
          },
          `Contact ${name.trim()}`,
        );
        announce(`${name.trim()} is saved on this phone; it syncs when you are online.`, "success");
        id.current = newId();
        navigate(`/contacts/${contactId}/note`);
      } else setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <ErrorBox error={error} shownFields={FIELDS} />
      <TextField label="Name" name="name" required maxLength={200} value={name} onValue={setName} error={error?.fieldMessage("name")} autoComplete="off" />
      <TextField label="Company (optional)" name="company" maxLength={200} value={company} onValue={setCompany} error={error?.fieldMessage("company")} autoComplete="off" />
      <TextField label="Email (optional)" name="email" type="email" maxLength={320} value={email} onValue={setEmail} error={error?.fieldMessage("email")} autoComplete="off" />
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
          <Button type="submit" busy={busy} busyLabel="Adding…">
            Add contact
          </Button>
        </div>
      )}
    </form>
  );
}
