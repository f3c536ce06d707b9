import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTES, DEFAULT_TRIGGERS } from "../../src/domain/defaults.js";
import {
  type CaseFacts,
  conditionsOverlap,
  evaluateRules,
  loopOnSave,
  type Rule,
  ruleConflict,
  settableBy,
  tierForLevel,
  undoes,
} from "../../src/domain/rules.js";

const rule = (
  id: string,
  position: number,
  conditions: Rule["conditions"],
  actions: Rule["actions"],
  runsOn = ["CREATED", "UPDATED"],
): Rule => ({
  id,
  name: id,
  position,
  runsOn,
  enabled: true,
  conditions,
  actions,
});
const facts: CaseFacts = {
  type: "TECHNICAL_FAULT",
  channel: "APP",
  priority: "MEDIUM",
  tags: [],
  teamId: null,
  tierLevel: 1,
  atRisk: false,
};

describe("rule evaluation", () => {
  it("routes by the first matching rule in position order; an explicit team wins over all", () => {
    const rules = [
      rule("complaints", 20, { types: ["COMPLAINT"] }, { teamId: "complaints" }),
      rule("tech", 30, { types: ["TECHNICAL_FAULT"] }, { teamId: "tech" }),
      rule("payments", 10, { types: ["TECHNICAL_FAULT"], tags: ["payments"] }, { teamId: "payments" }),
    ];
    expect(evaluateRules(rules, facts, "CREATED").facts.teamId).toBe("tech");
    expect(evaluateRules(rules, { ...facts, tags: ["payments"] }, "CREATED").facts.teamId).toBe("payments");
    expect(evaluateRules(rules, { ...facts, type: "SUGGESTION" }, "CREATED").facts.teamId).toBeNull();
    expect(evaluateRules(rules, { ...facts, teamId: "mine" }, "CREATED", { teamFixed: true }).facts.teamId).toBe("mine");
  });

  it("runs only rules for the event, and only enabled ones", () => {
    const rules = [
      rule("on-create", 1, {}, { priority: "HIGH" }, ["CREATED"]),
      { ...rule("off", 2, {}, { atRisk: true }), enabled: false },
    ];
    expect(evaluateRules(rules, facts, "UPDATED").firings).toEqual([]);
    const created = evaluateRules(rules, facts, "CREATED");
    expect(created.facts).toMatchObject({ priority: "HIGH", atRisk: false });
  });

  it("restarts from the first rule after a change, so a tag added late triggers an earlier rule; each fires once", () => {
    const rules = [
      rule("crash-to-l2", 10, { tags: ["system_crash"] }, { tierLevel: 2 }),
      rule("outage-is-crash", 50, { tags: ["outage"] }, { addTags: ["system_crash"] }),
    ];
    const result = evaluateRules(rules, { ...facts, tags: ["outage"] }, "UPDATED");
    expect(result.facts).toMatchObject({ tierLevel: 2, tags: ["outage", "system_crash"] });
    expect(result.firings.map((f) => f.rule.id)).toEqual(["outage-is-crash", "crash-to-l2"]);
    expect(result.firings[1]!.changes).toEqual([{ field: "tierLevel", before: 1, after: 2 }]);
  });

  it("only raises tiers: the highest asked for applies, a lower one changes nothing", () => {
    const rules = [rule("l3", 1, {}, { tierLevel: 3 }), rule("l2", 2, {}, { tierLevel: 2 })];
    const result = evaluateRules(rules, facts, "CREATED");
    expect(result.facts.tierLevel).toBe(3);
    expect(result.firings.map((f) => f.rule.id)).toEqual(["l3"]);
  });

  it("stops a rule that undoes another rule's change, before it changes anything", () => {
    const rules = [
      rule("vip-high", 10, { tags: ["vip"] }, { priority: "HIGH" }),
      rule("app-medium", 20, { priorities: ["HIGH"], channels: ["APP"] }, { priority: "MEDIUM", addTags: ["checked"] }),
    ];
    const result = evaluateRules(rules, { ...facts, tags: ["vip"] }, "UPDATED");
    expect(result.loop).toMatchObject({ stopped: { id: "app-medium" }, undid: { id: "vip-high" }, what: "priority" });
    expect(result.facts).toMatchObject({ priority: "HIGH", tags: ["vip"] });
    expect(result.firings.map((f) => f.rule.id)).toEqual(["vip-high"]);
  });

  it("sees a tag one rule removes and another adds back as a loop", () => {
    const rules = [
      rule("drop-spam", 10, { tags: ["spam"] }, { removeTags: ["spam"], addTags: ["reviewed"] }),
      rule("reviewed-is-spam", 20, { tags: ["reviewed"] }, { addTags: ["spam"] }),
    ];
    expect(evaluateRules(rules, { ...facts, tags: ["spam"] }, "UPDATED").loop).toMatchObject({
      stopped: { id: "reviewed-is-spam" },
      what: "tag spam",
    });
    expect(loopOnSave([rules[0]!], rules[1]!)).toMatchObject({
      rules: [{ id: "reviewed-is-spam" }, { id: "drop-spam" }],
      what: "tag spam",
    });
  });

  it("keeps the first assignment strategy, none for an assigned case, and collects alerts", () => {
    const rules = [rule("rr", 1, {}, { assign: "ROUND_ROBIN" }), rule("ll", 2, {}, { assign: "LEAST_LOADED", alertSupervisors: true })];
    const result = evaluateRules(rules, facts, "CREATED");
    expect(result.assign).toMatchObject({ strategy: "ROUND_ROBIN", rule: { id: "rr" } });
    expect(result.alerts.map((r) => r.id)).toEqual(["ll"]);
    expect(evaluateRules(rules, facts, "CREATED", { assigned: true }).assign).toBeNull();
    const fixed = [rule("to-ann", 0, { tags: ["vip"] }, { assigneeId: "ann" }), ...rules];
    expect(evaluateRules(fixed, { ...facts, tags: ["vip"] }, "CREATED").assign).toMatchObject({ userId: "ann", rule: { id: "to-ann" } });
  });
});

describe("loop analysis", () => {
  const none = settableBy([]);

  it("sees conditions overlap only where every dimension can hold at once", () => {
    const on = (conditions: Rule["conditions"], runsOn?: string[]) =>
      rule(JSON.stringify(conditions), 1, conditions, { alertSupervisors: true }, runsOn);
    expect(conditionsOverlap(on({}), on({}), none)).toBe(true);
    expect(conditionsOverlap(on({}, ["CREATED"]), on({}, ["UPDATED"]), none)).toBe(false);
    expect(conditionsOverlap(on({ types: ["COMPLAINT"] }), on({ types: ["INQUIRY", "COMPLAINT"] }), none)).toBe(true);
    expect(conditionsOverlap(on({ types: ["COMPLAINT"] }), on({ types: ["INQUIRY"] }), none)).toBe(false);
    expect(conditionsOverlap(on({ types: ["COMPLAINT"] }), on({ types: [] }), none)).toBe(true);
    expect(conditionsOverlap(on({ channels: ["EMAIL"] }), on({ channels: ["APP"] }), none)).toBe(false);
    expect(conditionsOverlap(on({ types: ["COMPLAINT"] }), on({ channels: ["APP"] }), none)).toBe(true);
    // A case may carry both tags.
    expect(conditionsOverlap(on({ tags: ["x"] }), on({ tags: ["y"] }), none)).toBe(true);
  });

  it("lets a priority or team some rule sets bridge conditions that never meet on a case as it comes", () => {
    const low = rule("low", 1, { priorities: ["LOW"] }, { atRisk: true });
    const high = rule("high", 2, { priorities: ["HIGH"] }, { atRisk: false });
    expect(conditionsOverlap(low, high, none)).toBe(false);
    expect(conditionsOverlap(low, high, settableBy([rule("raise", 3, {}, { priority: "HIGH" })]))).toBe(true);
    expect(conditionsOverlap(low, high, settableBy([{ ...rule("raise", 3, {}, { priority: "HIGH" }), enabled: false }]))).toBe(false);
    const t1 = rule("t1", 1, { teamIds: ["T1"] }, { atRisk: true });
    const t2 = rule("t2", 2, { teamIds: ["T2"] }, { atRisk: false });
    expect(conditionsOverlap(t1, t2, none)).toBe(false);
    expect(conditionsOverlap(t1, t2, settableBy([rule("to-t2", 3, {}, { teamId: "T2" })]))).toBe(true);
  });

  it("names what one rule's actions undo of the other's, in either order", () => {
    const pairs: [Rule["actions"], Rule["actions"], string | null][] = [
      [{ priority: "HIGH" }, { priority: "LOW" }, "priority"],
      [{ priority: "HIGH" }, { priority: "HIGH", atRisk: true }, null],
      [{ atRisk: true }, { atRisk: false }, "at-risk flag"],
      [{ atRisk: true }, { atRisk: true }, null],
      [{ addTags: ["a", "x"] }, { removeTags: ["x"] }, "tag x"],
      [{ addTags: ["x"] }, { addTags: ["x"], removeTags: ["y"] }, null],
      [{ tierLevel: 2 }, { tierLevel: 3 }, null],
      [{ assigneeId: "ann" }, { assigneeId: "bob" }, null],
      [{ assigneeId: "ann" }, { assign: "LEAST_LOADED" }, null],
      [{ assign: "ROUND_ROBIN" }, { assign: "LEAST_LOADED" }, null],
      [{ teamId: "T1" }, { teamId: "T2" }, null],
      [{ alertSupervisors: true }, { alertSupervisors: true }, null],
    ];
    for (const [x, y, what] of pairs) {
      expect(undoes(rule("a", 1, {}, x), rule("b", 2, {}, y)), JSON.stringify([x, y])).toBe(what);
      expect(undoes(rule("b", 2, {}, y), rule("a", 1, {}, x)), JSON.stringify([y, x])).toBe(what);
    }
  });

  /** The owning team after each of `updates` successive UPDATED evaluations. */
  const teamsOverUpdates = (rules: Rule[], start: CaseFacts, updates: number) => {
    const seen: (string | null)[] = [];
    let current = start;
    for (let i = 0; i < updates; i++) {
      current = evaluateRules(rules, current, "UPDATED").facts;
      seen.push(current.teamId);
    }
    return seen;
  };

  it("sees teams as undone only where they take turns on successive updates", () => {
    const moveOut = rule("T1 cases go to T2", 10, { teamIds: ["T1"] }, { teamId: "T2" });
    const intoT1 = rule("everything to T1", 20, {}, { teamId: "T1" });
    // The behaviour the analysis predicts: the case changes team on every update.
    expect(teamsOverUpdates([moveOut, intoT1], { ...facts, teamId: "T1" }, 4)).toEqual(["T2", "T1", "T2", "T1"]);
    expect(undoes(moveOut, intoT1)).toBe("team");
    expect(undoes(intoT1, { ...moveOut, position: 30 })).toBe("team");
    // Routing-table precedence: the first by position owns the case, update after update.
    const vip = rule("VIPs to T3", 5, { tags: ["vip"] }, { teamId: "T3" });
    expect(teamsOverUpdates([vip, intoT1], { ...facts, tags: ["vip"] }, 3)).toEqual(["T3", "T3", "T3"]);
    expect(undoes(vip, intoT1)).toBeNull();
    // Only UPDATED repeats; a mover that also matches in its target stays there.
    expect(undoes({ ...moveOut, runsOn: ["CREATED"] }, intoT1)).toBeNull();
    expect(undoes(rule("T1 and T2 to T2", 10, { teamIds: ["T1", "T2"] }, { teamId: "T2" }), intoT1)).toBeNull();
    // A mover out of T1 beside a rule that only acts in T2 never sends the case back.
    expect(undoes(moveOut, rule("T2 to T1", 20, { teamIds: ["T3"] }, { teamId: "T1" }))).toBeNull();
  });

  it("finds every loop the evaluation would stop, for each pair of condition and action variants", () => {
    const conditions: Rule["conditions"][] = [
      {},
      { types: ["COMPLAINT"] },
      { types: ["INQUIRY"] },
      { channels: ["EMAIL"] },
      { priorities: ["LOW"] },
      { priorities: ["HIGH"] },
      { tags: ["x"] },
    ];
    const actions: Rule["actions"][] = [
      { priority: "HIGH" },
      { priority: "LOW" },
      { atRisk: true },
      { atRisk: false },
      { addTags: ["x"] },
      { removeTags: ["x"] },
      { teamId: "T1" },
      { tierLevel: 2 },
    ];
    const rules = conditions.flatMap((c, i) => actions.map((a, j) => rule(`r${i}-${j}`, i * 10 + j, c, a)));
    const cases: CaseFacts[] = [];
    for (const type of ["COMPLAINT", "INQUIRY"] as const)
      for (const channel of ["EMAIL", "WEB"] as const)
        for (const priority of ["LOW", "MEDIUM", "HIGH"] as const)
          for (const tags of [[], ["x"]]) cases.push({ ...facts, type, channel, priority, tags });
    let loops = 0;
    for (const a of rules) {
      for (const b of rules) {
        if (a === b) continue;
        const settable = settableBy([a, b]);
        const found = ruleConflict(a, b, settable);
        for (const event of ["CREATED", "UPDATED"] as const) {
          for (const start of cases) {
            const { loop } = evaluateRules([a, b], start, event);
            if (!loop) continue;
            loops++;
            expect(found, `${a.id} ${b.id} on ${JSON.stringify(start)}`).not.toBeNull();
          }
        }
      }
    }
    expect(loops).toBeGreaterThan(0);
  });

  it("refuses a save that would loop, whatever the positions and the order of saving", () => {
    const adder = rule("vip-escalated", 20, { tags: ["vip"] }, { addTags: ["escalated"] }, ["UPDATED"]);
    const remover = rule("low-not-escalated", 10, { tags: ["escalated"], priorities: ["LOW"] }, { removeTags: ["escalated"] }, ["UPDATED"]);
    expect(loopOnSave([adder], remover)).toMatchObject({ rules: [{ id: remover.id }, { id: adder.id }], what: "tag escalated" });
    expect(loopOnSave([remover], adder)).toMatchObject({ rules: [{ id: adder.id }, { id: remover.id }], what: "tag escalated" });
    expect(loopOnSave([{ ...remover, position: 99 }], adder)).not.toBeNull();
    expect(loopOnSave([{ ...remover, enabled: false }], adder)).toBeNull();
    expect(loopOnSave([remover], { ...adder, enabled: false })).toBeNull();
    // Saving a rule again compares it with the others, not with its stored self.
    expect(loopOnSave([adder, remover], { ...remover, actions: { removeTags: ["vip_checked"] } })).toBeNull();
  });

  it("refuses clearing the at-risk flag on complaints beside the seeded at_risk trigger", () => {
    const seeded = DEFAULT_TRIGGERS.map((t, i) => ({
      ...rule(`trigger-${i}`, t.position, t.conditions, t.actions, t.runsOn),
      name: t.name,
    }));
    const clearing = rule("complaints-not-at-risk", 50, { types: ["COMPLAINT"] }, { atRisk: false });
    expect(loopOnSave(seeded, clearing)).toMatchObject({
      rules: [{ id: clearing.id }, { name: "At-risk customers alert the supervisor" }],
      what: "at-risk flag",
    });
  });

  it("refuses a rule whose priority or team lets two other rules meet, naming both; keeps older loops out of it", () => {
    const low = rule("low", 1, { priorities: ["LOW"] }, { atRisk: true });
    const high = rule("high", 2, { priorities: ["HIGH"] }, { atRisk: false });
    const raise = rule("raise", 3, { tags: ["vip"] }, { priority: "HIGH" });
    expect(loopOnSave([low, high], raise)).toMatchObject({ rules: [{ id: "low" }, { id: "high" }], what: "at-risk flag" });
    expect(loopOnSave([low, high], { ...raise, actions: { priority: "MEDIUM" } })).toBeNull();
    const older = [rule("old-high", 1, {}, { priority: "HIGH" }), rule("old-low", 2, {}, { priority: "LOW" })];
    expect(loopOnSave(older, rule("unrelated", 3, {}, { tierLevel: 2 }))).toBeNull();
  });

  it("finds no loop among the seeded routes and triggers", () => {
    const seeded: Rule[] = [
      ...DEFAULT_ROUTES.map((r, i) => rule(`route-${r.type}`, (i + 1) * 10, { types: [r.type] }, { teamId: r.team }, ["CREATED"])),
      ...DEFAULT_TRIGGERS.map((t) => rule(t.name, t.position, t.conditions, t.actions, t.runsOn)),
    ];
    for (const candidate of seeded) expect(loopOnSave(seeded, candidate), candidate.id).toBeNull();
  });
});

describe("tierForLevel", () => {
  const tiers = [1, 2, 4].map((level) => ({ id: `L${level}`, level }));
  it("picks the lowest tier at or above the level, else the highest", () => {
    expect([1, 2, 3, 4, 9].map((level) => tierForLevel(tiers, level)?.id)).toEqual(["L1", "L2", "L4", "L4", "L4"]);
    expect(tierForLevel([], 1)).toBeUndefined();
  });
});
