// What a scanned code is: one of our badges, our door poster, a vCard or MeCard contact, a
// LinkedIn profile, or something else. Used by the door and by contact exchange.

export type ScanKind =
  | { kind: "badge"; token: string; url: string }
  | { kind: "poster"; token: string; url: string }
  | { kind: "vcard"; text: string }
  | { kind: "mecard"; text: string }
  | { kind: "linkedin"; url: string }
  | { kind: "unknown"; text: string };

// Tokens are URL-safe base64 (services/auth/tokens.py); a bare one is what a hardware scanner or a
// person typing from a printed badge may send.
const BARE_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
const TOKEN_PATH = /^\/(b|door)\/([A-Za-z0-9_-]{16,64})\/?$/;

function parseUrl(text: string): URL | null {
  if (!/^https?:\/\//i.test(text)) return null;
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function ourOrigin(): string {
  return typeof window === "undefined" ? "" : window.location.origin;
}

/** Classify what the camera, a hardware scanner or a person typed: see ScanKind. */
export function classifyScan(text: string, origin: string = ourOrigin()): ScanKind {
  const value = text.trim();
  if (/^BEGIN:VCARD/i.test(value)) return { kind: "vcard", text: value };
  if (/^MECARD:/i.test(value)) return { kind: "mecard", text: value };
  if (BARE_TOKEN.test(value)) {
    return { kind: "badge", token: value, url: `${origin}/b/${value}` };
  }
  const url = parseUrl(value);
  if (!url) return { kind: "unknown", text: value };
  const host = url.hostname.toLowerCase();
  if (
    (host === "linkedin.com" || host.endsWith(".linkedin.com")) &&
    /^\/in\/[^/]+/.test(url.pathname)
  ) {
    return { kind: "linkedin", url: url.href };
  }
  const found = TOKEN_PATH.exec(url.pathname);
  if (found && url.origin === origin) {
    const token = found[2];
    return found[1] === "b"
      ? { kind: "badge", token, url: url.href }
      : { kind: "poster", token, url: url.href };
  }
  return { kind: "unknown", text: value };
}

/** A short plain-words description of a code that is not what the screen wanted. */
export function describeScan(scan: ScanKind): string {
  switch (scan.kind) {
    case "badge":
      return "a Rapport badge";
    case "poster":
      return "the self check-in door poster";
    case "vcard":
      return "a contact card (vCard)";
    case "mecard":
      return "a contact card (MeCard)";
    case "linkedin":
      return "a LinkedIn profile link";
    default: {
      const shown = scan.text.length > 60 ? `${scan.text.slice(0, 57)}…` : scan.text;
      return shown ? `a code that is not a badge (“${shown}”)` : "an empty code";
    }
  }
}
