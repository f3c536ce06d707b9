// Time-in-status automations through the API. Time moves only by the injected clock
// (frozen), and the monitor scans when a test ticks it, so when an automation fires never
// depends on the machine's speed. The last part runs two instances on one PostgreSQL and
// one Redis and ticks them at once.
import net from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, newBearerToken } from "../src/auth/secrets.js";
import { AdjustableClock } from "../src/clock.js";
import { type App, createApp } from "../src/server.js";
import { createTestApp, freshDatabase, type TestApp, testConfig } from "./helpers/app.js";
import { subscribeWs, wsClient } from "./helpers/live.js";
import { CREATE, createTicketVia, gid, moveVia, seedTeam, seedUser, type TestUser, TRANSITION, ticketInput } from "./helpers/seed.js";

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let otherTeam: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let admin: TestUser;
let port: number;

const UPSERT = `mutation($i: UpsertStatusAutomationInput!) {
  upsertStatusAutomation(input: $i) {
    __typename
    ... on StatusAutomationPayload { statusAutomation { id name status afterSeconds businessTime actions { addTags raisePriority escalateTier note alertSupervisors } } }
    ... on ValidationError { field message }
    ... on ForbiddenError { message }
  }
}`;
const CASE = `query($id: ID!) { ticket(id: $id) { status priority tags tier { level } comments { edges { node { body visibility } } } } }`;

const upsert = async (input: Record<string, unknown>, token = admin.token) =>
  (await app.gql(UPSERT, { i: input }, { token })).data?.upsertStatusAutomation;
const tick = () => app.slaMonitor!.tick();
const advance = async (seconds: number) => {
  app.clock.advance(seconds);
  await tick();
};
/** The automation firings recorded for a case, oldest first. */
const firings = async (number: string) =>
  (await app.db.prisma.ticketEvent.findMany({ where: { ticket: { number }, type: "RULE_FIRED" }, orderBy: { seq: "asc" } })).filter((e) =>
    e.note?.startsWith("Automation "),
  );
const caseOf = async (id: string) => (await app.gql(CASE, { id }, { token: agent.token })).data.ticket;

/** A submitted case of the team, taken up by the team now (TEAM_CHECKING). */
async function inTeamChecking(overrides: Record<string, unknown> = {}) {
  const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "LOW", ...overrides });
  for (const to of ["NOT_STARTED", "TEAM_CHECKING"])
    expect((await moveVia(app, agent.token, { id: ticket.id, to })).__typename).toBe("TransitionTicketPayload");
  return ticket;
}

beforeAll(async () => {
  app = await createTestApp({ slaMonitorIntervalMs: 3_600_000 });
  app.clock.freeze();
  ({ port } = await app.start(0));
  team = await seedTeam(app, "Auto-Desk");
  otherTeam = await seedTeam(app, "Other-Desk");
  agent = await seedUser(app, "AGENT", [team.id]);
  admin = await seedUser(app, "ADMIN");
  const saved = await upsert({
    name: "Checking too long",
    status: "TEAM_CHECKING",
    afterSeconds: 120,
    businessTime: false,
    conditions: { teamIds: [team.gid], priorities: ["LOW", "MEDIUM"] },
    actions: {
      addTags: ["stale"],
      raisePriority: "MEDIUM",
      escalateTier: true,
      alertSupervisors: true,
      note: "{{ticket.number}} has been {{ticket.status}} for two minutes",
    },
  });
  expect(saved).toMatchObject({
    __typename: "StatusAutomationPayload",
    statusAutomation: {
      status: "TEAM_CHECKING",
      afterSeconds: 120,
      businessTime: false,
      actions: { raisePriority: "MEDIUM", escalateTier: true },
    },
  });
});
afterAll(() => app.close());

describe("time-in-status automations", () => {
  it("fire once at the threshold, not a second before, and are audited with the automation's name", async () => {
    const ticket = await inTeamChecking();
    await advance(119);
    expect(await firings(ticket.number)).toEqual([]);
    expect((await caseOf(ticket.id)).tags).not.toContain("stale");
    await advance(1);
    const fired = await firings(ticket.number);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ actorKind: "SYSTEM", note: 'Automation "Checking too long"' });
    expect(fired[0]!.after).toMatchObject({ priority: "MEDIUM", tierLevel: 2, status: "TEAM_CHECKING" });
    const after = await caseOf(ticket.id);
    expect(after).toMatchObject({ priority: "MEDIUM", tier: { level: 2 } });
    expect(after.tags).toContain("stale");
    expect(after.comments.edges.map((e: any) => e.node)).toContainEqual({
      body: `${ticket.number} has been TEAM_CHECKING for two minutes`,
      visibility: "INTERNAL",
    });
    // Scans at, and long after, the threshold fire nothing more for this stay.
    await tick();
    await advance(3600);
    expect(await firings(ticket.number)).toHaveLength(1);
  });

  it("leaving the status before the threshold cancels; entering it again re-arms", async () => {
    const ticket = await inTeamChecking();
    await advance(60);
    await moveVia(app, agent.token, { id: ticket.id, to: "INFORM_CUSTOMER", note: "Please send the receipt." });
    expect(await app.db.prisma.automationCheck.count({ where: { ticket: { number: ticket.number } } })).toBe(0);
    await advance(600);
    expect(await firings(ticket.number)).toEqual([]);
    // The customer replies; the case goes back to the team: a new stay in TEAM_CHECKING.
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED", note: "Receipt attached." });
    await moveVia(app, agent.token, { id: ticket.id, to: "TEAM_CHECKING" });
    await advance(119);
    expect(await firings(ticket.number)).toEqual([]);
    await advance(1);
    expect(await firings(ticket.number)).toHaveLength(1);
    // Once more round: it fired for the last stay, and fires again for the next one.
    await moveVia(app, agent.token, { id: ticket.id, to: "INFORM_CUSTOMER", note: "Refund sent." });
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED", note: "Not received." });
    await moveVia(app, agent.token, { id: ticket.id, to: "TEAM_CHECKING" });
    await advance(120);
    await advance(120);
    const fired = await firings(ticket.number);
    expect(fired).toHaveLength(2);
    // The priority was only raised once (already MEDIUM the second time); the tier went up again.
    expect(fired[1]!.after).toMatchObject({ tierLevel: 3 });
    expect(fired[1]!.after).not.toHaveProperty("priority");
  });

  it("a case's stay in NEW starts at its creation; submitting it cancels", async () => {
    const saved = await upsert({
      name: "Left unsubmitted",
      status: "NEW",
      afterSeconds: 600,
      businessTime: false,
      conditions: { teamIds: [team.gid] },
      actions: { addTags: ["unsubmitted"] },
    });
    expect(saved.__typename).toBe("StatusAutomationPayload");
    const left = await createTicketVia(app, agent.token, { teamId: team.gid });
    const submitted = await createTicketVia(app, agent.token, { teamId: team.gid });
    await advance(599);
    await moveVia(app, agent.token, { id: submitted.id, to: "NOT_STARTED" });
    expect(await firings(left.number)).toEqual([]);
    await advance(1);
    expect(await firings(left.number)).toHaveLength(1);
    expect((await caseOf(left.id)).tags).toContain("unsubmitted");
    expect(await firings(submitted.number)).toEqual([]);
    // Out of the way of the tests below.
    await app.gql(
      `mutation($id: ID!) { deleteStatusAutomation(id: $id) { __typename } }`,
      { id: saved.statusAutomation.id },
      { token: admin.token },
    );
  });

  it("does nothing when the conditions do not hold at the threshold", async () => {
    const high = await inTeamChecking({ priority: "HIGH" });
    await advance(120);
    expect(await firings(high.number)).toEqual([]);
    expect((await caseOf(high.id)).tags).not.toContain("stale");
  });

  it("counts business time in the team's calendar when asked to", async () => {
    // Open Monday to Friday 09:00-17:00 UTC. The clock goes back to Friday 2026-11-27 16:59:00
    // (back, so the test's sessions stay valid).
    const calendar = await app.db.prisma.businessCalendar.create({
      data: {
        name: "Office",
        timeZone: "UTC",
        weeklyHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })),
        holidays: [],
      },
    });
    await app.db.prisma.team.update({ where: { id: otherTeam.id }, data: { calendarId: calendar.id } });
    const member = await seedUser(app, "AGENT", [otherTeam.id]);
    expect(
      (
        await upsert({
          name: "Waiting on the customer (business)",
          status: "INFORM_CUSTOMER",
          afterSeconds: 120,
          conditions: { teamIds: [otherTeam.gid] },
          actions: { addTags: ["nudge"] },
        })
      ).__typename,
    ).toBe("StatusAutomationPayload");
    const now = app.clock.now();
    const friday = new Date(Date.UTC(2026, 10, 27, 16, 59, 0));
    app.clock.advance((friday.getTime() - now.getTime()) / 1000);
    const ticket = await createTicketVia(app, member.token, { teamId: otherTeam.gid });
    for (const [to, note] of [["NOT_STARTED"], ["TEAM_CHECKING"], ["INFORM_CUSTOMER", "Which card did you use?"]])
      expect((await moveVia(app, member.token, { id: ticket.id, to, note })).__typename).toBe("TransitionTicketPayload");
    // One business minute is left on Friday; the second falls on Monday 09:00-09:01.
    const check = await app.db.prisma.automationCheck.findFirstOrThrow({ where: { ticket: { number: ticket.number } } });
    expect(check.dueAt.toISOString()).toBe("2026-11-30T09:01:00.000Z");
    await advance(3 * 86400 - (7 * 3600 + 58 * 60 + 1)); // Monday 09:00:59
    expect(await firings(ticket.number)).toEqual([]);
    await advance(1);
    expect(await firings(ticket.number)).toHaveLength(1);
  });
});

describe("alerting the assignee", () => {
  const ALERTS = `subscription { alerts(kinds: [AUTOMATION_ALERT]) { kind message ticket { number } } }`;
  const ASSIGN = `mutation($i: AssignTicketInput!) { assignTicket(input: $i) { __typename } }`;

  it("reaches the case's assignee and not a colleague; a case without one alerts no one", async () => {
    expect(
      (
        await upsert({
          name: "Assignee nudge",
          status: "TEAM_CHECKING",
          afterSeconds: 300,
          businessTime: false,
          conditions: { tags: ["nudge-me"] },
          actions: { alertAssignee: true },
        })
      ).__typename,
    ).toBe("StatusAutomationPayload");
    const colleague = await seedUser(app, "AGENT", [team.id]);
    const clients = [wsClient(port, agent.token), wsClient(port, colleague.token)];
    try {
      const [mine, theirs] = await Promise.all(clients.map((client) => subscribeWs(client, ALERTS)));
      // One second apart, so they fall due (and are published) in this order.
      const owners = [agent, colleague, agent, colleague, null];
      const cases: string[] = [];
      for (const owner of owners) {
        const ticket = await inTeamChecking({ priority: "HIGH", tags: ["nudge-me"] });
        if (owner) {
          const assigned = await app.gql(ASSIGN, { i: { id: ticket.id, assigneeId: owner.gid } }, { token: owner.token });
          expect(assigned.data.assignTicket.__typename).toBe("AssignTicketPayload");
        }
        cases.push(ticket.number);
        app.clock.advance(1);
      }
      await advance(300);
      // Each saw the alert of its own later case; any alert of the other's earlier case
      // would have been published, and so delivered, before it.
      const numbers = (c: NonNullable<typeof mine>) => c.received.map((a: any) => a.alerts.ticket.number);
      await mine!.waitForMatching((a: any) => a.alerts.ticket.number === cases[2], 1);
      await theirs!.waitForMatching((a: any) => a.alerts.ticket.number === cases[3], 1);
      expect(numbers(mine!)).toEqual([cases[0], cases[2]]);
      expect(numbers(theirs!).slice(0, 2)).toEqual([cases[1], cases[3]]);
      expect(mine!.received[0]).toMatchObject({ alerts: { kind: "AUTOMATION_ALERT" } });
      // The unassigned case fired (its audit says so) and alerted no one.
      const [unassigned] = await firings(cases[4]!);
      expect(unassigned!.after).toMatchObject({ alerted: [] });
      expect((await firings(cases[0]!))[0]!.after).toMatchObject({ alerted: ["assignee"] });
      mine!.stop();
      theirs!.stop();
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});

describe("administering automations", () => {
  const valid = { name: "x", status: "INFORM_CUSTOMER", afterSeconds: 60, actions: { addTags: ["x"] } };
  it.each([
    ["no time", { afterSeconds: 0 }, "input.afterSeconds"],
    ["more than a year", { afterSeconds: 366 * 86400 }, "input.afterSeconds"],
    ["no action", { actions: {} }, "input.actions"],
    ["a LOW raise", { actions: { raisePriority: "LOW" } }, "input.actions.raisePriority"],
    ["an unknown placeholder", { actions: { note: "Hello {{ticket.owner}}" } }, "input.actions.note"],
    ["a taken name", { name: "Checking too long" }, "input.name"],
  ])("refuse %s, naming the field", async (_label, change, field) => {
    expect(await upsert({ ...valid, ...change })).toMatchObject({ __typename: "ValidationError", field });
  });

  it("an unknown team in the conditions names the field", async () => {
    const result = await upsert({
      ...valid,
      conditions: { teamIds: [team.gid, "VGVhbTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA="] },
    });
    expect(result).toMatchObject({ __typename: "ValidationError", field: "input.conditions.teamIds.1" });
  });

  it("is for administrators only", async () => {
    expect(await upsert(valid, agent.token)).toMatchObject({ __typename: "ForbiddenError" });
    const list = await app.gql(`{ statusAutomations { name } }`, {}, { token: agent.token });
    expect(list.data.statusAutomations.map((a: any) => a.name)).toContain("Checking too long");
  });

  it("deleting one drops its pending checks", async () => {
    const saved = await upsert({ ...valid, name: "Short-lived", status: "TEAM_CHECKING" });
    const ticket = await inTeamChecking();
    const automationId = await app.db.prisma.statusAutomation.findUniqueOrThrow({ where: { name: "Short-lived" } }).then((a) => a.id);
    const pending = (where = {}) =>
      app.db.prisma.automationCheck.count({ where: { ticket: { number: ticket.number }, firedAt: null, ...where } });
    const before = await pending();
    expect(await pending({ automationId })).toBe(1);
    const deleted = await app.gql(
      `mutation($id: ID!) { deleteStatusAutomation(id: $id) { __typename ... on DeleteStatusAutomationPayload { deletedId } } }`,
      { id: saved.statusAutomation.id },
      { token: admin.token },
    );
    expect(deleted.data.deleteStatusAutomation.deletedId).toBe(saved.statusAutomation.id);
    expect(await pending({ automationId })).toBe(0);
    // The other automations' checks stay.
    expect(await pending()).toBe(before - 1);
  });
});

// ─── two instances ──────────────────────────────────────────────────────────

const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const onPostgres = Boolean(process.env.DATABASE_URL?.startsWith("postgres"));
const redisUp = await new Promise<boolean>((resolve) => {
  const url = new URL(REDIS);
  const socket = net.connect(Number(url.port || 6379), url.hostname, () => (socket.end(), resolve(true)));
  socket.on("error", () => resolve(false));
});
const twoInstances = onPostgres && redisUp;
if (!twoInstances)
  console.warn(
    `automations: the two-instance test is skipped: it needs PostgreSQL (DATABASE_URL=postgres://…; PGlite is one process's embedded database) and Redis at ${REDIS}${redisUp ? "" : " (not reachable)"}`,
  );

describe.runIf(twoInstances)("two instances on PostgreSQL and Redis", () => {
  const clock = new AdjustableClock();
  const instances: App[] = [];
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    const config = testConfig({
      database: fresh.database,
      redisUrl: REDIS,
      redisChannelPrefix: `caseflow-test-automations-${Date.now()}:`,
      slaMonitorIntervalMs: 3_600_000,
    });
    for (let i = 0; i < 2; i++) instances.push(await createApp(config, { clock, logger: pino({ level: "silent" }) }));
    clock.freeze();
  });
  afterAll(async () => {
    for (const instance of instances) await instance.stop().catch(() => {});
    await drop?.();
  });

  it("each due automation fires once in total when both scan at the same instant", async () => {
    const prisma = instances[0]!.db.prisma;
    const team = await prisma.team.create({ data: { name: "Two-Desk" } });
    const user = await prisma.user.create({
      data: { email: "two@example.com", name: "Two", role: "SUPERVISOR", passwordHash: "x", memberships: { create: { teamId: team.id } } },
    });
    const token = newBearerToken("session");
    await prisma.session.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) } });
    await prisma.statusAutomation.create({
      data: {
        name: "Nudge",
        status: "NOT_STARTED",
        afterSeconds: 30,
        businessTime: false,
        conditions: {},
        actions: { addTags: ["nudge"] },
      },
    });
    const gql = async (via: App, query: string, variables: Record<string, unknown>) => {
      const response = await via.yoga.fetch("http://caseflow.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as any;
    };
    // Cases submitted through either instance: each move schedules the check, due in 30 s.
    for (let i = 0; i < 20; i++) {
      const via = instances[i % 2]!;
      const created = await gql(via, CREATE, { input: ticketInput({ teamId: gid("Team", team.id), priority: "LOW" }) });
      const moved = await gql(via, TRANSITION, { input: { id: created.data.createTicket.ticket.id, to: "NOT_STARTED" } });
      expect(moved.data.transitionTicket.__typename).toBe("TransitionTicketPayload");
    }
    clock.advance(29);
    expect(await Promise.all(instances.map((i) => i.slaMonitor!.tick()))).toEqual([0, 0]);
    clock.advance(1);
    const counts = await Promise.all(instances.map((i) => i.slaMonitor!.tick()));
    expect(counts[0]! + counts[1]!).toBe(20);
    const events = await prisma.ticketEvent.groupBy({ by: ["ticketId"], where: { type: "RULE_FIRED" }, _count: true });
    expect(events).toHaveLength(20);
    expect(events.every((e) => e._count === 1)).toBe(true);
    // Both scanning again changes nothing.
    expect(await Promise.all(instances.map((i) => i.slaMonitor!.tick()))).toEqual([0, 0]);
    expect(await prisma.ticketEvent.count({ where: { type: "RULE_FIRED" } })).toBe(20);
  });
});
