import { describe, expect, it } from "vitest";
import { evaluateRules, findLoop, tierForLevel, type CaseFacts, type Rule } from "../../src/domain/rules.js";

const rule = (id: string, position: number, conditions: Rule["conditions"], actions: Rule["actions"], runsOn = ["CREATED", "UPDATED"]): Rule => ({
  id,
  name: id,
  position,
  runsOn,
  enabled: true,
  conditions,
  actions,
});
const facts: CaseFacts = { type: "TECHNICAL_FAULT", channel: "APP", priority: "MEDIUM", tags: [], teamId: null, tierLevel: 1, atRisk: false };

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
    const rules = [rule("on-create", 1, {}, { priority: "HIGH" }, ["CREATED"]), { ...rule("off", 2, {}, { atRisk: true }), enabled: false }];
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
    expect(evaluateRules(rules, { ...facts, tags: ["spam"] }, "UPDATED").loop).toMatchObject({ stopped: { id: "reviewed-is-spam" }, what: "tag spam" });
    expect(findLoop(rules)).toMatchObject({ stopped: { id: "reviewed-is-spam" }, undid: { id: "drop-spam" } });
  });

  it("finds no loop where rules only add to each other", () => {
    const rules = [rule("a", 1, { tags: ["x"] }, { addTags: ["y"] }), rule("b", 2, { tags: ["y"] }, { tierLevel: 2, atRisk: true })];
    expect(findLoop(rules)).toBeNull();
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

describe("tierForLevel", () => {
  const tiers = [1, 2, 4].map((level) => ({ id: `L${level}`, level }));
  it("picks the lowest tier at or above the level, else the highest", () => {
    expect([1, 2, 3, 4, 9].map((level) => tierForLevel(tiers, level)?.id)).toEqual(["L1", "L2", "L4", "L4", "L4"]);
    expect(tierForLevel([], 1)).toBeUndefined();
  });
});
