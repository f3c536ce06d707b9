import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let colleague: TestUser;
let supervisor: TestUser;

const SAVE = `mutation($i: SaveMacroInput!) { saveMacro(input: $i) {
  __typename ... on MacroPayload { macro { id name visibility team { name } actions { addTags priority status comment { template visibility } } } }
  ... on Error { code message } ... on ValidationError { field } } }`;
const APPLY = `mutation($i: ApplyMacroInput!) { applyMacro(input: $i) {
  __typename
  ... on ApplyMacroPayload { ticket { status priority tags tier { level } assignee { id } version comments(last: 5) { edges { node { body visibility } } } } }
  ... on Error { code message } ... on InvalidTransitionError { allowed } ... on VersionConflictError { currentVersion } } }`;

beforeAll(async () => {
  app = await createTestApp();
  team = await seedTeam(app, "CS-Payment");
  agent = await seedUser(app, "AGENT", [team.id], { name: "Ada" });
  colleague = await seedUser(app, "AGENT", [team.id]);
  supervisor = await seedUser(app, "SUPERVISOR", [team.id]);
});
afterAll(() => app.close());

async function saveMacro(token: string, input: Record<string, unknown>) {
  return (await app.gql(SAVE, { i: input }, { token })).data.saveMacro;
}

async function caseInTeamChecking() {
  const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, requester: { name: "Li Lei", contact: "13812345678" } });
  await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" });
  await moveVia(app, agent.token, { id: ticket.id, to: "TEAM_CHECKING" });
  return ticket;
}

const snapshot = async (number: string) => {
  const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { number }, include: { tags: true, comments: true, events: true } });
  return {
    version: row.version,
    status: row.status,
    priority: row.priority,
    tags: row.tags.length,
    comments: row.comments.length,
    events: row.events.length,
  };
};

describe("macros", () => {
  it("are kept by the right people: team macros by the team's supervisors, global ones by managers", async () => {
    const actions = { priority: "HIGH" };
    expect(await saveMacro(agent.token, { name: "t", visibility: "TEAM", teamId: team.gid, actions })).toMatchObject({
      __typename: "ForbiddenError",
    });
    expect(await saveMacro(supervisor.token, { name: "g", visibility: "GLOBAL", actions })).toMatchObject({ __typename: "ForbiddenError" });
    expect(await saveMacro(supervisor.token, { name: "Urgent", visibility: "TEAM", teamId: team.gid, actions })).toMatchObject({
      __typename: "MacroPayload",
      macro: { visibility: "TEAM", team: { name: "CS-Payment" }, actions: { priority: "HIGH" } },
    });
    expect(await saveMacro(agent.token, { name: "Mine", visibility: "PERSONAL", actions })).toMatchObject({ __typename: "MacroPayload" });
    const listed = async (token: string) => (await app.gql(`{ macros { name } }`, {}, { token })).data.macros.map((m: any) => m.name);
    expect(await listed(agent.token)).toEqual(["Mine", "Urgent"]);
    expect(await listed(colleague.token)).toEqual(["Urgent"]);
  });

  it("refuse unknown placeholders and incoherent actions when saved, naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ comment: { template: "Hi {{customer.nmae}}", visibility: "PUBLIC" } }, "input.actions.comment.template"],
      [{}, "input.actions"],
      [{ status: "DONE" }, "input.actions.resolution"],
      [{ addTags: ["Bad Tag"] }, "input.actions.addTags.0"],
    ];
    for (const [actions, field] of cases) {
      expect(await saveMacro(agent.token, { name: "bad", visibility: "PERSONAL", actions }), JSON.stringify(actions)).toMatchObject({
        __typename: "ValidationError",
        field,
      });
    }
    expect(await saveMacro(agent.token, { name: "bad", visibility: "TEAM", actions: { priority: "LOW" } })).toMatchObject({
      __typename: "ValidationError",
      field: "input.teamId",
    });
    expect(await app.db.prisma.macro.count({ where: { name: "bad" } })).toBe(0);
  });

  it("apply every action in one step: tags, priority, a rendered public reply and the move", async () => {
    const macro = await saveMacro(supervisor.token, {
      name: "Refund sent",
      visibility: "TEAM",
      teamId: team.gid,
      actions: {
        addTags: ["refund"],
        priority: "LOW",
        assignToMe: true,
        comment: {
          template: "Dear {{customer.name}}, the refund for {{ticket.number}} is on its way. {{agent.name}}",
          visibility: "PUBLIC",
        },
        status: "INFORM_CUSTOMER",
      },
    });
    const ticket = await caseInTeamChecking();
    const before = await snapshot(ticket.number);
    const result = await app.gql(
      APPLY,
      { i: { ticketId: ticket.id, macroId: macro.macro.id, expectedVersion: before.version } },
      { token: agent.token },
    );
    const after = result.data.applyMacro.ticket;
    expect(after).toMatchObject({ status: "INFORM_CUSTOMER", priority: "LOW", tags: ["refund"], assignee: { id: agent.gid } });
    const bodies = after.comments.edges.map((e: any) => e.node);
    // One reply: the macro's comment is also the move's note, not posted twice.
    expect(bodies.filter((c: any) => c.body.includes("refund for"))).toEqual([
      { body: `Dear Li Lei, the refund for ${ticket.number} is on its way. Ada`, visibility: "PUBLIC" },
    ]);
    const events = await app.db.prisma.ticketEvent.findMany({ where: { ticket: { number: ticket.number } }, orderBy: { seq: "asc" } });
    expect(events.slice(-6).map((e) => e.type)).toEqual(["MACRO_APPLIED", "TAGGED", "UPDATED", "ASSIGNED", "COMMENTED", "STATUS_CHANGED"]);
  });

  it("cannot do what the user could not: a refused action undoes the whole macro", async () => {
    const escalating = await saveMacro(agent.token, {
      name: "Escalate",
      visibility: "PERSONAL",
      actions: { addTags: ["urgent"], tierLevel: 3 },
    });
    const ticket = await caseInTeamChecking();
    const before = await snapshot(ticket.number);
    const refused = await app.gql(APPLY, { i: { ticketId: ticket.id, macroId: escalating.macro.id } }, { token: agent.token });
    expect(refused.data.applyMacro).toMatchObject({ __typename: "ForbiddenError", message: expect.stringContaining("supervisors") });
    expect(await snapshot(ticket.number)).toEqual(before);

    const skipping = await saveMacro(agent.token, {
      name: "Close now",
      visibility: "PERSONAL",
      actions: { addTags: ["closed"], status: "DONE", resolution: "Done for {{customer.accountId}}" },
    });
    const illegal = await app.gql(APPLY, { i: { ticketId: ticket.id, macroId: skipping.macro.id } }, { token: agent.token });
    expect(illegal.data.applyMacro).toMatchObject({ __typename: "InvalidTransitionError", allowed: ["INFORM_CUSTOMER"] });
    expect(await snapshot(ticket.number)).toEqual(before);
  });

  it("refuse a stale version, and someone else's personal macro is not found", async () => {
    const mine = await saveMacro(agent.token, {
      name: "Note",
      visibility: "PERSONAL",
      actions: { comment: { template: "checked {{ticket.title}}", visibility: "INTERNAL" } },
    });
    const ticket = await caseInTeamChecking();
    const before = await snapshot(ticket.number);
    const stale = await app.gql(
      APPLY,
      { i: { ticketId: ticket.id, macroId: mine.macro.id, expectedVersion: before.version - 1 } },
      { token: agent.token },
    );
    expect(stale.data.applyMacro).toMatchObject({ __typename: "VersionConflictError", currentVersion: before.version });
    const theirs = await app.gql(APPLY, { i: { ticketId: ticket.id, macroId: mine.macro.id } }, { token: colleague.token });
    expect(theirs.data.applyMacro).toMatchObject({ __typename: "NotFoundError" });
    expect(await snapshot(ticket.number)).toEqual(before);
  });
});
