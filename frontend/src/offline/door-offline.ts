// A door scan while offline: judged from the pack on this phone, shown like a server answer
// (marked "offline"), and queued as a door.scan with its own nonce, the scan time, the gate and
// this phone's name, so the server judges it again when it arrives (docs/offline.md).
import type { DoorAttendee, ScanOutcome } from "../door-api";
import { deviceName, enqueue, newOpId } from "../outbox/outbox";
import type { ShownResult } from "../screens/door/ScanResult";
import {
  attendeeInPack,
  findInPack,
  judgeAttendee,
  judgeOffline,
  type LocalJudgement,
  type StoredPack,
} from "./door-pack";

const HEADLINES: Record<ScanOutcome, string> = {
  ok: "Checked in",
  already_checked_in: "Already checked in",
  invalid: "Unknown badge",
  revoked: "Replaced badge",
  wrong_event: "Other event",
  not_open: "Check-in not open",
};

/** 24-hour wall-clock time at the event, as the server words its answers ("09:02"). */
function clock(iso: string, timezone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: timezone,
    }).format(new Date(iso));
  } catch {
    return iso.slice(11, 16);
  }
}

function shown(j: LocalJudgement, timezone: string): ShownResult {
  const person = j.attendee;
  const messages: Record<ScanOutcome, string> = {
    ok: "Let them in. (Offline: it syncs when the connection returns.)",
    already_checked_in: j.at
      ? `Already checked in at ${clock(j.at, timezone)}${j.gate ? `, gate ${j.gate}` : ""}.`
      : "Already checked in.",
    invalid: "This badge is not on this event's list. Find the person by name instead.",
    revoked: "This badge was replaced by a new one. Check their ID.",
    wrong_event: "This badge is for another event.",
    not_open: "Check-in is not open right now.",
  };
  return {
    color: j.outcome === "ok" ? "green" : j.outcome === "already_checked_in" ? "amber" : "red",
    headline: `${HEADLINES[j.outcome]} · offline`,
    name: person?.name,
    details: person ? [person.title, person.company].filter(Boolean).join(" · ") : undefined,
    message: messages[j.outcome],
  };
}

/** Judge a scan from the pack, queue it for upload, and say what to show. */
export async function scanOffline(
  eventId: string,
  stored: StoredPack,
  text: string,
  gate: string,
): Promise<{ result: ShownResult; outcome: ScanOutcome }> {
  const at = new Date();
  const judgement = await judgeOffline(eventId, stored, text, gate, at);
  await enqueue(
    "door.scan",
    {
      event_id: eventId,
      token: text.trim(),
      scanned_at: at.toISOString(),
      nonce: newOpId(),
      gate,
      device: deviceName(),
      local_outcome: judgement.outcome,
    },
    judgement.attendee ? `Door scan of ${judgement.attendee.name}` : "A door scan",
  );
  return { result: shown(judgement, stored.pack.timezone), outcome: judgement.outcome };
}

/** People found by name in the pack, with their check-in (the server's or this phone's). */
export function findOffline(stored: StoredPack, query: string): DoorAttendee[] {
  return findInPack(stored, query).map((a) => {
    const mine = stored.admitted[a.id];
    const at = a.checked_in_at ?? mine?.at ?? null;
    const gate = a.checked_in_at ? (a.gate ?? "") : (mine?.gate ?? "");
    return {
      attendee: { id: a.id, name: a.name, company: a.company, title: a.title },
      check_in: at
        ? { id: "", checked_in_at: at, local_time: clock(at, stored.pack.timezone), gate, method: "manual" }
        : null,
    };
  });
}

/** Check someone in by name while offline: judged from the pack, queued as a door.scan. */
export async function checkInOffline(
  eventId: string,
  stored: StoredPack,
  attendeeId: string,
  gate: string,
): Promise<ShownResult> {
  const attendee = attendeeInPack(stored, attendeeId);
  if (!attendee) {
    return { color: "red", headline: "Not on the list · offline", message: "Find them again once online." };
  }
  const at = new Date();
  const judgement = await judgeAttendee(eventId, stored, attendee, gate, at);
  await enqueue(
    "door.scan",
    {
      event_id: eventId,
      attendee_id: attendeeId,
      scanned_at: at.toISOString(),
      nonce: newOpId(),
      gate,
      device: deviceName(),
      local_outcome: judgement.outcome,
    },
    `Door check-in of ${attendee.name}`,
  );
  return shown(judgement, stored.pack.timezone);
}
