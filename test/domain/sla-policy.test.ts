// Which SLA policy a case gets. The table is generated: every set of the eight scopes
// (default, tier, team, team+tier, channel, tier+channel, team+channel,
// team+tier+channel) that could cover one case is offered, with policies for another team,
// tier, channel or priority mixed in, in every order the generator tries, and the winner
// must be the first of the set in the documented precedence.
import { describe, expect, it } from "vitest";
import { type PolicySubject, type PolicyTargets, policiesOverlap, selectPolicy } from "../../src/domain/sla.js";
import type { Channel } from "../../src/generated/prisma/enums.js";

const CASE: PolicySubject = { priority: "HIGH", teamId: "team-a", tierLevel: 2, channel: "CHAT" };

interface Scope {
  team: boolean;
  tier: boolean;
  channel: boolean;
}

/** docs/domain.md "Which policy applies", most specific first. */
const PRECEDENCE: readonly string[] = [
  "team+tier+channel",
  "team+channel",
  "tier+channel",
  "channel",
  "team+tier",
  "team",
  "tier",
  "default",
];

const nameOf = (s: Scope) => [s.team && "team", s.tier && "tier", s.channel && "channel"].filter(Boolean).join("+") || "default";

function policy(name: string, over: Partial<PolicyTargets> = {}): PolicyTargets {
  return {
    name,
    priority: "HIGH",
    teamId: null,
    tierLevel: null,
    channels: [],
    firstResponseSeconds: 60,
    resolutionSeconds: 600,
    followUpSeconds: 600,
    warningBeforeSeconds: 0,
    ...over,
  };
}

function covering(scope: Scope, channels: Channel[] = ["CHAT"]): PolicyTargets {
  return policy(nameOf(scope), {
    teamId: scope.team ? CASE.teamId : null,
    tierLevel: scope.tier ? CASE.tierLevel : null,
    channels: scope.channel ? channels : [],
  });
}

// Policies that name something else about the case never apply, whatever their specificity.
const DECOYS: PolicyTargets[] = [
  policy("other team", { teamId: "team-b", tierLevel: 2, channels: ["CHAT"] }),
  policy("other tier", { teamId: "team-a", tierLevel: 3, channels: ["CHAT"] }),
  policy("other channel", { teamId: "team-a", tierLevel: 2, channels: ["EMAIL", "PHONE"] }),
  policy("other priority", { priority: "LOW", teamId: "team-a", tierLevel: 2, channels: ["CHAT"] }),
];

const SCOPES: Scope[] = [false, true].flatMap((team) =>
  [false, true].flatMap((tier) => [false, true].map((channel) => ({ team, tier, channel }))),
);

/** Every subset of the eight scopes, as bit masks over SCOPES. */
const SUBSETS = Array.from({ length: 2 ** SCOPES.length }, (_, mask) => SCOPES.filter((_s, i) => mask & (1 << i)));

describe("selectPolicy precedence", () => {
  it("the table covers all eight scopes and all 256 combinations of them", () => {
    expect(new Set(SCOPES.map(nameOf))).toEqual(new Set(PRECEDENCE));
    expect(SUBSETS).toHaveLength(256);
  });

  it.each(SUBSETS.map((subset) => [subset.map(nameOf).join(", ") || "(none)", subset] as const))("offered %s", (_label, subset) => {
    const offered = subset.map((scope) => covering(scope));
    const expected = PRECEDENCE.find((name) => subset.some((scope) => nameOf(scope) === name)) ?? null;
    // The order policies are read in never matters: forwards, backwards, decoys first and last.
    for (const policies of [
      [...offered, ...DECOYS],
      [...DECOYS, ...offered].reverse(),
      [...DECOYS.slice(0, 2), ...offered.reverse(), ...DECOYS.slice(2)],
    ]) {
      expect(selectPolicy(policies, CASE)?.name ?? null).toBe(expected);
    }
  });

  it("a policy listing several channels covers each of them and no other", () => {
    const multi = policy("chat or phone", { channels: ["CHAT", "PHONE"] });
    const fallback = policy("default");
    for (const channel of ["CHAT", "PHONE"] as const)
      expect(selectPolicy([fallback, multi], { ...CASE, channel })?.name).toBe("chat or phone");
    expect(selectPolicy([fallback, multi], { ...CASE, channel: "WECHAT" })?.name).toBe("default");
  });

  it("breaks a tie (policies the save check should have refused) by fewer channels, then name", () => {
    const wide = policy("a wide", { channels: ["CHAT", "EMAIL"] });
    const narrow = policy("z narrow", { channels: ["CHAT"] });
    expect(selectPolicy([wide, narrow], CASE)?.name).toBe("z narrow");
    expect(selectPolicy([narrow, wide], CASE)?.name).toBe("z narrow");
    const b = policy("b", { channels: ["CHAT"] });
    const a = policy("a", { channels: ["CHAT"] });
    expect(selectPolicy([b, a], CASE)?.name).toBe("a");
    expect(selectPolicy([a, b], CASE)?.name).toBe("a");
  });

  it("no covering policy: null", () => {
    expect(selectPolicy(DECOYS, CASE)).toBeNull();
  });
});

describe("policiesOverlap (the save check)", () => {
  const base = { priority: "HIGH" as const, teamId: "team-a", tierLevel: null };
  it.each([
    [[], [], true],
    [[], ["CHAT"], false],
    [["CHAT"], [], false],
    [["CHAT"], ["CHAT"], true],
    [["CHAT", "PHONE"], ["PHONE", "EMAIL"], true],
    [["CHAT"], ["EMAIL"], false],
  ] as [Channel[], Channel[], boolean][])("%j against %j: %s", (a, b, overlap) => {
    expect(policiesOverlap({ ...base, channels: a }, { ...base, channels: b })).toBe(overlap);
  });

  it("another priority, team or tier never overlaps", () => {
    const chat = { ...base, channels: ["CHAT"] as Channel[] };
    expect(policiesOverlap(chat, { ...chat, priority: "LOW" })).toBe(false);
    expect(policiesOverlap(chat, { ...chat, teamId: null })).toBe(false);
    expect(policiesOverlap(chat, { ...chat, tierLevel: 1 })).toBe(false);
  });
});
