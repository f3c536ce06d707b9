// Business time: SLA clocks run only inside a calendar's opening hours, in its time
// zone, and not on its holidays. An instant is business time exactly when its local
// wall-clock time (in the calendar's zone) falls in an opening window of a weekday
// that is not a holiday. Across a DST change the wall clock jumps or repeats, and the
// arithmetic here follows it exactly: the tests compare it minute by minute with a
// reference that asks Intl for the local time of every minute.

export interface OpeningWindow {
  /** 0 = Sunday … 6 = Saturday, as Date.getDay(). */
  day: number;
  /** "HH:MM" local, inclusive. */
  start: string;
  /** "HH:MM" local, exclusive; "24:00" for midnight at the end of the day. */
  end: string;
}

export interface CalendarRules {
  timeZone: string;
  /** Empty means open around the clock. */
  weeklyHours: readonly OpeningWindow[];
  /** Local dates "YYYY-MM-DD" on which the clock does not run. */
  holidays: readonly string[];
}

export const ALWAYS_OPEN: CalendarRules = { timeZone: "UTC", weeklyHours: [], holidays: [] };

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Offset changes are looked for this far ahead; zones change at most twice a year. */
const SEGMENT = 7 * DAY;
/** A calendar with no opening in this long is refused rather than looped over forever. */
const HORIZON = 3 * 366 * DAY;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Milliseconds to add to a UTC instant to get its wall-clock time in `timeZone`. */
function offsetAt(timeZone: string, instant: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The first instant in (from, to] whose offset differs from the one at `from`, or null. */
function nextOffsetChange(timeZone: string, from: number, to: number): number | null {
  const base = offsetAt(timeZone, from);
  if (offsetAt(timeZone, to) === base) return null;
  let lo = from;
  let hi = to;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetAt(timeZone, mid) === base) lo = mid;
    else hi = mid;
  }
  // Zones change on whole minutes: the boundary inside (lo, hi] is the change.
  const boundary = Math.floor(lo / MINUTE) * MINUTE + MINUTE;
  return boundary <= hi && offsetAt(timeZone, boundary) !== base ? boundary : hi;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}

/** Opening windows of one local day, as [start, end) in local milliseconds. */
function windowsOfLocalDay(rules: CalendarRules, localDayStart: number): [number, number][] {
  const date = new Date(localDayStart).toISOString().slice(0, 10);
  if (rules.holidays.includes(date)) return [];
  if (rules.weeklyHours.length === 0) return [[localDayStart, localDayStart + DAY]];
  const weekday = new Date(localDayStart).getUTCDay();
  return rules.weeklyHours
    .filter((w) => w.day === weekday)
    .map((w): [number, number] => [localDayStart + minutesOf(w.start) * MINUTE, localDayStart + minutesOf(w.end) * MINUTE])
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Calls `visit` with each business interval [start, end) (UTC ms) from `from` onwards,
 * in order, until it returns false or the horizon is reached.
 */
function walkBusinessIntervals(rules: CalendarRules, from: number, visit: (start: number, end: number) => boolean): void {
  const limit = from + HORIZON;
  // Open around the clock with no holidays: business time is wall time in any zone, and
  // the zone's offsets need not be looked up (the common case, on every SLA read).
  if (rules.weeklyHours.length === 0 && rules.holidays.length === 0) {
    if (!visit(from, limit)) return;
    throw new Error("The business calendar has no opening hours within three years");
  }
  let cursor = from;
  while (cursor < limit) {
    const offset = offsetAt(rules.timeZone, cursor);
    const segmentEnd = nextOffsetChange(rules.timeZone, cursor, cursor + SEGMENT) ?? cursor + SEGMENT;
    // Inside the segment the offset is constant, so local time is a plain shift.
    const localFrom = cursor + offset;
    const localTo = segmentEnd + offset;
    for (let day = Math.floor(localFrom / DAY) * DAY; day < localTo; day += DAY) {
      for (const [ws, we] of windowsOfLocalDay(rules, day)) {
        const start = Math.max(ws, localFrom);
        const end = Math.min(we, localTo);
        if (end > start && !visit(start - offset, end - offset)) return;
      }
    }
    cursor = segmentEnd;
  }
  throw new Error("The business calendar has no opening hours within three years");
}

/** The instant at which `seconds` of business time have passed since `from`. */
export function addBusinessSeconds(rules: CalendarRules, from: Date, seconds: number): Date {
  let remaining = Math.max(0, seconds) * 1000;
  let result = from.getTime();
  walkBusinessIntervals(rules, from.getTime(), (start, end) => {
    if (remaining <= end - start) {
      result = start + remaining;
      return false;
    }
    remaining -= end - start;
    return true;
  });
  return new Date(result);
}

/** Business seconds between `from` and `to`; negative when `to` is earlier. */
export function businessSecondsBetween(rules: CalendarRules, from: Date, to: Date): number {
  if (to < from) return -businessSecondsBetween(rules, to, from);
  const stop = to.getTime();
  let total = 0;
  walkBusinessIntervals(rules, from.getTime(), (start, end) => {
    if (start >= stop) return false;
    total += Math.min(end, stop) - start;
    return end < stop;
  });
  return Math.round(total / 1000);
}

/** Problems with a calendar's rules, as messages naming the part; empty when valid. */
export function calendarProblems(rules: CalendarRules): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: rules.timeZone });
  } catch {
    problems.push({ field: "timeZone", message: "must be an IANA time zone such as Asia/Shanghai" });
  }
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
  rules.weeklyHours.forEach((w, i) => {
    if (!Number.isInteger(w.day) || w.day < 0 || w.day > 6)
      problems.push({ field: `weeklyHours.${i}.day`, message: "must be 0 (Sunday) to 6 (Saturday)" });
    if (!hhmm.test(w.start) || w.start === "24:00")
      problems.push({ field: `weeklyHours.${i}.start`, message: "must be HH:MM from 00:00 to 23:59" });
    if (!hhmm.test(w.end)) problems.push({ field: `weeklyHours.${i}.end`, message: "must be HH:MM from 00:01 to 24:00" });
    else if (hhmm.test(w.start) && minutesOf(w.end) <= minutesOf(w.start))
      problems.push({ field: `weeklyHours.${i}.end`, message: "must be after start" });
  });
  rules.holidays.forEach((d, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
      problems.push({ field: `holidays.${i}`, message: "must be a date YYYY-MM-DD" });
  });
  return problems;
}
