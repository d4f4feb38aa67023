// Links to send with a promise: checked here as the server checks them (services/people/notes.py
// promise_link, the card's web-address rule), so a half-typed address is named at its field
// instead of holding up the whole note.

export const LINK_RULE = "Only web addresses starting with http:// or https:// work.";

/** What is wrong with a link as typed, or "" when it is fine (empty is fine: no link). */
export function linkProblem(raw: string): string {
  const link = raw.trim();
  if (!link) return "";
  if (/\s/.test(link)) return "A link has no spaces or line breaks in it: paste the address alone.";
  const full = !link.includes("://") && /^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(link) ? `https://${link}` : link;
  try {
    const url = new URL(full);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? "" : LINK_RULE;
  } catch {
    return LINK_RULE;
  }
}

/** Whether a stored link may be put in an href: only http(s), whatever reached us. */
export function isWebLink(link: string | null | undefined): link is string {
  return !!link && /^https?:\/\//i.test(link);
}
