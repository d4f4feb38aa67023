// A first look at a scanned vCard or MECARD, to show before saving. Only for display: the
// server parses the payload again (services/people/vcard.py) and its answer is what is stored.

export interface PreviewField {
  label: string;
  value: string;
}

const VCARD_LABELS: Record<string, string> = {
  FN: "Name",
  ORG: "Company",
  TITLE: "Title",
  EMAIL: "Email",
  TEL: "Phone",
  URL: "Web",
};
const MECARD_LABELS: Record<string, string> = {
  N: "Name",
  ORG: "Company",
  TITLE: "Title",
  EMAIL: "Email",
  TEL: "Phone",
  URL: "Web",
};

function unescapeValue(value: string): string {
  return value.replace(/\\([,;:\\])/g, "$1").replace(/\\n/gi, " ").trim();
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\" && i + 1 < text.length) {
      current += char + text[i + 1];
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** The fields a vCard (2.1/3.0/4.0) shows, in a fixed order. */
function vcardFields(text: string): PreviewField[] {
  const lines = text.replace(/\r\n[ \t]|\n[ \t]/g, "").split(/\r?\n/);
  const found: PreviewField[] = [];
  let structuredName = "";
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).split(";")[0].split(".").pop()!.toUpperCase();
    const value = line.slice(colon + 1);
    if (name === "N") {
      const [family = "", given = ""] = splitUnescaped(value, ";").map(unescapeValue);
      structuredName = [given, family].filter(Boolean).join(" ");
    } else if (VCARD_LABELS[name]) {
      const shown = splitUnescaped(value, ";").map(unescapeValue).filter(Boolean).join(", ");
      if (shown) found.push({ label: VCARD_LABELS[name], value: shown });
    }
  }
  if (!found.some((f) => f.label === "Name") && structuredName) {
    found.unshift({ label: "Name", value: structuredName });
  }
  return found;
}

/** The fields a MECARD ("MECARD:N:Doe,John;TEL:…;;") shows. */
function mecardFields(text: string): PreviewField[] {
  const body = text.replace(/^MECARD:/i, "");
  const found: PreviewField[] = [];
  for (const part of splitUnescaped(body, ";")) {
    const colon = part.indexOf(":");
    if (colon < 0) continue;
    const key = part.slice(0, colon).toUpperCase();
    let value = unescapeValue(part.slice(colon + 1));
    if (key === "N" && value.includes(",")) {
      const [family, given] = value.split(",", 2);
      value = `${given.trim()} ${family.trim()}`.trim();
    }
    if (MECARD_LABELS[key] && value) found.push({ label: MECARD_LABELS[key], value });
  }
  return found;
}

/** What a scanned contact card says, for a preview. */
export function previewFields(kind: "vcard" | "mecard", text: string): PreviewField[] {
  return kind === "vcard" ? vcardFields(text) : mecardFields(text);
}
