// Short dates for people lists: "22 Nov, 10:02" (this year) in the phone's own time zone.

/** When something happened, short: the year only when it is not this year. */
export function shortDateTime(iso: string): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return date.toLocaleString(undefined, {
    day: "numeric",
    month: "short",
    year: sameYear ? undefined : "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A calendar date ("2026-11-30") as "Mon, 30 Nov" (with the year when it is not this year). */
export function shortDate(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: y === new Date().getFullYear() ? undefined : "numeric",
  });
}

/** A moment's day ("2026-11-30") in the phone's time zone. */
export function localDay(moment: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

/** Today as a date input value, in the phone's time zone. */
export function todayValue(): string {
  return localDay(new Date());
}
