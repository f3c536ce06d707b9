// Saving routing rules that would undo each other: refused by analysis of the two rules'
// conditions and actions, whatever their positions and whichever was saved first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let admin: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  admin = await seedUser(app, "ADMIN");
});
afterAll(() => app.close());

const UPSERT = `mutation($i: UpsertRoutingRuleInput!) { upsertRoutingRule(input: $i) {
  __typename ... on Error { code message } ... on ValidationError { field } } }`;

interface RuleInput {
  name: string;
  position: number;
  runsOn: string[];
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
}

async function save(input: RuleInput) {
  return (await app.gql(UPSERT, { i: input }, { token: admin.token })).data.upsertRoutingRule;
}

async function removeRules(names: string[]) {
  await app.db.prisma.routingRule.deleteMany({ where: { name: { in: names } } });
}

const refusedNaming = (name: string) => ({
  __typename: "ValidationError",
  code: "VALIDATION",
  field: "input.actions",
  message: expect.stringContaining(`"${name}"`),
});

describe("loops the sampling check let through", () => {
  it("refuses a rule removing a tag at a lower position than an overlapping rule adding it, in either order of saving", async () => {
    const adder: RuleInput = {
      name: "VIPs are escalated",
      position: 520,
      runsOn: ["UPDATED"],
      conditions: { tags: ["vip"] },
      actions: { addTags: ["escalated"] },
    };
    const remover: RuleInput = {
      name: "Low-priority escalations are dropped",
      position: 510,
      runsOn: ["UPDATED"],
      conditions: { tags: ["escalated"], priorities: ["LOW"] },
      actions: { removeTags: ["escalated"] },
    };
    for (const [first, second] of [
      [adder, remover],
      [remover, adder],
    ] as const) {
      expect(await save(first)).toMatchObject({ __typename: "RoutingRulePayload" });
      expect(await save(second)).toMatchObject(refusedNaming(first.name));
      expect(await app.db.prisma.routingRule.count({ where: { name: second.name } })).toBe(0);
      await removeRules([first.name]);
    }
  });

  it("refuses clearing the at-risk flag on complaints beside the seeded at_risk trigger", async () => {
    const clearing: RuleInput = {
      name: "Complaints are not a churn risk",
      position: 50,
      runsOn: ["CREATED", "UPDATED"],
      conditions: { types: ["COMPLAINT"] },
      actions: { atRisk: false },
    };
    expect(await save(clearing)).toMatchObject(refusedNaming("At-risk customers alert the supervisor"));
    expect(await app.db.prisma.routingRule.count({ where: { name: clearing.name } })).toBe(0);
  });
});

describe("saves at the same time", () => {
  it("let only one of two rules that undo each other in, however many times it is tried", async () => {
    for (let round = 0; round < 10; round++) {
      const raise: RuleInput = {
        name: `Refunds are HIGH ${round}`,
        position: 600,
        runsOn: ["UPDATED"],
        conditions: { tags: ["refund"] },
        actions: { priority: "HIGH" },
      };
      const lower: RuleInput = {
        name: `Email is LOW ${round}`,
        position: 610,
        runsOn: ["UPDATED"],
        conditions: { channels: ["EMAIL"] },
        actions: { priority: "LOW" },
      };
      const results = await Promise.all([save(raise), save(lower)]);
      expect(results.map((r) => r.__typename).sort(), `round ${round}`).toEqual(["RoutingRulePayload", "ValidationError"]);
      expect(await app.db.prisma.routingRule.count({ where: { name: { in: [raise.name, lower.name] } } })).toBe(1);
      await removeRules([raise.name, lower.name]);
    }
  });
});

describe("every pair of action kinds, saved in both orders", () => {
  // What each kind of action looks like twice over; a second of the same kind differs
  // from the first. A team's second moves cases out of the first's team.
  type Sample = { conditions?: Record<string, unknown>; actions: Record<string, unknown> };
  let samples: Record<string, [Sample, Sample]>;
  // Written out by hand rather than derived from the analysis: the kinds whose pairs undo
  // each other (the first of each kind against the first of the other, or the two of one kind).
  const UNDOING = new Set(["priority+priority", "atRisk+atRisk", "addTags+removeTags", "teamId+teamId"]);
  let switchedOff: string[] = [];

  beforeAll(async () => {
    const [t1, t2] = [await seedTeam(app), await seedTeam(app)];
    const [ann, bob] = [await seedUser(app, "AGENT", [t1.id]), await seedUser(app, "AGENT", [t1.id])];
    samples = {
      teamId: [{ actions: { teamId: t1.gid } }, { conditions: { teamIds: [t1.gid] }, actions: { teamId: t2.gid } }],
      tierLevel: [{ actions: { tierLevel: 2 } }, { actions: { tierLevel: 3 } }],
      priority: [{ actions: { priority: "HIGH" } }, { actions: { priority: "LOW" } }],
      addTags: [{ actions: { addTags: ["gen_x"] } }, { actions: { addTags: ["gen_y"] } }],
      removeTags: [{ actions: { removeTags: ["gen_x"] } }, { actions: { removeTags: ["gen_y"] } }],
      atRisk: [{ actions: { atRisk: true } }, { actions: { atRisk: false } }],
      assign: [{ actions: { assign: "ROUND_ROBIN" } }, { actions: { assign: "LEAST_LOADED" } }],
      assigneeId: [{ actions: { assigneeId: ann.gid } }, { actions: { assigneeId: bob.gid } }],
      alertSupervisors: [{ actions: { alertSupervisors: true } }, { actions: { alertSupervisors: true } }],
    };
    // Each pair meets only itself: the seeded rules have their own test above.
    switchedOff = (await app.db.prisma.routingRule.findMany({ where: { enabled: true }, select: { id: true } })).map((r) => r.id);
    await app.db.prisma.routingRule.updateMany({ where: { id: { in: switchedOff } }, data: { enabled: false } });
  });
  afterAll(async () => {
    await app.db.prisma.routingRule.updateMany({ where: { id: { in: switchedOff } }, data: { enabled: true } });
  });

  /** Two rules of kinds k1 and k2; their own conditions plus a type and a channel that overlap, or two types that do not. */
  function pair(k1: string, k2: string, overlapping: boolean): [RuleInput, RuleInput] {
    const [a, b] = k1 === k2 ? samples[k1]! : [samples[k1]![0], samples[k2]![0]];
    const label = `gen ${k1} + ${k2}${overlapping ? "" : " (disjoint)"}`;
    return [
      {
        name: `${label}: A`,
        position: 500,
        runsOn: ["CREATED", "UPDATED"],
        conditions: { ...a.conditions, types: ["COMPLAINT"] },
        actions: a.actions,
      },
      {
        name: `${label}: B`,
        position: 400,
        runsOn: ["CREATED", "UPDATED"],
        conditions: { ...b.conditions, ...(overlapping ? { channels: ["EMAIL"] } : { types: ["INQUIRY"] }) },
        actions: b.actions,
      },
    ];
  }

  it("refuses the second save naming the first when the actions undo each other and the conditions overlap; accepts the rest", async () => {
    const kinds = Object.keys(samples);
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const [i, k1] of kinds.entries()) {
      for (const k2 of kinds.slice(i)) {
        const undoing = UNDOING.has(`${k1}+${k2}`) || UNDOING.has(`${k2}+${k1}`);
        for (const overlapping of undoing ? [true, false] : [true]) {
          const [a, b] = pair(k1, k2, overlapping);
          for (const [first, second] of [
            [a, b],
            [b, a],
          ] as const) {
            expect(await save(first), first.name).toMatchObject({ __typename: "RoutingRulePayload" });
            const result = await save(second);
            const stored = await app.db.prisma.routingRule.count({ where: { name: second.name } });
            const refused =
              result.__typename === "ValidationError" &&
              result.field === "input.actions" &&
              result.message.includes(`"${first.name}"`) &&
              stored === 0;
            const accepted = result.__typename === "RoutingRulePayload" && stored === 1;
            outcomes.push(`${first.name} then ${second.name}: ${refused ? "refused" : accepted ? "accepted" : JSON.stringify(result)}`);
            expected.push(`${first.name} then ${second.name}: ${undoing && overlapping ? "refused" : "accepted"}`);
            await removeRules([first.name, second.name]);
          }
        }
      }
    }
    expect(outcomes).toEqual(expected);
    expect(outcomes.filter((o) => o.endsWith("refused"))).toHaveLength(UNDOING.size * 2);
    expect(outcomes).toHaveLength(((kinds.length * (kinds.length + 1)) / 2) * 2 + UNDOING.size * 2);
  });
});
