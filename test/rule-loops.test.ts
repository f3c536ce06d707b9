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

const refusedNaming = (name: string) => ({ __typename: "ValidationError", code: "VALIDATION", field: "input.actions", message: expect.stringContaining(`"${name}"`) });

describe("loops the sampling check let through", () => {
  it("refuses a rule removing a tag at a lower position than an overlapping rule adding it, in either order of saving", async () => {
    const adder: RuleInput = { name: "VIPs are escalated", position: 520, runsOn: ["UPDATED"], conditions: { tags: ["vip"] }, actions: { addTags: ["escalated"] } };
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
    const clearing: RuleInput = { name: "Complaints are not a churn risk", position: 50, runsOn: ["CREATED", "UPDATED"], conditions: { types: ["COMPLAINT"] }, actions: { atRisk: false } };
    expect(await save(clearing)).toMatchObject(refusedNaming("At-risk customers alert the supervisor"));
    expect(await app.db.prisma.routingRule.count({ where: { name: clearing.name } })).toBe(0);
  });
});
