// Meetings through the outbox: accept, decline and cancel made with no connection are stored
// on the phone and sent with the next sync (services/sync/meetings.py). The server settles
// them: a slot taken meanwhile comes back as a conflict with the slots still free, shown here.
import { announce } from "../components/Status";
import { enqueue, onAnswered } from "./outbox";

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
