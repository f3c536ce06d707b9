import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { sentinelAlert, subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, gid, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let port: number;
let team: Awaited<ReturnType<typeof seedTeam>>;
let other: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let supervisor: TestUser;
let otherSupervisor: TestUser;
let admin: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  ({ port } = await app.start(0));
  team = await seedTeam(app, "CS-Payment");
  other = await seedTeam(app, "CS-Risk");
  agent = await seedUser(app, "AGENT", [team.id]);
  supervisor = await seedUser(app, "SUPERVISOR", [team.id]);
  otherSupervisor = await seedUser(app, "SUPERVISOR", [other.id]);
  admin = await seedUser(app, "ADMIN");
});
afterAll(() => app.close());

const UPSERT = `mutation($i: UpsertRoutingRuleInput!) { upsertRoutingRule(input: $i) {
  __typename
  ... on RoutingRulePayload { routingRule { id name position runsOn enabled conditions { tags types teams { name } } actions { tierLevel priority addTags atRisk assign alertSupervisors team { name } } } }
  ... on Error { code message }
  ... on ValidationError { field }
} }`;
const TICKET = `query($id: ID!) { ticket(id: $id) { tier { level } atRisk priority tags assignee { id } team { name }
  events(first: 50) { edges { node { type note actor { kind } before after } } } } }`;
const ADD_TAGS = `mutation($i: TicketTagsInput!) { addTags(input: $i) { __typename ... on Error { code message } } }`;

async function ticketState(id: string) {
  const { ticket } = (await app.gql(TICKET, { id }, { token: admin.token })).data;
  return { ...ticket, events: { nodes: ticket.events.edges.map((e: any) => e.node) } };
}

describe("default tag triggers", () => {
  it("move a system_crash case to tier 2 on creation and on tagging, each firing audited", async () => {
    const created = await createTicketVia(app, agent.token, { teamId: team.gid, tags: ["system_crash"] });
    const state = await ticketState(created.id);
    expect(state.tier.level).toBe(2);
    const fired = state.events.nodes.filter((e: any) => e.type === "RULE_FIRED");
    expect(fired).toEqual([
      expect.objectContaining({
        note: 'Rule "Crash reports go to tier 2"',
        actor: { kind: "SYSTEM" },
        before: { tierLevel: 1 },
        after: expect.objectContaining({ tierLevel: 2 }),
      }),
    ]);

    const plain = await createTicketVia(app, agent.token, { teamId: team.gid });
    expect((await ticketState(plain.id)).tier.level).toBe(1);
    expect(
      (await app.gql(ADD_TAGS, { i: { ticketId: plain.id, tags: ["system_crash"] } }, { token: agent.token })).data.addTags.__typename,
    ).toBe("AddTagsPayload");
    const after = await ticketState(plain.id);
    expect(after.tier.level).toBe(2);
    expect(after.events.nodes.map((e: any) => e.type)).toEqual(expect.arrayContaining(["TAGGED", "RULE_FIRED"]));
  });

  it("flag an at_risk customer and alert the team's supervisors only, live", async () => {
    const ALERTS = `subscription { alerts { kind message ticket { number atRisk } } }`;
    const supervisorClient = wsClient(port, supervisor.token);
    const otherClient = wsClient(port, otherSupervisor.token);
    const agentClient = wsClient(port, agent.token);
    try {
      const [mine, theirs, agents] = await Promise.all([
        subscribeWs(supervisorClient, ALERTS),
        subscribeWs(otherClient, ALERTS),
        subscribeWs(agentClient, ALERTS),
      ]);
      const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
      await app.gql(ADD_TAGS, { i: { ticketId: ticket.id, tags: ["at_risk"] } }, { token: agent.token });
      const [alert] = await mine.waitFor(1);
      expect(alert.alerts).toMatchObject({ kind: "AT_RISK", ticket: { number: ticket.number, atRisk: true } });
      expect(alert.alerts.message).toContain(ticket.number);
      // Nothing else was sent: a sentinel alert for both teams is what each supervisor gets next.
      app.realtime.pubsub.publish("alert", sentinelAlert([team.id, other.id]));
      const isSentinel = (a: any) => a.alerts.message === "sentinel";
      await Promise.all([mine.waitForMatching(isSentinel, 1), theirs.waitForMatching(isSentinel, 1)]);
      expect(mine.received.map((a: any) => a.alerts.kind)).toEqual(["AT_RISK", "MAJOR_INCIDENT"]);
      expect(theirs.received.map((a: any) => a.alerts.message)).toEqual(["sentinel"]);
      // No alert is ever for an agent, so no sentinel can reach this feed; its filter drops
      // each alert before anything is loaded, so it has passed both by the time the
      // supervisors' feeds, which load the case, have delivered the sentinel.
      expect(agents.received).toEqual([]);
    } finally {
      await Promise.all([supervisorClient.dispose(), otherClient.dispose(), agentClient.dispose()]);
    }
  });
});

describe("rule administration", () => {
  it("is for administrators; agents and tokens without admin are refused", async () => {
    const input = { name: "nope", position: 1, runsOn: ["CREATED"], conditions: {}, actions: { priority: "HIGH" } };
    expect((await app.gql(UPSERT, { i: input }, { token: agent.token })).data.upsertRoutingRule).toMatchObject({
      __typename: "ForbiddenError",
    });
    const bot = await seedApiToken(app, ["tickets:write"]);
    expect((await app.gql(UPSERT, { i: input }, { token: bot.token })).data.upsertRoutingRule).toMatchObject({
      __typename: "ForbiddenError",
    });
    expect(await app.db.prisma.routingRule.count({ where: { name: "nope" } })).toBe(0);
  });

  it("refuses bad input naming the field", async () => {
    const base = { name: "bad", position: 1, runsOn: ["CREATED"], conditions: {} };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, actions: {} }, "input.actions"],
      [{ ...base, actions: { tierLevel: 9 } }, "input.actions.tierLevel"],
      [{ ...base, actions: { teamId: gid("Team", "00000000-0000-4000-8000-000000000000") } }, "input.actions.teamId"],
      [{ ...base, runsOn: [], actions: { atRisk: true } }, "input.runsOn"],
      [{ ...base, conditions: { tags: ["no spaces"] }, actions: { atRisk: true } }, "input.conditions.tags.0"],
      [{ ...base, name: "Crash reports go to tier 2", actions: { atRisk: true } }, "input.name"],
    ];
    for (const [input, field] of cases) {
      const result = (await app.gql(UPSERT, { i: input }, { token: admin.token })).data.upsertRoutingRule;
      expect(result, JSON.stringify(input)).toMatchObject({ __typename: "ValidationError", code: "VALIDATION", field });
    }
    expect(await app.db.prisma.routingRule.count({ where: { name: "bad" } })).toBe(0);
  });

  it("routes new cases by an admin's rule, assigning round-robin among available members", async () => {
    const desk = await seedTeam(app, "VIP-Desk");
    const [ann, bob, away] = await Promise.all(["Ann", "Bob", "Cat"].map((name) => seedUser(app, "AGENT", [desk.id], { name })));
    await app.db.prisma.user.update({ where: { id: away!.id }, data: { availability: "AWAY" } });
    const saved = await app.gql(
      UPSERT,
      {
        i: {
          name: "VIPs to the VIP desk",
          position: 5,
          runsOn: ["CREATED"],
          conditions: { tags: ["vip"] },
          actions: { teamId: desk.gid, priority: "HIGH", assign: "ROUND_ROBIN" },
        },
      },
      { token: admin.token },
    );
    expect(saved.data.upsertRoutingRule.routingRule).toMatchObject({
      position: 5,
      runsOn: ["CREATED"],
      actions: { team: { name: "VIP-Desk" }, priority: "HIGH", assign: "ROUND_ROBIN" },
    });
    const assignees: string[] = [];
    for (let i = 0; i < 4; i++) {
      const ticket = await createTicketVia(app, agent.token, { tags: ["vip"], priority: "LOW" });
      const state = await ticketState(ticket.id);
      expect(state).toMatchObject({ team: { name: "VIP-Desk" }, priority: "HIGH" });
      assignees.push(state.assignee.id);
    }
    const [first, second] = [ann!, bob!].map((u) => u.gid).sort((a, b) => (a < b ? -1 : 1));
    // Round-robin goes in a stable order; the AWAY member is skipped.
    expect(new Set(assignees)).toEqual(new Set([ann!.gid, bob!.gid]));
    expect(assignees[0]).not.toBe(assignees[1]);
    expect(assignees[2]).toBe(assignees[0]);
    expect([first, second]).toContain(assignees[0]);
    await app.db.prisma.routingRule.deleteMany({ where: { name: "VIPs to the VIP desk" } });

    // A fixed assignee, when they are an active member of the case's team.
    const fixed = await app.gql(
      UPSERT,
      {
        i: {
          name: "Chargebacks to Ann",
          position: 6,
          runsOn: ["CREATED"],
          conditions: { tags: ["chargeback"] },
          actions: { teamId: desk.gid, assigneeId: ann!.gid },
        },
      },
      { token: admin.token },
    );
    expect(fixed.data.upsertRoutingRule.__typename).toBe("RoutingRulePayload");
    const chargeback = await createTicketVia(app, agent.token, { tags: ["chargeback"] });
    expect((await ticketState(chargeback.id)).assignee.id).toBe(ann!.gid);
    await app.db.prisma.teamMember.deleteMany({ where: { teamId: desk.id, userId: ann!.id } });
    const orphan = await createTicketVia(app, agent.token, { tags: ["chargeback"] });
    expect((await ticketState(orphan.id)).assignee).toBeNull();
    const both = await app.gql(
      UPSERT,
      { i: { name: "both", position: 7, runsOn: ["CREATED"], conditions: {}, actions: { assign: "ROUND_ROBIN", assigneeId: ann!.gid } } },
      { token: admin.token },
    );
    expect(both.data.upsertRoutingRule).toMatchObject({ __typename: "ValidationError", field: "input.actions.assigneeId" });
    await app.db.prisma.routingRule.deleteMany({ where: { name: "Chargebacks to Ann" } });
  });

  it("refuses a rule that would undo another one's change, naming it", async () => {
    const first = await app.gql(
      UPSERT,
      {
        i: {
          name: "Refund tag means HIGH",
          position: 200,
          runsOn: ["UPDATED"],
          conditions: { tags: ["refund"] },
          actions: { priority: "HIGH" },
        },
      },
      { token: admin.token },
    );
    expect(first.data.upsertRoutingRule.__typename).toBe("RoutingRulePayload");
    const loop = await app.gql(
      UPSERT,
      {
        i: {
          name: "HIGH refunds are MEDIUM",
          position: 210,
          runsOn: ["UPDATED"],
          conditions: { tags: ["refund"], priorities: ["HIGH"] },
          actions: { priority: "MEDIUM" },
        },
      },
      { token: admin.token },
    );
    expect(loop.data.upsertRoutingRule).toMatchObject({
      __typename: "ValidationError",
      field: "input.actions",
      message: expect.stringContaining('"Refund tag means HIGH"'),
    });
  });

  it("stops a loop that slipped past the save check on a live case, and records it", async () => {
    // Written straight to the database, as an older release or a restore might have left it.
    await app.db.prisma.routingRule.createMany({
      data: [
        { name: "zz escalate", position: 300, runsOn: ["UPDATED"], conditions: { tags: ["loop_a"] }, actions: { addTags: ["loop_b"] } },
        {
          name: "zz de-escalate",
          position: 310,
          runsOn: ["UPDATED"],
          conditions: { tags: ["loop_b"], channels: ["EMAIL"] },
          actions: { removeTags: ["loop_b"] },
        },
      ],
    });
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, channel: "EMAIL" });
    const version = (await app.db.prisma.ticket.findFirstOrThrow({ where: { number: ticket.number } })).version;
    expect(
      (await app.gql(ADD_TAGS, { i: { ticketId: ticket.id, tags: ["loop_a"] } }, { token: agent.token })).data.addTags.__typename,
    ).toBe("AddTagsPayload");
    const state = await ticketState(ticket.id);
    expect(state.tags).toEqual(["loop_a", "loop_b"]);
    const stopped = state.events.nodes.find((e: any) => e.type === "RULE_LOOP_STOPPED");
    expect(stopped.note).toBe('Rule "zz de-escalate" would undo what rule "zz escalate" did (tag loop_b); it was stopped');
    expect((await app.db.prisma.ticket.findFirstOrThrow({ where: { number: ticket.number } })).version).toBeGreaterThan(version);
    await app.db.prisma.routingRule.deleteMany({ where: { name: { startsWith: "zz " } } });
  });

  it("lists rules in evaluation order", async () => {
    const { data } = await app.gql(`{ routingRules { name position } }`, {}, { token: agent.token });
    const positions = data.routingRules.map((r: any) => r.position);
    expect(positions).toEqual([...positions].sort((a: number, b: number) => a - b));
    expect(data.routingRules.map((r: any) => r.name)).toContain("At-risk customers alert the supervisor");
  });
});

describe("autoAssignTicket", () => {
  const AUTO = `mutation($i: AutoAssignTicketInput!) { autoAssignTicket(input: $i) {
    __typename ... on AutoAssignTicketPayload { ticket { assignee { id } } } ... on Error { code message } ... on ValidationError { field } } }`;

  it("gives the case to the least-loaded available member; agents may not hand out cases", async () => {
    const desk = await seedTeam(app);
    const busy = await seedUser(app, "AGENT", [desk.id], { name: "Busy" });
    const idle = await seedUser(app, "AGENT", [desk.id], { name: "Idle" });
    const lead = await seedUser(app, "SUPERVISOR", [desk.id], { name: "Lead" });
    await app.db.prisma.user.update({ where: { id: lead.id }, data: { availability: "OFFLINE" } });
    for (let i = 0; i < 2; i++) await createTicketVia(app, busy.token, { teamId: desk.gid, assigneeId: busy.gid });
    const ticket = await createTicketVia(app, busy.token, { teamId: desk.gid });
    expect(
      (await app.gql(AUTO, { i: { id: ticket.id, strategy: "LEAST_LOADED" } }, { token: busy.token })).data.autoAssignTicket.__typename,
    ).toBe("ForbiddenError");
    const result = await app.gql(AUTO, { i: { id: ticket.id, strategy: "LEAST_LOADED" } }, { token: lead.token });
    expect(result.data.autoAssignTicket).toEqual({ __typename: "AutoAssignTicketPayload", ticket: { assignee: { id: idle.gid } } });
  });

  it("says so when nobody can take work, and changes nothing", async () => {
    const desk = await seedTeam(app);
    const lead = await seedUser(app, "SUPERVISOR", [desk.id]);
    await app.db.prisma.user.update({
      where: { id: lead.id },
      data: { workingHours: [{ day: 0, start: "00:00", end: "00:01" }], timeZone: "Pacific/Kiritimati" },
    });
    const ticket = await createTicketVia(app, lead.token, { teamId: desk.gid });
    const result = await app.gql(AUTO, { i: { id: ticket.id, strategy: "ROUND_ROBIN" } }, { token: lead.token });
    expect(result.data.autoAssignTicket).toMatchObject({ __typename: "ValidationError", field: "input.strategy" });
    expect((await app.db.prisma.team.findUniqueOrThrow({ where: { id: desk.id } })).lastAssignedUserId).toBeNull();
  });
});

describe("live events of a write that a rule changes", () => {
  it("reach the subscribers of the team the case ended up with, not of the team it left", async () => {
    const from = await seedTeam(app);
    const to = await seedTeam(app);
    const [leaving, receiving] = [await seedUser(app, "AGENT", [from.id]), await seedUser(app, "AGENT", [to.id])];
    const rule = await app.gql(
      UPSERT,
      {
        i: {
          name: `Escalations to ${to.name}`,
          position: 400,
          runsOn: ["UPDATED"],
          conditions: { tags: ["hand_over"] },
          actions: { teamId: to.gid },
        },
      },
      { token: admin.token },
    );
    expect(rule.data.upsertRoutingRule.__typename).toBe("RoutingRulePayload");
    const clients = [wsClient(port, leaving.token), wsClient(port, receiving.token)];
    try {
      const EVENTS = `subscription { ticketEvents { type ticket { number } } }`;
      const [leavingFeed, receivingFeed] = await Promise.all(clients.map((c) => subscribeWs(c, EVENTS)));
      // Submitted by someone else: agents also follow the cases they submitted themselves.
      const ticket = await createTicketVia(app, admin.token, { teamId: from.gid });
      await leavingFeed!.waitForMatching((e) => e.ticketEvents.type === "CREATED", 1);
      expect(
        (await app.gql(ADD_TAGS, { i: { ticketId: ticket.id, tags: ["hand_over"] } }, { token: admin.token })).data.addTags.__typename,
      ).toBe("AddTagsPayload");
      // The tag and the rule's move commit together: both events go where the case now is.
      const moved = await receivingFeed!.waitForMatching((e) => e.ticketEvents.ticket?.number === ticket.number, 2);
      expect(moved.map((e) => e.ticketEvents.type).sort()).toEqual(["RULE_FIRED", "TAGGED"]);
      // Nothing of the moved case reached the team it left: the next case created in that
      // team, a sentinel, is the next event its agent gets.
      const sentinel = await createTicketVia(app, admin.token, { teamId: from.gid });
      await leavingFeed!.waitForMatching((e) => e.ticketEvents.ticket?.number === sentinel.number, 1);
      expect(leavingFeed!.received.map((e) => [e.ticketEvents.type, e.ticketEvents.ticket?.number])).toEqual([
        ["CREATED", ticket.number],
        ["CREATED", sentinel.number],
      ]);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.db.prisma.routingRule.deleteMany({ where: { name: `Escalations to ${to.name}` } });
    }
  });
});
