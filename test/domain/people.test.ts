import { describe, expect, it } from "vitest";
import {
  canTakeWork,
  type ExpertCandidate,
  leastLoaded,
  nextInRotation,
  rankExperts,
  withinWorkingHours,
} from "../../src/domain/people.js";

// Monday 2026-11-23 10:00 in Shanghai is 02:00 UTC.
const mondayMorningShanghai = new Date("2026-11-23T02:00:00Z");
const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "18:00" }));

describe("availability", () => {
  it("reads working hours in the person's own time zone", () => {
    expect(withinWorkingHours({ timeZone: "Asia/Shanghai", workingHours: weekdays }, mondayMorningShanghai)).toBe(true);
    expect(withinWorkingHours({ timeZone: "America/New_York", workingHours: weekdays }, mondayMorningShanghai)).toBe(false);
    expect(withinWorkingHours({ timeZone: "UTC", workingHours: [] }, mondayMorningShanghai)).toBe(true);
  });

  it("takes work only when AVAILABLE and inside working hours", () => {
    const person = { id: "a", name: "A", availability: "AVAILABLE" as const, timeZone: "Asia/Shanghai", workingHours: weekdays };
    expect(canTakeWork(person, mondayMorningShanghai)).toBe(true);
    expect(canTakeWork({ ...person, availability: "BUSY" }, mondayMorningShanghai)).toBe(false);
    expect(canTakeWork({ ...person, timeZone: "Europe/London" }, mondayMorningShanghai)).toBe(false);
  });
});

describe("assignment", () => {
  const people = [
    { id: "c", name: "Cy" },
    { id: "a", name: "Al" },
    { id: "b", name: "Bo" },
  ];
  it("rotates in id order and wraps around", () => {
    expect(nextInRotation(people, null)?.id).toBe("a");
    expect(nextInRotation(people, "a")?.id).toBe("b");
    expect(nextInRotation(people, "c")?.id).toBe("a");
    // The last person left the team: continue after where they stood.
    expect(nextInRotation(people, "bb")?.id).toBe("c");
    expect(nextInRotation([], "a")).toBeNull();
  });

  it("picks the fewest open cases, ties by name", () => {
    expect(
      leastLoaded(
        people,
        new Map([
          ["a", 3],
          ["b", 1],
          ["c", 1],
        ]),
      )?.id,
    ).toBe("b");
    expect(leastLoaded(people, new Map([["a", 0]]))?.id).toBe("a");
  });
});

describe("expert finder", () => {
  const candidate = (over: Partial<ExpertCandidate>): ExpertCandidate => ({
    id: "x",
    name: "X",
    availability: "AVAILABLE",
    timeZone: "UTC",
    workingHours: [],
    skills: new Map(),
    openCases: 0,
    activeSwarms: 0,
    ...over,
  });

  it("scores skill match, availability and load, and shows the parts", () => {
    const [top, second, ...rest] = rankExperts(
      [
        candidate({
          id: "busy-expert",
          name: "Busy",
          skills: new Map([
            ["payments", 10],
            ["refunds", 10],
          ]),
          availability: "BUSY",
          openCases: 5,
        }),
        candidate({
          id: "free-expert",
          name: "Free",
          skills: new Map([
            ["payments", 8],
            ["refunds", 6],
          ]),
        }),
        candidate({ id: "novice", name: "Nov", skills: new Map([["payments", 2]]) }),
        candidate({ id: "stranger", name: "Str", skills: new Map([["kyc", 9]]) }),
      ],
      ["payments", "refunds"],
      new Date(),
    );
    // Free: 0.6·0.7 + 0.25·1 + 0.15·1 = 0.82; Busy: 0.6·1 + 0.25·0.5 + 0.15·0.5 = 0.8; Novice: 0.6·0.1 + 0.4 = 0.46.
    expect(top).toMatchObject({ candidate: { id: "free-expert" }, skillMatch: 0.7, availability: 1, load: 0, loadScore: 1, score: 0.82 });
    expect(second).toMatchObject({
      candidate: { id: "busy-expert" },
      skillMatch: 1,
      availability: 0.5,
      load: 5,
      loadScore: 0.5,
      score: 0.8,
    });
    expect(rest.map((s) => [s.candidate.id, s.score, s.missing])).toEqual([["novice", 0.46, ["refunds"]]]);
  });

  it("gives no availability outside working hours", () => {
    const night = candidate({ skills: new Map([["payments", 10]]), timeZone: "America/New_York", workingHours: weekdays });
    expect(rankExperts([night], ["payments"], mondayMorningShanghai)[0]).toMatchObject({
      inWorkingHours: false,
      availability: 0,
      score: 0.75,
    });
  });
});
