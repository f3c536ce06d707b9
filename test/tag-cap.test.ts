// A case carries at most MAX_TAGS tags, whichever road adds them: people and bots
// (addTags, createTicket), macros, and routing rules or tag triggers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TAGS } from "../src/domain/tags.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let admin: TestUser;

const UPSERT = `mutation($i: UpsertRoutingRuleInput!) { upsertRoutingRule(input: $i) { __typename ... on Error { message } } }`;
const ADD_TAGS = `mutation($i: TicketTagsInput!) { addTags(input: $i) { __typename ... on Error { code message } ... on ValidationError { field } } }`;
const SAVE_MACRO = `mutation($i: SaveMacroInput!) { saveMacro(input: $i) { __typename ... on MacroPayload { macro { id } } ... on Error { message } } }`;
const APPLY_MACRO = `mutation($i: ApplyMacroInput!) { applyMacro(input: $i) { __typename ... on Error { code message } ... on ValidationError { field } } }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { tags priority events(first: 100) { edges { node { type note after } } } } }`;

/** `count` distinct tags, the first ones given. */
const tagsOf = (count: number, ...first: string[]) => [...first, ...Array.from({ length: count - first.length }, (_, i) => `filler-${i}`)];

async function state(id: string) {
  const { ticket } = (await app.gql(TICKET, { id }, { token: admin.token })).data;
  return { tags: ticket.tags as string[], priority: ticket.priority, events: ticket.events.edges.map((e: any) => e.node) };
}

beforeAll(async () => {
  app = await createTestApp();
  team = await seedTeam(app, "CS-Tags");
  agent = await seedUser(app, "AGENT", [team.id]);
  admin = await seedUser(app, "ADMIN");
  // A tag trigger: cases tagged "capme" get "cap-extra" and become HIGH.
  const saved = await app.gql(
    UPSERT,
    {
      i: {
        name: "cap trigger",
        position: 0,
        runsOn: ["CREATED", "UPDATED"],
        conditions: { tags: ["capme"] },
        actions: { addTags: ["cap-extra"], priority: "HIGH" },
      },
    },
    { token: admin.token },
  );
  expect(saved.data.upsertRoutingRule.__typename).toBe("RoutingRulePayload");
});
afterAll(() => app.close());

describe("the tag cap", () => {
  it("holds when a rule adds a tag to a case that has 20 already: the tag is left off, the rule's other actions apply, the audit says so", async () => {
    expect(MAX_TAGS).toBe(20);
    const full = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "LOW", tags: tagsOf(20, "capme") });
    const created = await state(full.id);
    expect(created.tags).toHaveLength(20);
    expect(created.tags).not.toContain("cap-extra");
    expect(created.priority).toBe("HIGH");
    const fired = created.events.find((e: any) => e.type === "RULE_FIRED");
    expect(fired.after).toMatchObject({ priority: "HIGH", tagsLeftOff: ["cap-extra"] });

    // The 20th tag comes from a person; the trigger then finds no room.
    const nineteen = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "LOW", tags: tagsOf(19) });
    const added = await app.gql(ADD_TAGS, { i: { ticketId: nineteen.id, tags: ["capme"] } }, { token: agent.token });
    expect(added.data.addTags.__typename).toBe("AddTagsPayload");
    const after = await state(nineteen.id);
    expect(after.tags).toHaveLength(20);
    expect(after.tags).toContain("capme");
    expect(after.tags).not.toContain("cap-extra");
    expect(after.priority).toBe("HIGH");
  });

  it("lets a rule add its tag when there is room", async () => {
    const roomy = await createTicketVia(app, agent.token, { teamId: team.gid, tags: tagsOf(19, "capme") });
    const created = await state(roomy.id);
    expect(created.tags).toHaveLength(20);
    expect(created.tags).toContain("cap-extra");
    expect(created.events.find((e: any) => e.type === "RULE_FIRED").after).not.toHaveProperty("tagsLeftOff");
  });

  it("refuses a person's or a macro's tags past 20, naming the field and changing nothing", async () => {
    const full = await createTicketVia(app, agent.token, { teamId: team.gid, tags: tagsOf(20) });
    const refused = await app.gql(ADD_TAGS, { i: { ticketId: full.id, tags: ["one-more"] } }, { token: agent.token });
    expect(refused.data.addTags).toMatchObject({ __typename: "ValidationError", field: "input.tags" });
    const macro = await app.gql(
      SAVE_MACRO,
      { i: { name: "tagger", visibility: "PERSONAL", actions: { addTags: ["one-more"], priority: "HIGH" } } },
      { token: agent.token },
    );
    expect(macro.data.saveMacro.__typename).toBe("MacroPayload");
    const applied = await app.gql(
      APPLY_MACRO,
      { i: { ticketId: full.id, macroId: macro.data.saveMacro.macro.id } },
      { token: agent.token },
    );
    expect(applied.data.applyMacro).toMatchObject({ __typename: "ValidationError", field: "macro.actions.addTags" });
    const unchanged = await state(full.id);
    expect(unchanged.tags).toHaveLength(20);
    expect(unchanged.events.map((e: any) => e.type)).toEqual(["CREATED"]);
  });
});

describe("concurrent tag changes of one case", () => {
  it("let one win and answer the others with a typed error, never INTERNAL", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => app.gql(ADD_TAGS, { i: { ticketId: ticket.id, tags: ["raced"] } }, { token: agent.token })),
    );
    const outcomes = answers.map((answer) => answer.data?.addTags?.__typename ?? JSON.stringify(answer.errors));
    expect(outcomes.filter((outcome) => outcome === "AddTagsPayload")).toHaveLength(1);
    // Later ones find the tag there (ValidationError) or lost the race for the case (VersionConflictError).
    expect(outcomes.filter((outcome) => outcome !== "AddTagsPayload" && !/^(ValidationError|VersionConflictError)$/.test(outcome))).toEqual(
      [],
    );
    expect((await state(ticket.id)).tags).toEqual(["raced"]);
  });
});
