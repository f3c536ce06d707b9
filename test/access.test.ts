import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { CREATE, createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser, ticketInput } from "./helpers/seed.js";

let app: TestApp;
let teamA: Awaited<ReturnType<typeof seedTeam>>;
let teamB: Awaited<ReturnType<typeof seedTeam>>;
let agentA: TestUser;
let agentB: TestUser;
let supervisorA: TestUser;
let manager: TestUser;
let admin: TestUser;
let ticketA: { id: string; number: string };
let ticketB: { id: string; number: string };

beforeAll(async () => {
  app = await createTestApp();
  teamA = await seedTeam(app, "CS-Risk-Collaboration");
  teamB = await seedTeam(app, "CS-Payment");
  agentA = await seedUser(app, "AGENT", [teamA.id]);
  agentB = await seedUser(app, "AGENT", [teamB.id]);
  supervisorA = await seedUser(app, "SUPERVISOR", [teamA.id]);
  manager = await seedUser(app, "MANAGER");
  admin = await seedUser(app, "ADMIN");
  ticketA = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
  ticketB = await createTicketVia(app, agentB.token, { teamId: teamB.gid });
});
afterAll(() => app.close());

const TICKET = `query($id: ID!) { ticket(id: $id) { number } }`;
const LIST = `{ tickets(first: 100) { totalCount edges { node { number } } } }`;
const numbers = (result: any) => result.data.tickets.edges.map((e: any) => e.node.number);

describe("who sees which cases", () => {
  it("shows agents their teams' cases only, in every way of looking", async () => {
    expect((await app.gql(TICKET, { id: ticketA.id }, { token: agentA.token })).data.ticket).toEqual({ number: ticketA.number });
    expect((await app.gql(TICKET, { id: ticketB.id }, { token: agentA.token })).data.ticket).toBeNull();
    expect(
      (await app.gql(`query($n: String!) { ticketByNumber(number: $n) { number } }`, { n: ticketB.number }, { token: agentA.token })).data
        .ticketByNumber,
    ).toBeNull();
    const list = await app.gql(LIST, {}, { token: agentA.token });
    expect(numbers(list)).toEqual([ticketA.number]);
    expect(list.data.tickets.totalCount).toBe(1);
    const node = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Ticket { number } } }`,
      { id: ticketB.id },
      { token: agentA.token },
    );
    expect(node.data?.node ?? null).toBeNull();
    expect(JSON.stringify(node)).not.toContain(ticketB.number);
  });

  it("treats another team's case as not found when writing to it", async () => {
    const move = await moveVia(app, agentA.token, { id: ticketB.id, to: "NOT_STARTED" });
    expect(move).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    const comment = await app.gql(
      `mutation($i: AddCommentInput!) { addComment(input: $i) { __typename ... on Error { code } } }`,
      { i: { ticketId: ticketB.id, body: "hi" } },
      { token: agentA.token },
    );
    expect(comment.data.addComment).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND" });
  });

  it("shows managers and admins every case", async () => {
    for (const viewer of [manager, admin]) {
      expect(numbers(await app.gql(LIST, {}, { token: viewer.token }))).toEqual(expect.arrayContaining([ticketA.number, ticketB.number]));
    }
  });

  it("lets the submitter follow a case handed to another team", async () => {
    const handed = await createTicketVia(app, agentA.token, { teamId: teamB.gid });
    expect((await app.gql(TICKET, { id: handed.id }, { token: agentA.token })).data.ticket).toEqual({ number: handed.number });
  });

  it("answers a malformed id on a query with a VALIDATION error naming the argument", async () => {
    const result = await app.gql(TICKET, { id: "not-an-id" }, { token: agentA.token });
    expect(result.errors?.[0]).toMatchObject({ message: "id: is not a valid Ticket id", extensions: { code: "VALIDATION", field: "id" } });
  });

  it("refuses anonymous reads with UNAUTHENTICATED", async () => {
    const result = await app.gql(LIST);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("API tokens", () => {
  it("act only within their scopes", async () => {
    const reader = await seedApiToken(app, ["tickets:read"]);
    expect(numbers(await app.gql(LIST, {}, { token: reader.token }))).toEqual(expect.arrayContaining([ticketA.number, ticketB.number]));
    const write = await app.gql(CREATE, { input: ticketInput({ teamId: teamA.gid }) }, { token: reader.token });
    expect(write.data.createTicket).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const reporter = await seedApiToken(app, ["reports:read"]);
    const hidden = await app.gql(LIST, {}, { token: reporter.token });
    expect(hidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("act only within their teams", async () => {
    const bot = await seedApiToken(app, ["tickets:write"], [teamA.id]);
    expect(numbers(await app.gql(LIST, {}, { token: bot.token }))).toEqual([ticketA.number]);
    const elsewhere = await app.gql(CREATE, { input: ticketInput({ teamId: teamB.gid }) }, { token: bot.token });
    expect(elsewhere.data.createTicket).toMatchObject({ __typename: "ValidationError", field: "input.teamId" });
    const created = await app.gql(CREATE, { input: ticketInput({ teamId: teamA.gid }) }, { token: bot.token });
    expect(created.data.createTicket.__typename).toBe("CreateTicketPayload");
    const submitter = await app.gql(
      `query($id: ID!) { ticket(id: $id) { submittedBy { kind name } } }`,
      { id: created.data.createTicket.ticket.id },
      { token: bot.token },
    );
    expect(submitter.data.ticket.submittedBy).toMatchObject({ kind: "TOKEN", name: expect.stringMatching(/^bot /) });
  });

  it("stop working the moment they are revoked", async () => {
    const bot = await seedApiToken(app, ["tickets:read"]);
    expect((await app.gql(LIST, {}, { token: bot.token })).status).toBe(200);
    const revoke = await app.gql(
      `mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { __typename ... on RevokeApiTokenPayload { apiToken { revokedAt } } } }`,
      { i: { id: bot.gid } },
      { token: admin.token },
    );
    expect(revoke.data.revokeApiToken.apiToken.revokedAt).toBeTruthy();
    const after = await app.gql(LIST, {}, { token: bot.token });
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("are created by admins with a secret shown once and stored only as a hash", async () => {
    const result = await app.gql(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) {
      __typename ... on CreateApiTokenPayload { token apiToken { id name scopes prefix teams { name } } } ... on Error { message } } }`,
      { i: { name: "intercom bridge", scopes: ["tickets:write"], teamIds: [teamA.gid] } },
      { token: admin.token },
    );
    const { token, apiToken } = result.data.createApiToken;
    expect(token).toMatch(/^cft_/);
    expect(apiToken).toMatchObject({
      name: "intercom bridge",
      scopes: ["tickets:write"],
      prefix: token.slice(0, 10),
      teams: [{ name: teamA.name }],
    });
    const rows = await app.db.prisma.apiToken.findMany({ where: { name: "intercom bridge" } });
    expect(JSON.stringify(rows)).not.toContain(token);
    const used = await app.gql(LIST, {}, { token });
    expect(numbers(used)).toContain(ticketA.number);
    const lastUsed = await app.db.prisma.apiToken.findFirstOrThrow({ where: { name: "intercom bridge" } });
    expect(lastUsed.lastUsedAt).not.toBeNull();
  });

  it("refuse unknown scopes and are admin-only", async () => {
    const bad = await app.gql(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { __typename ... on ValidationError { field message } } }`,
      { i: { name: "x", scopes: ["tickets:delete"] } },
      { token: admin.token },
    );
    expect(bad.data.createApiToken).toMatchObject({ __typename: "ValidationError", field: "input.scopes" });
    const byAgent = await app.gql(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { __typename ... on Error { code } } }`,
      { i: { name: "x", scopes: ["tickets:read"] } },
      { token: agentA.token },
    );
    expect(byAgent.data.createApiToken).toEqual({ __typename: "ForbiddenError", code: "FORBIDDEN" });
  });
});

describe("assignment and escalation", () => {
  it("lets agents take a case of their team, and only supervisors hand it to others", async () => {
    const ticket = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    const ASSIGN = `mutation($i: AssignTicketInput!) { assignTicket(input: $i) { __typename ... on AssignTicketPayload { ticket { assignee { id } version } } ... on Error { code message } ... on ValidationError { field } } }`;
    const colleague = await seedUser(app, "AGENT", [teamA.id]);
    expect(
      (await app.gql(ASSIGN, { i: { id: ticket.id, assigneeId: colleague.gid } }, { token: agentA.token })).data.assignTicket.__typename,
    ).toBe("ForbiddenError");
    expect(
      (await app.gql(ASSIGN, { i: { id: ticket.id, assigneeId: agentA.gid } }, { token: agentA.token })).data.assignTicket.ticket.assignee,
    ).toEqual({ id: agentA.gid });
    expect(
      (await app.gql(ASSIGN, { i: { id: ticket.id, assigneeId: agentB.gid } }, { token: supervisorA.token })).data.assignTicket,
    ).toMatchObject({ __typename: "ValidationError", field: "input.assigneeId" });
    expect(
      (await app.gql(ASSIGN, { i: { id: ticket.id, assigneeId: colleague.gid } }, { token: supervisorA.token })).data.assignTicket.ticket
        .assignee,
    ).toEqual({ id: colleague.gid });
  });

  it("moves a case up a tier with a reason, in the audit trail; never down", async () => {
    const ticket = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    const ESCALATE = `mutation($i: EscalateTicketInput!) { escalateTicket(input: $i) { __typename ... on EscalateTicketPayload { ticket { tier { level } events { edges { node { type note before after } } } } } ... on Error { code } ... on ValidationError { field } } }`;
    expect(
      (await app.gql(ESCALATE, { i: { id: ticket.id, tierLevel: 2, reason: "needs payments specialist" } }, { token: agentA.token })).data
        .escalateTicket.__typename,
    ).toBe("ForbiddenError");
    const up = await app.gql(
      ESCALATE,
      { i: { id: ticket.id, tierLevel: 3, reason: "needs payments engineering" } },
      { token: supervisorA.token },
    );
    expect(up.data.escalateTicket.ticket.tier).toEqual({ level: 3 });
    expect(up.data.escalateTicket.ticket.events.edges.at(-1).node).toEqual({
      type: "ESCALATED",
      note: "needs payments engineering",
      before: { tierLevel: 1 },
      after: { tierLevel: 3 },
    });
    expect(
      (await app.gql(ESCALATE, { i: { id: ticket.id, tierLevel: 2, reason: "x" } }, { token: supervisorA.token })).data.escalateTicket,
    ).toMatchObject({ __typename: "ValidationError", field: "input.tierLevel" });
    expect(
      (await app.gql(ESCALATE, { i: { id: ticket.id, tierLevel: 4, reason: " " } }, { token: supervisorA.token })).data.escalateTicket,
    ).toMatchObject({ __typename: "ValidationError", field: "input.reason" });
  });
});
