import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { CREATE, createTicketVia, gid, moveVia, seedTeam, seedUser, type TestUser, ticketInput } from "./helpers/seed.js";

let app: TestApp;
let payments: { id: string; gid: string; name: string };
let agent: TestUser;
let supervisor: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  payments = await seedTeam(app, "CS-Payment");
  agent = await seedUser(app, "AGENT", [payments.id]);
  supervisor = await seedUser(app, "SUPERVISOR", [payments.id]);
});
afterAll(() => app.close());

const count = () => app.db.prisma.ticket.count();

describe("createTicket", () => {
  it("creates a NEW case with a number, the requester masked and an audit event", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: payments.gid, tags: ["Refund", "refund", "vip"] });
    expect(ticket.number).toMatch(/^WX-\d{8}-\d{3}$/);
    expect(ticket.status).toBe("NEW");
    expect(ticket.version).toBe(1);
    expect(ticket.team).toEqual({ name: "CS-Payment" });
    expect(ticket.tags).toEqual(["refund", "vip"]);
    expect(ticket.requester).toEqual({ name: "Li Lei", maskedContact: "138****5678", contact: null });
    const events = await app.gql(
      `query($id: ID!) { ticket(id: $id) { events { edges { node { type actor { kind name } after } } } } }`,
      { id: ticket.id },
      { token: agent.token },
    );
    expect(events.data.ticket.events.edges).toHaveLength(1);
    expect(events.data.ticket.events.edges[0].node).toMatchObject({
      type: "CREATED",
      actor: { kind: "USER" },
      after: { status: "NEW", tags: ["refund", "vip"] },
    });
  });

  it("routes a case without a team by its type", async () => {
    const fault = await createTicketVia(app, agent.token, { type: "TECHNICAL_FAULT" });
    const complaint = await createTicketVia(app, agent.token, { type: "COMPLAINT" });
    const suggestion = await createTicketVia(app, agent.token, { type: "SUGGESTION" });
    expect([fault.team?.name, complaint.team?.name, suggestion.team?.name]).toEqual(["Tech-Support", "Complaints-Desk", "Product"]);
  });

  it("redacts national IDs, card numbers and addresses on write and records that it did", async () => {
    const ticket = await createTicketVia(app, agent.token, {
      teamId: payments.gid,
      description: "card 4111 1111 1111 1111 charged twice",
      details: "ID 11010519900307231X, ships to 221 Baker Street",
    });
    expect(ticket.description).toBe("card [REDACTED CARD NUMBER] charged twice");
    expect(ticket.details).toBe("ID [REDACTED NATIONAL ID], ships to [REDACTED ADDRESS]");
    const raw = await app.db.prisma.ticket.findFirstOrThrow({ where: { number: ticket.number } });
    expect(JSON.stringify(raw)).not.toMatch(/4111|11010519900307231X|Baker/);
  });

  it("keeps the contact encrypted at rest and shows it only to viewers with the permission", async () => {
    const ticket = await createTicketVia(app, agent.token, {
      teamId: payments.gid,
      requester: { name: "Han", contact: "jane.doe@example.com" },
    });
    const customer = await app.db.prisma.customer.findFirstOrThrow({ where: { tickets: { some: { number: ticket.number } } } });
    expect(customer.contactEncrypted).not.toContain("jane.doe");
    expect(customer.contactMasked).toBe("j***@example.com");
    const privileged = await seedUser(app, "AGENT", [payments.id], { canViewContact: true });
    const seen = await app.gql(
      `query($id: ID!) { ticket(id: $id) { requester { maskedContact contact } } }`,
      { id: ticket.id },
      { token: privileged.token },
    );
    expect(seen.data.ticket.requester).toEqual({ maskedContact: "j***@example.com", contact: "jane.doe@example.com" });
  });

  it("refuses bad input with a VALIDATION error naming each field, writing nothing", async () => {
    const before = await count();
    const result = await app.gql(
      CREATE,
      {
        input: ticketInput({
          title: "  ",
          accountId: "ACC-9",
          description: "x".repeat(2001),
          requester: { contact: "not a phone" },
          tags: ["ok", "bad tag!"],
        }),
      },
      { token: agent.token },
    );
    const payload = result.data.createTicket;
    expect(payload.__typename).toBe("ValidationError");
    expect(payload.code).toBe("VALIDATION");
    expect(payload.issues.map((i: { field: string }) => i.field).sort()).toEqual(
      ["input.description", "input.requester.contact", "input.tags.1", "input.title"].sort(),
    );
    expect(await count()).toBe(before);
  });

  it("requires the title to contain the account ID", async () => {
    const result = await app.gql(CREATE, { input: ticketInput({ accountId: "ACC-777", title: "refund missing" }) }, { token: agent.token });
    expect(result.data.createTicket).toMatchObject({ __typename: "ValidationError", field: "input.title" });
    expect(result.data.createTicket.message).toMatch(/must contain the account ID \(ACC-777\)/);
  });

  it("refuses malformed and unknown ids as VALIDATION on the field", async () => {
    const malformed = await app.gql(CREATE, { input: ticketInput({ teamId: "nope" }) }, { token: agent.token });
    expect(malformed.data.createTicket).toMatchObject({ __typename: "ValidationError", field: "input.teamId" });
    const unknown = await app.gql(
      CREATE,
      { input: ticketInput({ teamId: gid("Team", "00000000-0000-4000-8000-000000000000") }) },
      { token: agent.token },
    );
    expect(unknown.data.createTicket).toMatchObject({
      __typename: "ValidationError",
      field: "input.teamId",
      message: "input.teamId: names no team",
    });
    const wrongKind = await app.gql(CREATE, { input: ticketInput({ teamId: agent.gid }) }, { token: agent.token });
    expect(wrongKind.data.createTicket).toMatchObject({ __typename: "ValidationError", field: "input.teamId" });
  });

  it("refuses an unknown enum value naming the field, before anything runs", async () => {
    const before = await count();
    const result = await app.gql(CREATE, { input: ticketInput({ channel: "FAX" }) }, { token: agent.token });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/"input\.channel".*FAX/s);
    expect(result.errors?.[0]?.extensions).toEqual({ code: "VALIDATION", field: "input.channel" });
    const missing = await app.gql(CREATE, { input: { ...ticketInput(), title: undefined } }, { token: agent.token });
    expect(missing.status).toBe(400);
    expect(missing.errors?.[0]?.extensions).toEqual({ code: "VALIDATION", field: "input" });
    expect(await count()).toBe(before);
  });

  it("gives a retried request with the same idempotency key the same case", async () => {
    const input = ticketInput({ teamId: payments.gid, idempotencyKey: "intake-42" });
    const results = await Promise.all([1, 2, 3].map(() => app.gql(CREATE, { input }, { token: agent.token })));
    const numbers = new Set(results.map((r) => r.data.createTicket.ticket.number));
    expect(numbers.size).toBe(1);
    expect(await app.db.prisma.ticket.count({ where: { accountId: input.accountId } })).toBe(1);
    // The key is scoped to its submitter: another person's identical key is a new case.
    const other = await app.gql(CREATE, { input }, { token: supervisor.token });
    expect(numbers.has(other.data.createTicket.ticket.number)).toBe(false);
  });

  it("numbers 50 concurrent creations on one channel and day without a gap or repeat", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.gql(CREATE, { input: ticketInput({ teamId: payments.gid, channel: "PHONE" }) }, { token: agent.token }),
      ),
    );
    const numbers = results.map((r) => r.data.createTicket.ticket.number as string);
    const day = numbers[0]!.split("-")[1];
    expect(new Set(numbers.map((n) => n.split("-")[1]))).toEqual(new Set([day]));
    const sequence = numbers.map((n) => Number(n.split("-")[2])).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("takes concurrent first cases of one customer, keeping one customer record", async () => {
    // Not a clock reading: a 13-digit number can pass the Luhn check and be redacted as a card from the title.
    const accountId = `ACC-BURST-${randomUUID().slice(0, 8)}`;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        app.gql(
          CREATE,
          { input: ticketInput({ teamId: payments.gid, accountId, type: "INQUIRY", requester: i === 0 ? { name: "Han Meimei" } : null }) },
          { token: agent.token },
        ),
      ),
    );
    expect(results.map((r) => r.data?.createTicket?.__typename)).toEqual(new Array(12).fill("CreateTicketPayload"));
    const customers = await app.db.prisma.customer.findMany({ where: { accountId } });
    expect(customers).toHaveLength(1);
    expect(customers[0]!.name).toBe("Han Meimei");
  });

  it("escalates a customer's second complaint one tier automatically", async () => {
    const TIER = `query($id: ID!) { ticket(id: $id) { tier { level } events { edges { node { type note actor { kind } } } } } }`;
    const first = await createTicketVia(app, agent.token, { teamId: payments.gid, accountId: "ACC-COMPLAINER", type: "COMPLAINT" });
    const question = await createTicketVia(app, agent.token, { teamId: payments.gid, accountId: "ACC-COMPLAINER", type: "INQUIRY" });
    const second = await createTicketVia(app, agent.token, { teamId: payments.gid, accountId: "ACC-COMPLAINER", type: "COMPLAINT" });
    for (const [ticket, level] of [
      [first, 1],
      [question, 1],
      [second, 2],
    ] as const) {
      expect((await app.gql(TIER, { id: ticket.id }, { token: agent.token })).data.ticket.tier.level).toBe(level);
    }
    const events = (await app.gql(TIER, { id: second.id }, { token: agent.token })).data.ticket.events.edges.map((e: any) => e.node);
    expect(events.at(-1)).toEqual({
      type: "ESCALATED",
      note: "Automatic: a repeat complaint from this customer",
      actor: { kind: "SYSTEM" },
    });
  });

  it("is refused to anonymous callers with UNAUTHENTICATED", async () => {
    const result = await app.gql(CREATE, { input: ticketInput() });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.data?.createTicket ?? null).toBeNull();
  });
});

describe("the workflow through the API", () => {
  it("walks a case from NEW to BACKLOG, with each rule enforced on the way", async () => {
    const outsider = await seedUser(app, "AGENT", []);
    const manager = await seedUser(app, "MANAGER");
    const ticket = await createTicketVia(app, outsider.token, { teamId: payments.gid });
    let version = ticket.version;
    const move = async (token: string, input: Record<string, unknown>) => {
      const result = await moveVia(app, token, { id: ticket.id, ...input });
      if (result.__typename === "TransitionTicketPayload") version = result.ticket.version;
      return result;
    };

    expect(await move(outsider.token, { to: "TEAM_CHECKING" })).toMatchObject({
      __typename: "InvalidTransitionError",
      code: "INVALID_TRANSITION",
      from: "NEW",
      allowed: ["NOT_STARTED"],
    });
    expect(await move(outsider.token, { to: "NOT_STARTED", expectedVersion: version })).toMatchObject({
      ticket: { status: "NOT_STARTED", availableTransitions: [] },
    });
    // The submitter is not in the owning team: picking the case up is the team's.
    const refused = await move(outsider.token, { to: "TEAM_CHECKING" });
    expect(refused).toMatchObject({ __typename: "InvalidTransitionError", allowed: [] });
    expect(refused.message).toMatch(/owning team/);
    expect(await move(agent.token, { to: "TEAM_CHECKING" })).toMatchObject({ ticket: { status: "TEAM_CHECKING" } });
    expect(await move(agent.token, { to: "INFORM_CUSTOMER" })).toMatchObject({ __typename: "ValidationError", field: "input.note" });
    expect(await move(agent.token, { to: "INFORM_CUSTOMER", note: "Refund reissued today" })).toMatchObject({
      ticket: { status: "INFORM_CUSTOMER", availableTransitions: ["DONE", "NOT_STARTED"] },
    });
    expect(await move(outsider.token, { to: "DONE" })).toMatchObject({ __typename: "ValidationError", field: "input.resolution" });
    expect(await move(outsider.token, { to: "DONE", resolution: "Refund reissued; customer confirmed" })).toMatchObject({
      ticket: { status: "DONE", resolution: "Refund reissued; customer confirmed" },
    });
    const archiveByAgent = await move(agent.token, { to: "BACKLOG" });
    expect(archiveByAgent).toMatchObject({ __typename: "InvalidTransitionError", allowed: ["NOT_STARTED"] });
    expect(await move(manager.token, { to: "BACKLOG", expectedVersion: version })).toMatchObject({
      ticket: { status: "BACKLOG", availableTransitions: [] },
    });

    const trail = await app.gql(
      `query($id: ID!) { ticket(id: $id) { events(first: 50) { totalCount: edges { node { type fromStatus toStatus note } } } } }`.replace(
        "totalCount: ",
        "",
      ),
      { id: ticket.id },
      { token: manager.token },
    );
    const moves = trail.data.ticket.events.edges.map((e: any) => e.node).filter((n: any) => n.type === "STATUS_CHANGED");
    expect(moves.map((m: any) => `${m.fromStatus}>${m.toStatus}`)).toEqual([
      "NEW>NOT_STARTED",
      "NOT_STARTED>TEAM_CHECKING",
      "TEAM_CHECKING>INFORM_CUSTOMER",
      "INFORM_CUSTOMER>DONE",
      "DONE>BACKLOG",
    ]);
  });

  it("needs the mandatory fields to leave NEW and names the missing ones", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: payments.gid, externalRef: null, details: null });
    const result = await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" });
    expect(result.__typename).toBe("ValidationError");
    expect(result.issues.map((i: any) => i.field)).toEqual(["externalRef", "details"]);
    expect((await app.db.prisma.ticket.findFirstOrThrow({ where: { number: ticket.number } })).status).toBe("NEW");
  });

  it("sends a case back to NOT_STARTED when the customer replies, keeping the reply", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: payments.gid });
    for (const [to, extra] of [
      ["NOT_STARTED", {}],
      ["TEAM_CHECKING", {}],
      ["INFORM_CUSTOMER", { note: "please send a screenshot" }],
    ] as const) {
      expect((await moveVia(app, agent.token, { id: ticket.id, to, ...extra })).__typename).toBe("TransitionTicketPayload");
    }
    const reply = await app.gql(
      `mutation($input: RecordCustomerReplyInput!) { recordCustomerReply(input: $input) {
      ... on RecordCustomerReplyPayload { ticket { status comments(last: 1) { edges { node { body kind visibility } } } } } } }`,
      { input: { ticketId: ticket.id, body: "Here it is, card 4111111111111111" } },
      { token: agent.token },
    );
    expect(reply.data.recordCustomerReply.ticket.status).toBe("NOT_STARTED");
    expect(reply.data.recordCustomerReply.ticket.comments.edges[0].node).toEqual({
      body: "Here it is, card [REDACTED CARD NUMBER]",
      kind: "CUSTOMER_REPLY",
      visibility: "PUBLIC",
    });
  });

  it("reopens a DONE case and counts it", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: payments.gid });
    for (const input of [
      { to: "NOT_STARTED" },
      { to: "TEAM_CHECKING" },
      { to: "INFORM_CUSTOMER", note: "done" },
      { to: "DONE", resolution: "fixed" },
    ]) {
      await moveVia(app, agent.token, { id: ticket.id, ...input });
    }
    const reopened = await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED", note: "customer says it recurred" });
    expect(reopened.ticket.status).toBe("NOT_STARTED");
    expect((await app.db.prisma.ticket.findFirstOrThrow({ where: { number: ticket.number } })).reopenCount).toBe(1);
  });

  it("lets exactly one of two concurrent moves from the same version win", async () => {
    for (let round = 0; round < 3; round++) {
      const ticket = await createTicketVia(app, agent.token, { teamId: payments.gid });
      const [a, b] = await Promise.all([
        moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: 1 }),
        moveVia(app, supervisor.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: 1 }),
      ]);
      const kinds = [a.__typename, b.__typename].sort();
      expect(kinds).toEqual(["TransitionTicketPayload", "VersionConflictError"]);
      const conflict = [a, b].find((r) => r.__typename === "VersionConflictError");
      expect(conflict).toMatchObject({ code: "VERSION_CONFLICT", expectedVersion: 1, currentVersion: 2 });
      const events = await app.db.prisma.ticketEvent.count({ where: { ticket: { number: ticket.number }, type: "STATUS_CHANGED" } });
      expect(events).toBe(1);
    }
  });

  it("refuses a stale expectedVersion without changing anything", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: payments.gid });
    const result = await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: 7 });
    expect(result).toMatchObject({ __typename: "VersionConflictError", expectedVersion: 7, currentVersion: 1 });
  });
});
