// The rules of time-in-status automations, as pure functions: when one falls due, whether
// it applies, and what it does (only ever adding, so none undoes another).
import { describe, expect, it } from "vitest";
import {
  type AutomationFacts,
  actionProblems,
  automationApplies,
  automationDueAt,
  automationOutcome,
  automationsFor,
} from "../../src/domain/automations.js";
import { ALWAYS_OPEN } from "../../src/domain/business-time.js";
import { MAX_TAGS } from "../../src/domain/tags.js";
import type { Priority } from "../../src/generated/prisma/enums.js";

const FACTS: AutomationFacts = {
  status: "INFORM_CUSTOMER",
  teamId: "team-a",
  priority: "MEDIUM",
  type: "INQUIRY",
  tags: ["vip"],
  tierLevel: 1,
};
const OFFICE = {
  timeZone: "Asia/Shanghai",
  weeklyHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "18:00" })),
  holidays: [],
};

describe("automationDueAt", () => {
  // Friday 2026-11-27 17:59:30 in Shanghai.
  const entered = new Date("2026-11-27T09:59:30Z");
  it("calendar time counts every second", () => {
    expect(automationDueAt({ afterSeconds: 48 * 3600, businessTime: false }, OFFICE, entered).toISOString()).toBe(
      "2026-11-29T09:59:30.000Z",
    );
  });
  it("business time counts the calendar's open seconds only", () => {
    // 30 s left on Friday, the other 60 s on Monday from 09:00 local.
    expect(automationDueAt({ afterSeconds: 90, businessTime: true }, OFFICE, entered).toISOString()).toBe("2026-11-30T01:01:00.000Z");
  });
  it("an always-open calendar makes both the same", () => {
    const a = automationDueAt({ afterSeconds: 3600, businessTime: true }, ALWAYS_OPEN, entered);
    expect(a).toEqual(automationDueAt({ afterSeconds: 3600, businessTime: false }, ALWAYS_OPEN, entered));
  });
});

describe("automationsFor and automationApplies", () => {
  const base = { status: "INFORM_CUSTOMER" as const, enabled: true, conditions: {} };
  it("a stay schedules the enabled automations of its status only", () => {
    const list = [
      { ...base, name: "a" },
      { ...base, name: "b", enabled: false },
      { ...base, name: "c", status: "TEAM_CHECKING" as const },
    ];
    expect(automationsFor(list, "INFORM_CUSTOMER").map((a) => a.name)).toEqual(["a"]);
  });
  it.each([
    [{}, true],
    [{ teamIds: ["team-a", "team-b"] }, true],
    [{ teamIds: ["team-b"] }, false],
    [{ priorities: ["MEDIUM"] as Priority[] }, true],
    [{ priorities: ["HIGH"] as Priority[] }, false],
    [{ types: ["COMPLAINT" as const] }, false],
    [{ tags: ["churn", "vip"] }, true],
    [{ tags: ["churn"] }, false],
  ])("conditions %j: %s", (conditions, applies) => {
    expect(automationApplies({ status: "INFORM_CUSTOMER", conditions }, FACTS)).toBe(applies);
  });
  it("never applies once the case is in another status", () => {
    expect(automationApplies({ status: "INFORM_CUSTOMER", conditions: {} }, { ...FACTS, status: "DONE" })).toBe(false);
  });
  it("a team condition never matches a case without a team", () => {
    expect(automationApplies({ status: "INFORM_CUSTOMER", conditions: { teamIds: ["team-a"] } }, { ...FACTS, teamId: null })).toBe(false);
  });
});

describe("automationOutcome", () => {
  it.each([
    ["LOW", "HIGH", "HIGH"],
    ["MEDIUM", "HIGH", "HIGH"],
    ["HIGH", "MEDIUM", "HIGH"],
    ["MEDIUM", "MEDIUM", "MEDIUM"],
  ] as [Priority, Priority, Priority][])("raising %s to %s leaves %s: priorities only go up", (from, to, result) => {
    const outcome = automationOutcome({ raisePriority: to }, { ...FACTS, priority: from });
    expect(outcome.priority).toBe(result);
    expect(outcome.changes.some((c) => c.field === "priority")).toBe(from !== result);
  });

  it("escalates one tier, never past the top", () => {
    expect(automationOutcome({ escalateTier: true }, { ...FACTS, tierLevel: 2 }).tierLevel).toBe(3);
    const top = automationOutcome({ escalateTier: true }, { ...FACTS, tierLevel: 4 });
    expect(top.tierLevel).toBe(4);
    expect(top.changes).toEqual([]);
  });

  it("adds tags within the cap and names what was left off", () => {
    const full = Array.from({ length: MAX_TAGS - 1 }, (_, i) => `t${i}`);
    const outcome = automationOutcome({ addTags: ["a", "b"] }, { ...FACTS, tags: full });
    expect(outcome.tags).toEqual([...full, "a"]);
    expect(outcome.tagsLeftOff).toEqual(["b"]);
    // A tag the case already has is no change.
    expect(automationOutcome({ addTags: ["vip"] }, FACTS).changes).toEqual([]);
  });

  it("renders the note from the case", () => {
    const outcome = automationOutcome({ note: "{{ticket.number}} waits ({{ticket.status}}, {{ticket.priority}})" }, FACTS, {
      "ticket.number": "WX-1",
    });
    expect(outcome.note).toBe("WX-1 waits (INFORM_CUSTOMER, MEDIUM)");
  });
});

describe("actionProblems", () => {
  it.each([
    [{}, ["actions"]],
    [{ alertSupervisors: false, addTags: [] }, ["actions"]],
    [{ raisePriority: "LOW" as const }, ["actions.raisePriority"]],
    [{ note: "Hi {{nobody}}" }, ["actions.note"]],
    [{ note: "Hi {{customer.name}}" }, []],
    [{ escalateTier: true }, []],
  ])("%j: %j", (actions, fields) => {
    expect(actionProblems(actions).map((p) => p.field)).toEqual(fields);
  });
});
