import { describe, expect, it } from "vitest";
import { addBusinessSeconds, businessSecondsBetween, type CalendarRules, calendarProblems } from "../../src/domain/business-time.js";

const MINUTE = 60_000;

const formats = new Map<string, Intl.DateTimeFormat>();
/** The reference: ask Intl for the local wall time of one minute and check the rules. */
function isBusinessMinute(rules: CalendarRules, instant: number): boolean {
  if (!formats.has(rules.timeZone)) {
    formats.set(
      rules.timeZone,
      new Intl.DateTimeFormat("en-US", {
        timeZone: rules.timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        weekday: "short",
      }),
    );
  }
  const parts = formats.get(rules.timeZone)!.formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const date = `${get("year")}-${get("month")}-${get("day")}`;
  if (rules.holidays.includes(date)) return false;
  if (rules.weeklyHours.length === 0) return true;
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
  const minute = Number(get("hour")) * 60 + Number(get("minute"));
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return rules.weeklyHours.some((w) => w.day === weekday && toMinutes(w.start) <= minute && minute < toMinutes(w.end));
}

function referenceAdd(rules: CalendarRules, from: number, minutes: number): number {
  let t = from;
  if (minutes === 0) {
    while (!isBusinessMinute(rules, t)) t += MINUTE;
    return t;
  }
  let counted = 0;
  for (;;) {
    if (isBusinessMinute(rules, t) && ++counted === minutes) return t + MINUTE;
    t += MINUTE;
  }
}

function referenceBetween(rules: CalendarRules, from: number, to: number): number {
  let minutes = 0;
  for (let t = from; t < to; t += MINUTE) if (isBusinessMinute(rules, t)) minutes++;
  return minutes * 60;
}

/** A small deterministic PRNG so a failure can be replayed from its seed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 2 ** 32;
    return seed / 2 ** 32;
  };
}

const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Lord_Howe", "America/Santiago", "Asia/Tehran"];
// DST changes of 2024 in those zones, and ordinary days.
const anchors = [
  "2024-03-10T05:00:00Z",
  "2024-03-31T00:30:00Z",
  "2024-10-27T00:30:00Z",
  "2024-11-03T05:30:00Z",
  "2024-04-06T14:00:00Z",
  "2024-10-05T15:00:00Z",
  "2024-09-07T03:00:00Z",
  "2024-06-12T09:00:00Z",
];
const hh = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

function randomCalendar(next: () => number): CalendarRules {
  const timeZone = zones[Math.floor(next() * zones.length)]!;
  if (next() < 0.2) return { timeZone, weeklyHours: [], holidays: next() < 0.5 ? ["2024-03-31", "2024-11-03"] : [] };
  const weeklyHours = [];
  for (let day = 0; day < 7; day++) {
    if (next() < 0.25) continue;
    // Windows that start or end inside the DST gaps and overlaps (01:00-03:59) on purpose.
    const start = Math.floor(next() * 16) * 15;
    const end = Math.min(start + 30 + Math.floor(next() * 80) * 15, 24 * 60);
    weeklyHours.push({ day, start: hh(start), end: hh(end) });
    if (next() < 0.3 && end < 22 * 60) weeklyHours.push({ day, start: hh(end + 60), end: hh(Math.min(end + 180, 24 * 60)) });
  }
  if (!weeklyHours.length) weeklyHours.push({ day: 1, start: "09:00", end: "18:00" });
  const holidays = next() < 0.5 ? ["2024-03-10", "2024-10-27", "2024-06-13"] : [];
  return { timeZone, weeklyHours, holidays };
}

describe("business time", () => {
  it("is plain arithmetic on a 24/7 calendar", () => {
    const rules: CalendarRules = { timeZone: "UTC", weeklyHours: [], holidays: [] };
    const from = new Date("2024-01-01T10:00:00Z");
    expect(addBusinessSeconds(rules, from, 1800)).toEqual(new Date("2024-01-01T10:30:00Z"));
    expect(businessSecondsBetween(rules, from, new Date("2024-01-02T10:00:00Z"))).toBe(86400);
  });

  it("skips nights, weekends and holidays of a Shanghai office", () => {
    const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "18:00" }));
    const rules: CalendarRules = { timeZone: "Asia/Shanghai", weeklyHours: weekdays, holidays: ["2024-10-01"] };
    // Friday 17:30 local + 2 business hours = Tuesday 10:30 (Monday 30 Sep is open, Tuesday 1 Oct a holiday).
    const friday = new Date("2024-09-27T09:30:00Z"); // 17:30 in Shanghai
    expect(addBusinessSeconds(rules, friday, 2 * 3600)).toEqual(new Date("2024-09-30T02:30:00Z")); // Mon 10:30
    // 0.5 h on Friday + 9 h on Monday + 1.5 h on Wednesday.
    expect(addBusinessSeconds(rules, friday, 11 * 3600)).toEqual(new Date("2024-10-02T02:30:00Z")); // Wed 10:30
    expect(businessSecondsBetween(rules, friday, new Date("2024-10-02T02:30:00Z"))).toBe(11 * 3600);
  });

  it("counts the real length of a business day across DST changes", () => {
    const allDay = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: "00:00", end: "24:00" }));
    const berlin: CalendarRules = { timeZone: "Europe/Berlin", weeklyHours: allDay, holidays: [] };
    expect(businessSecondsBetween(berlin, new Date("2024-03-30T23:00:00Z"), new Date("2024-03-31T22:00:00Z"))).toBe(23 * 3600);
    expect(businessSecondsBetween(berlin, new Date("2024-10-26T22:00:00Z"), new Date("2024-10-27T23:00:00Z"))).toBe(25 * 3600);
  });

  it("agrees minute by minute with the reference on random calendars around DST changes", () => {
    const next = random(20241122);
    for (let run = 0; run < 120; run++) {
      const rules = randomCalendar(next);
      const from = Date.parse(anchors[Math.floor(next() * anchors.length)]!) + Math.floor((next() - 0.5) * 3 * 24 * 60) * MINUTE;
      const minutes = Math.floor(next() * 2 * 24 * 60 * (rules.weeklyHours.length ? 0.5 : 1));
      const context = JSON.stringify({ run, rules, from: new Date(from).toISOString(), minutes });
      const expected = referenceAdd(rules, from, minutes);
      expect(new Date(addBusinessSeconds(rules, new Date(from), minutes * 60)).toISOString(), context).toBe(
        new Date(expected).toISOString(),
      );
      const to = from + Math.floor(next() * 3 * 24 * 60) * MINUTE;
      expect(businessSecondsBetween(rules, new Date(from), new Date(to)), context).toBe(referenceBetween(rules, from, to));
    }
  });

  it("keeps adding and measuring consistent", () => {
    const next = random(7);
    for (let run = 0; run < 60; run++) {
      const rules = randomCalendar(next);
      const from = new Date(Date.parse(anchors[run % anchors.length]!) + Math.floor(next() * 1440) * MINUTE);
      const seconds = Math.floor(next() * 5 * 86400);
      const due = addBusinessSeconds(rules, from, seconds);
      expect(businessSecondsBetween(rules, from, due)).toBe(seconds);
    }
  });

  it("reports invalid calendars by part", () => {
    expect(
      calendarProblems({ timeZone: "Mars/Base", weeklyHours: [{ day: 7, start: "9:00", end: "08:00" }], holidays: ["2024-13-01"] }).map(
        (p) => p.field,
      ),
    ).toEqual(["timeZone", "weeklyHours.0.day", "weeklyHours.0.start", "holidays.0"]);
    expect(calendarProblems({ timeZone: "UTC", weeklyHours: [{ day: 1, start: "18:00", end: "09:00" }], holidays: [] })).toEqual([
      { field: "weeklyHours.0.end", message: "must be after start" },
    ]);
  });
});
