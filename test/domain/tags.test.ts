import { describe, expect, it } from "vitest";
import { type CaseFacts, evaluateRules, type Rule } from "../../src/domain/rules.js";
import { byCodePoint, MAX_TAGS, tagChange } from "../../src/domain/tags.js";

const filler = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

describe("tagChange", () => {
  it("adds what fits under MAX_TAGS, in the order given, and names what was left off", () => {
    expect(MAX_TAGS).toBe(20);
    expect(tagChange(filler(18), ["a", "b", "c"])).toEqual({
      tags: [...filler(18), "a", "b"],
      added: ["a", "b"],
      removed: [],
      leftOff: ["c"],
    });
    expect(tagChange(filler(20), ["a"])).toMatchObject({ tags: filler(20), added: [], leftOff: ["a"] });
    expect(tagChange([], ["a", "a", "b"])).toMatchObject({ tags: ["a", "b"], added: ["a", "b"], leftOff: [] });
  });

  it("neither adds nor leaves off a tag the case has, even when it is full", () => {
    expect(tagChange(filler(20), ["t3"])).toMatchObject({ tags: filler(20), added: [], leftOff: [] });
  });

  it("removes first, so a removal makes room for an addition", () => {
    expect(tagChange(filler(20), ["a"], ["t0"])).toEqual({
      tags: [...filler(20).slice(1), "a"],
      added: ["a"],
      removed: ["t0"],
      leftOff: [],
    });
    expect(tagChange(["x"], [], ["y"])).toMatchObject({ tags: ["x"], removed: [] });
  });

  it("keeps a case that carries more than the cap as it is, gaining nothing", () => {
    expect(tagChange(filler(22), ["a"])).toMatchObject({ tags: filler(22), added: [], leftOff: ["a"] });
    expect(tagChange(filler(22), ["a"], ["t0", "t1", "t2"])).toMatchObject({ added: ["a"], leftOff: [] });
  });
});

describe("evaluateRules keeps to the cap", () => {
  const rule = (id: string, position: number, conditions: Rule["conditions"], actions: Rule["actions"]): Rule => ({
    id,
    name: id,
    position,
    runsOn: ["CREATED", "UPDATED"],
    enabled: true,
    conditions,
    actions,
  });
  const facts = (tags: string[]): CaseFacts => ({
    type: "COMPLAINT",
    channel: "WEB",
    priority: "LOW",
    tags,
    teamId: null,
    tierLevel: 1,
    atRisk: false,
  });

  it("leaves a rule's tags off a full case, applies its other actions and names the tags in its firing", () => {
    const adder = rule("adder", 0, { tags: ["t0"] }, { addTags: ["extra"], priority: "HIGH" });
    const result = evaluateRules([adder], facts(filler(20)), "UPDATED");
    expect(result.facts.tags).toEqual(filler(20));
    expect(result.facts.priority).toBe("HIGH");
    expect(result.firings).toEqual([
      { rule: adder, changes: [{ field: "priority", before: "LOW", after: "HIGH" }], tagsLeftOff: ["extra"] },
    ]);
  });

  it("records a firing whose only action did not fit, so the audit trail shows it", () => {
    const adder = rule("adder", 0, {}, { addTags: ["extra"] });
    expect(evaluateRules([adder], facts(filler(20)), "CREATED").firings).toEqual([{ rule: adder, changes: [], tagsLeftOff: ["extra"] }]);
  });

  it("does not let a left-off tag trigger the rules that watch for it", () => {
    const adder = rule("adder", 0, {}, { addTags: ["system_crash"] });
    const trigger = rule("trigger", 1, { tags: ["system_crash"] }, { tierLevel: 2 });
    expect(evaluateRules([adder, trigger], facts(filler(20)), "CREATED").facts.tierLevel).toBe(1);
    expect(evaluateRules([adder, trigger], facts(filler(19)), "CREATED").facts.tierLevel).toBe(2);
  });
});

describe("byCodePoint", () => {
  it('orders tags by code point, as PostgreSQL\'s COLLATE "C" does, not by UTF-16 unit', () => {
    expect(["﨎a", "𠀀a", "vip", "VIP", "über"].sort(byCodePoint)).toEqual(["VIP", "vip", "über", "﨎a", "𠀀a"]);
  });
});
