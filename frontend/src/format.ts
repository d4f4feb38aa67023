// Dates and times as people at the event read them: always in the event's own time zone.

/** The browser's IANA time zone, e.g. "Europe/Berlin". */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Every IANA zone this browser knows, with `include` added if missing. */
export function timeZones(include: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = ["UTC"];
  }
  if (include && !zones.includes(include)) zones = [...zones, include].sort();
  return zones;
}

/** "Tue, 24 Nov 2026, 08:00 – Wed, 25 Nov 2026, 18:00" in the event's zone. */
export function formatEventDates(startsAt: string, endsAt: string, timeZone: string): string {
  const format = new Intl.DateTimeFormat(undefined, {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  try {
    return format.formatRange(start, end);
  } catch {
    return `${format.format(start)} – ${format.format(end)}`;
  }
}

/** An instant as a datetime-local value ("2026-11-24T08:00") on the wall clock of `timeZone`. */
export function toZonedInputValue(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(instant));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${part("year")}-${part("month")}-${part("day")}T${part("hour")}:${part("minute")}`;
}
