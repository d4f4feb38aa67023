// /scan: the in-app scanner for meeting people. A badge opens the exchange (/b/<token>); a
// vCard or MECARD shows a preview to save; a LinkedIn profile becomes a contact; anything else
// is described plainly.
import { useState } from "preact/hooks";
import { Button } from "../../components/Button";
import { ImportPreview } from "../../components/people/ImportPreview";
import "../../people.css";
import { navigate } from "../../router";
import { classifyScan, describeScan, type ScanKind } from "../../scanner/classify";
import Scanner from "../../scanner/Scanner";

export default function Scan() {
  const [seen, setSeen] = useState<ScanKind | null>(null);

  function onCode(text: string) {
    const scan = classifyScan(text);
    if (scan.kind === "badge") {
      navigate(`/b/${encodeURIComponent(scan.token)}`);
      return;
    }
    setSeen(scan);
  }

  return (
    <section class="stack">
      <h1 tabIndex={-1}>Scan</h1>
      <Scanner
        onCode={onCode}
        paused={seen !== null}
        hint="Point at someone's badge, a contact QR code or a LinkedIn QR code."
        label="Badge link, contact card text or LinkedIn link"
      />
      {seen && (seen.kind === "vcard" || seen.kind === "mecard") && (
        <ImportPreview kind={seen.kind} payload={seen.text} onDone={() => setSeen(null)} />
      )}
      {seen?.kind === "linkedin" && (
        <ImportPreview kind="linkedin" payload={seen.url} onDone={() => setSeen(null)} />
      )}
      {seen && (seen.kind === "unknown" || seen.kind === "poster") && (
        <section class="panel" role="alert">
          <h2>Not a person's code</h2>
          <p>
            That was {describeScan(seen)}.{" "}
            {seen.kind === "poster"
              ? "It is for checking in at the door, not for meeting people."
              : "Scan a badge, a contact card (vCard or MECARD) or a LinkedIn QR code."}
          </p>
          <Button kind="secondary" onClick={() => setSeen(null)}>
            Scan again
          </Button>
        </section>
      )}
      <p class="muted">
        No code to scan? <a href="/contacts">Add a contact by name</a> or import a contact file
        (.vcf) on the contacts screen.
      </p>
    </section>
  );
}
