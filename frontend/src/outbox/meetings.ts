// Meetings through the outbox: accept, decline and cancel made with no connection are stored
// on the phone and sent with the next sync (services/sync/meetings.py). The server settles
// them: a slot taken meanwhile comes back as a conflict with the slots still free, shown here.
import { announce } from "../components/Status";
import { entries, OUTBOX } from "./db";
import { enqueue, onAnswered, type Operation } from "./outbox";

const WHAT: Record<string, [string, string]> = {
  "meeting.accept": ["request_id", "accept"],
  "meeting.decline": ["request_id", "decline"],
  "meeting.cancel": ["meeting_id", "cancel"],
};

/** Answers still waiting in the outbox, by request or meeting id: "accept", "decline" or
 * "cancel" (so My agenda, opened again offline, still shows them). */
export async function waitingAnswers(): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const [, op] of await entries<Operation>(OUTBOX)) {
    const what = WHAT[op.type];
    if (what) found[String(op.payload[what[0]])] = what[1];
  }
  return found;
}

/** Be told when the server has settled a meeting answer sent from the outbox. */
export function onMeetingSettled(listener: () => void): () => void {
  return onAnswered((op) => {
    if (op.type in WHAT) listener();
  });
}

onAnswered((op, result) => {
  if (!op.type.startsWith("meeting.") || result.status !== "conflict") return;
  const detail = typeof result.result?.detail === "string" ? result.result.detail : "";
  announce(`${op.label}: ${detail || "it could not be done any more."}`, "error");
});

export function queueAccept(requestId: string, slot: string, label: string): Promise<unknown> {
  return enqueue("meeting.accept", { request_id: requestId, slot }, label);
}

export function queueDecline(requestId: string, reason: string | null, label: string): Promise<unknown> {
  return enqueue("meeting.decline", { request_id: requestId, reason }, label);
}

export function queueCancel(meetingId: string, label: string): Promise<unknown> {
  return enqueue("meeting.cancel", { meeting_id: meetingId }, label);
}
