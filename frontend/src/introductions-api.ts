// Endpoints of introductions between two of my contacts (schemas/introductions.py): mine to
// start, list and cancel, and the public request page of the two people asked, who answer with
// their link's token and no account. Request plumbing lives in api.ts.
import { type Page, request } from "./api";
import { type ContactSummary, people } from "./contacts-api";

export type IntroductionStatus = "waiting" | "introduced" | "declined" | "cancelled" | "expired";
export type Answer = "yes" | "no";

/** One of the two, as they were asked (the contact may have changed since). */
export interface Party {
  contact_id: string | null;
  name: string;
  title: string;
  company: string;
  email: string;
  answer: Answer | null;
  answered_at: string | null;
}

export interface Introduction {
  id: string;
  status: IntroductionStatus;
  reason: string;
  created_at: string;
  expires_at: string;
  closed_at: string | null;
  people: [Party, Party];
}

export interface IntroductionInput {
  contact_id: string;
  other_contact_id: string;
  reason: string;
}

export type RequestState = "asked" | "you_said_yes" | "you_said_no" | "introduced" | "no_longer_needed" | "expired";

/** What one of the two sees on their link's page. */
export interface IntroductionRequest {
  introducer: string;
  other: { name: string; title: string; company: string };
  reason: string;
  expires_at: string;
  state: RequestState;
  your_answer: Answer | null;
  answered_at: string | null;
}

/** The most characters a reason may have (schemas.introductions.REASON_MAX). */
export const REASON_MAX = 1000;

/** Every one of my contacts, by name (the list comes in pages of at most 200). */
async function allContacts(): Promise<ContactSummary[]> {
  const found: ContactSummary[] = [];
  for (;;) {
    const page = await people.contacts({ sort: "name", limit: 200, offset: found.length });
    found.push(...page.items);
    if (page.items.length === 0 || found.length >= page.total) return found;
  }
}

export const introductions = {
  list: (limit = 100, offset = 0) => request<Page<Introduction>>("/introductions", { query: { limit, offset } }),
  create: (data: IntroductionInput) => request<Introduction>("/introductions", { method: "POST", body: data }),
  cancel: (id: string) =>
    request<Introduction>(`/introductions/${encodeURIComponent(id)}/cancel`, { method: "POST" }),
  allContacts,
  // The token goes in a POST body, never in a URL (logs, history, Referer).
  viewRequest: (token: string) =>
    request<IntroductionRequest>("/introduction-requests/view", {
      method: "POST",
      body: { token },
      redirectOn401: false,
    }),
  answerRequest: (token: string, answer: Answer) =>
    request<IntroductionRequest>("/introduction-requests/answer", {
      method: "POST",
      body: { token, answer },
      redirectOn401: false,
    }),
};
