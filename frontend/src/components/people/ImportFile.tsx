// "Import a contact file (.vcf)": a phone's or Gmail's export, one card or many. The server
// imports every card or none; cards that look like someone I have are left out and offered
// here one by one (merge into that contact, or keep both), sending the same file again with
// that card's number and the choice.
import { useRef, useState } from "preact/hooks";
import type { ApiError } from "../../api";
import { type Contact, type FileDuplicate, type FileImport, people } from "../../contacts-api";
import { asApiError } from "../../hooks";
import { finished, type Job, resultOf } from "../../jobs-api";
import { Button } from "../Button";
import { ErrorBox } from "../ErrorBox";
import { announce } from "../Status";
import { DuplicateOffer } from "./DuplicateOffer";

const MAX_BYTES = 5 * 1024 * 1024; // the server's limit: say so before uploading on bad Wi-Fi
const ACCEPT = ".vcf,.vcard,text/vcard,text/x-vcard,text/directory";

interface Outcome {
  added: Contact[];
  merged: Contact[];
  offers: FileDuplicate[];
  warnings: string[];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function ImportFile({ onImported }: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<"file" | number | null>(null);
  const [progress, setProgress] = useState<Job<FileImport> | null>(null);

  /** The import runs as a background job: follow it to its report. */
  async function imported(chosen: File, choice?: Parameters<typeof people.importFile>[1]) {
    const started = await people.importFile(chosen, choice);
    try {
      return resultOf(await finished(started, setProgress));
    } finally {
      setProgress(null);
    }
  }

  async function upload(chosen: File) {
    setFile(chosen);
    setOutcome(null);
    setError(null);
    if (chosen.size > MAX_BYTES) {
      setError(asApiError(new Error("This file is larger than 5 MB. Export fewer contacts at once.")));
      return;
    }
    setBusy("file");
    try {
      const answer = await imported(chosen);
      setOutcome({ added: answer.created, merged: answer.merged, offers: answer.duplicate_cards, warnings: answer.warnings });
      announce(summary(answer), answer.created.length > 0 ? "success" : "info");
      onImported();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  }

  async function decide(offer: FileDuplicate, choice: "merge" | "create") {
    if (!file || !outcome) return;
    setBusy(offer.card);
    setError(null);
    try {
      const answer = await imported(file, { on_duplicate: choice, cards: [offer.card] });
      setOutcome({
        added: [...outcome.added, ...answer.created],
        merged: [...outcome.merged, ...answer.merged],
        offers: outcome.offers.filter((o) => o.card !== offer.card),
        warnings: outcome.warnings,
      });
      announce(choice === "merge" ? `${offer.name}: merged into your contact.` : `${offer.name} is added.`, "success");
      onImported();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  }

  function leaveOut(offer: FileDuplicate) {
    if (outcome) setOutcome({ ...outcome, offers: outcome.offers.filter((o) => o.card !== offer.card) });
  }

  return (
    <section class="panel stack import-file" aria-labelledby="import-file-title">
      <h2 id="import-file-title">Import a contact file</h2>
      <p class="muted">A .vcf file from your phone, Gmail or Outlook, with one contact or many.</p>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        hidden
        onChange={(e) => {
          const chosen = e.currentTarget.files?.[0];
          e.currentTarget.value = ""; // choosing the same file again still imports it
          if (chosen) void upload(chosen);
        }}
      />
      <div class="actions">
        <Button kind="secondary" onClick={() => input.current?.click()} busy={busy === "file"} busyLabel="Importing…">
          Import a contact file (.vcf)
        </Button>
      </div>
      {progress?.total && busy === "file" ? (
        <p class="muted" role="status">
          {progress.done} of {progress.total} cards…
        </p>
      ) : null}
      {error && file && <p><strong>Nothing was imported from “{file.name}”.</strong></p>}
      <ErrorBox error={error} />
      {outcome && file && <Result file={file} outcome={outcome} busy={busy} onDecide={decide} onLeaveOut={leaveOut} />}
    </section>
  );
}

function summary(answer: FileImport): string {
  const parts = [`${plural(answer.created.length, "contact", "contacts")} imported`];
  if (answer.duplicate_cards.length > 0) {
    parts.push(`${plural(answer.duplicate_cards.length, "card looks", "cards look")} like people you have`);
  }
  return `${parts.join("; ")}.`;
}

interface ResultProps {
  file: File;
  outcome: Outcome;
  busy: "file" | number | null;
  onDecide: (offer: FileDuplicate, choice: "merge" | "create") => void;
  onLeaveOut: (offer: FileDuplicate) => void;
}

function Result({ file, outcome, busy, onDecide, onLeaveOut }: ResultProps) {
  const { added, merged, offers, warnings } = outcome;
  return (
    <div class="stack import-result" aria-live="polite">
      <p>
        {added.length === 0
          ? `No new contacts from “${file.name}”.`
          : `Imported ${plural(added.length, "contact", "contacts")} from “${file.name}”:`}
      </p>
      {added.length > 0 && <ContactLinks contacts={added} label="Imported contacts" />}
      {merged.length > 0 && (
        <>
          <p>Added the file's details to:</p>
          <ContactLinks contacts={merged} label="Contacts filled in" />
        </>
      )}
      {offers.map((offer) => (
        <div key={offer.card} class="stack">
          <p>
            <strong>{offer.name}</strong> (card {offer.card} of the file) was left out.
          </p>
          <DuplicateOffer
            existingId={offer.existing_contact_id}
            busy={busy === offer.card}
            onMerge={() => onDecide(offer, "merge")}
            onKeepBoth={() => onDecide(offer, "create")}
            onCancel={() => onLeaveOut(offer)}
          />
        </div>
      ))}
      {warnings.length > 0 && (
        <ul class="muted">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ContactLinks({ contacts, label }: { contacts: Contact[]; label: string }) {
  return (
    <ul class="plain-list" aria-label={label}>
      {contacts.map((c) => (
        <li key={c.id}>
          <a href={`/contacts/${c.id}`}>{c.name || "Unnamed contact"}</a>
        </li>
      ))}
    </ul>
  );
}
