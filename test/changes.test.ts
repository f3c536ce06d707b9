import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  team = await seedTeam(app, "CS-Payment");
  agent = await seedUser(app, "AGENT", [team.id]);
});
afterAll(() => app.close());

const UPDATE = `mutation($i: UpdateTicketInput!) { updateTicket(input: $i) {
  __typename ... on UpdateTicketPayload { ticket { version priority title details events { edges { node { type before after } } } } }
  ... on Error { code message } ... on ValidationError { field } ... on VersionConflictError { currentVersion } } }`;

describe("updateTicket", () => {
  it("changes fields, bumps the version and audits only what changed", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "LOW" });
    const result = await app.gql(
      UPDATE,
      { i: { id: ticket.id, expectedVersion: 1, priority: "HIGH", title: ticket.title, details: "now also cannot log in" } },
      { token: agent.token },
    );
    const updated = result.data.updateTicket.ticket;
    expect(updated).toMatchObject({ version: 2, priority: "HIGH", details: "now also cannot log in" });
    expect(updated.events.edges.at(-1).node).toEqual({
      type: "UPDATED",
      before: { priority: "LOW", details: "Customer tried the app twice and waited 5 days." },
      after: { priority: "HIGH", details: "now also cannot log in" },
    });
    const stale = await app.gql(UPDATE, { i: { id: ticket.id, expectedVersion: 1, priority: "LOW" } }, { token: agent.token });
    expect(stale.data.updateTicket).toMatchObject({ __typename: "VersionConflictError", currentVersion: 2 });
    const nothing = await app.gql(UPDATE, { i: { id: ticket.id, priority: "HIGH" } }, { token: agent.token });
    expect(nothing.data.updateTicket).toMatchObject({ __typename: "ValidationError", field: "input" });
    const blank = await app.gql(UPDATE, { i: { id: ticket.id, details: "   " } }, { token: agent.token });
    expect(blank.data.updateTicket).toMatchObject({ __typename: "ValidationError", field: "input.details" });
    expect((await app.db.prisma.ticket.findFirstOrThrow({ where: { number: ticket.number } })).version).toBe(2);
  });
});

describe("updateTicket and the assignee", () => {
  const ASSIGNEE = `query($id: ID!) { ticket(id: $id) { assignee { id } events { edges { node { type before after } } } } }`;
  it("keeps the assignee when the case's own team is sent again, and audits only what changed", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
    await app.db.prisma.ticket.update({ where: { number: ticket.number }, data: { assigneeId: agent.id } });
    const result = await app.gql(
      UPDATE,
      { i: { id: ticket.id, teamId: team.gid, details: "more detail from the customer" } },
      { token: agent.token },
    );
    expect(result.data.updateTicket.__typename).toBe("UpdateTicketPayload");
    const after = (await app.gql(ASSIGNEE, { id: ticket.id }, { token: agent.token })).data.ticket;
    expect(after.assignee).toEqual({ id: agent.gid });
    expect(after.events.edges.at(-1).node).toEqual({
      type: "UPDATED",
      before: { details: expect.any(String) },
      after: { details: "more detail from the customer" },
    });
  });

  it("drops the assignee when the case moves to another team, and audits that too", async () => {
    const other = await seedTeam(app);
    const supervisor = await seedUser(app, "MANAGER");
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
    await app.db.prisma.ticket.update({ where: { number: ticket.number }, data: { assigneeId: agent.id } });
    const result = await app.gql(UPDATE, { i: { id: ticket.id, teamId: other.gid } }, { token: supervisor.token });
    expect(result.data.updateTicket.__typename).toBe("UpdateTicketPayload");
    const after = (await app.gql(ASSIGNEE, { id: ticket.id }, { token: supervisor.token })).data.ticket;
    expect(after.assignee).toBeNull();
    expect(after.events.edges.at(-1).node).toEqual({
      type: "UPDATED",
      before: { teamId: team.id, assigneeId: agent.id },
      after: { teamId: other.id, assigneeId: null },
    });
  });
});

describe("tags and comments", () => {
  it("adds and removes tags with an audit event each", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, tags: ["refund"] });
    const TAGS = (name: string) =>
      `mutation($i: TicketTagsInput!) { ${name}(input: $i) { __typename ... on ${name === "addTags" ? "AddTagsPayload" : "RemoveTagsPayload"} { ticket { tags } } ... on ValidationError { field message } } }`;
    expect(
      (await app.gql(TAGS("addTags"), { i: { ticketId: ticket.id, tags: ["System_Crash", "at_risk"] } }, { token: agent.token })).data
        .addTags.ticket.tags,
    ).toEqual(["at_risk", "refund", "system_crash"]);
    expect(
      (await app.gql(TAGS("removeTags"), { i: { ticketId: ticket.id, tags: ["refund"] } }, { token: agent.token })).data.removeTags.ticket
        .tags,
    ).toEqual(["at_risk", "system_crash"]);
    expect(
      (await app.gql(TAGS("removeTags"), { i: { ticketId: ticket.id, tags: ["refund"] } }, { token: agent.token })).data.removeTags,
    ).toMatchObject({ __typename: "ValidationError", field: "input.tags" });
    const events = await app.db.prisma.ticketEvent.findMany({
      where: { ticket: { number: ticket.number }, type: "TAGGED" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => [e.before, e.after])).toEqual([
      [{ tags: ["refund"] }, { tags: ["at_risk", "refund", "system_crash"] }],
      [{ tags: ["at_risk", "refund", "system_crash"] }, { tags: ["at_risk", "system_crash"] }],
    ]);
  });

  it("counts a public reply of the owning team as the first response", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
    const COMMENT = `mutation($i: AddCommentInput!) { addComment(input: $i) { __typename ... on AddCommentPayload { comment { id body visibility kind author { kind name } } ticket { firstRespondedAt } } ... on ValidationError { field } } }`;
    const note = await app.gql(COMMENT, { i: { ticketId: ticket.id, body: "checking with payments" } }, { token: agent.token });
    expect(note.data.addComment.comment).toMatchObject({ visibility: "INTERNAL", kind: "NOTE", author: { kind: "USER" } });
    expect(note.data.addComment.ticket.firstRespondedAt).toBeNull();
    const reply = await app.gql(
      COMMENT,
      { i: { ticketId: ticket.id, body: "We are on it", visibility: "PUBLIC" } },
      { token: agent.token },
    );
    expect(reply.data.addComment.comment).toMatchObject({ kind: "REPLY", visibility: "PUBLIC" });
    expect(reply.data.addComment.ticket.firstRespondedAt).not.toBeNull();
    expect((await app.gql(COMMENT, { i: { ticketId: ticket.id, body: "" } }, { token: agent.token })).data.addComment).toMatchObject({
      __typename: "ValidationError",
      field: "input.body",
    });
    expect(
      (await app.gql(COMMENT, { i: { ticketId: ticket.id, body: "x".repeat(10001) } }, { token: agent.token })).data.addComment,
    ).toMatchObject({ __typename: "ValidationError", field: "input.body" });
  });

  it("lets a comments-only token comment but not move cases", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
    const bridge = await seedApiToken(app, ["comments:write"], [team.id]);
    const comment = await app.gql(
      `mutation($i: AddCommentInput!) { addComment(input: $i) { __typename ... on AddCommentPayload { comment { author { kind name } } } } }`,
      { i: { ticketId: ticket.id, body: "from Slack" } },
      { token: bridge.token },
    );
    expect(comment.data.addComment.comment.author.kind).toBe("TOKEN");
    expect(await moveVia(app, bridge.token, { id: ticket.id, to: "NOT_STARTED" })).toMatchObject({ __typename: "ForbiddenError" });
  });
});

describe("the audit trail", () => {
  it("lists events in order and cannot be edited or deleted, even by direct SQL", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" });
    await moveVia(app, agent.token, { id: ticket.id, to: "TEAM_CHECKING" });
    const trail = await app.gql(
      `query($id: ID!) { ticket(id: $id) { events(first: 2) { pageInfo { hasNextPage endCursor } edges { node { type toStatus actor { name } } } } } }`,
      { id: ticket.id },
      { token: agent.token },
    );
    expect(trail.data.ticket.events.edges.map((e: any) => e.node.type)).toEqual(["CREATED", "STATUS_CHANGED"]);
    expect(trail.data.ticket.events.pageInfo.hasNextPage).toBe(true);
    const rest = await app.gql(
      `query($id: ID!, $after: String) { ticket(id: $id) { events(after: $after) { edges { node { toStatus } } } } }`,
      { id: ticket.id, after: trail.data.ticket.events.pageInfo.endCursor },
      { token: agent.token },
    );
    expect(rest.data.ticket.events.edges.map((e: any) => e.node.toStatus)).toEqual(["TEAM_CHECKING"]);

    const row = await app.db.prisma.ticketEvent.findFirstOrThrow({ where: { ticket: { number: ticket.number } } });
    await expect(app.db.prisma.ticketEvent.update({ where: { seq: row.seq }, data: { note: "rewritten" } })).rejects.toThrow(/immutable/);
    await expect(app.db.prisma.$executeRawUnsafe(`DELETE FROM "TicketEvent" WHERE seq = ${row.seq}`)).rejects.toThrow(/immutable/);
    expect(await app.db.prisma.ticketEvent.count({ where: { ticket: { number: ticket.number } } })).toBe(3);
  });
});
