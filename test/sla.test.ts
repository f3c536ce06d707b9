// SLA targets shortened to seconds, watched over real subscriptions. Time moves only by
// the injected clock (frozen), and the monitor scans when a test ticks it, so when an
// alert fires never depends on the machine's speed.

import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { subscribeSse, subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let port: number;
let team: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let admin: TestUser;
let client: Client;

const ALERTS = `subscription($filter: SlaAlertFilter) { slaAlerts(filter: $filter) { id kind target dueAt at ticket { number tier { level } } } }`;
const SLA = `query($id: ID!) { ticket(id: $id) { tier { level } sla { pausedSince targets { kind cycle state dueAt remainingSeconds metAt breachedAt breachReason } } } }`;

beforeAll(async () => {
  // The monitor's own timer never comes round during the run; tests call tick().
  app = await createTestApp({ slaMonitorIntervalMs: 3_600_000 });
  app.clock.freeze();
  ({ port } = await app.start(0));
  team = await seedTeam(app, "CS-Payment");
  agent = await seedUser(app, "AGENT", [team.id]);
  admin = await seedUser(app, "ADMIN");
  const policy = await app.gql(
    `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename ... on SlaPolicyPayload { slaPolicy { name team { name } } } ... on Error { message } } }`,
    {
      i: {
        name: "Payments HIGH (test)",
        priority: "HIGH",
        teamId: team.gid,
        firstResponseSeconds: 2,
        resolutionSeconds: 3,
        followUpSeconds: 2,
        warningBeforeSeconds: 1,
      },
    },
    { token: admin.token },
  );
  expect(policy.data.upsertSlaPolicy).toMatchObject({ __typename: "SlaPolicyPayload", slaPolicy: { team: { name: "CS-Payment" } } });
  client = wsClient(port, agent.token);
});
afterAll(async () => {
  await client.dispose();
  await app.close();
});

const sla = async (id: string) => (await app.gql(SLA, { id }, { token: agent.token })).data.ticket;
const target = (s: any, kind: string) => s.sla.targets.find((t: any) => t.kind === kind);
/** Moves time on and lets the monitor scan once; resolves to the alerts it fired. */
/** Moves the clock and lets the monitor look, as its timer would at that instant. */
const advance = (seconds: number) => {
  app.clock.advance(seconds);
  return app.slaMonitor!.tick();
};

describe("SLA clocks", () => {
  it("start when a case is submitted, in business time of the most specific policy", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH" });
    expect((await sla(ticket.id)).sla.targets).toEqual([]);
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" });
    const state = await sla(ticket.id);
    expect(state.sla.targets.map((t: any) => [t.kind, t.state, t.cycle])).toEqual([
      ["FIRST_RESPONSE", "ON_TRACK", 1],
      ["RESOLUTION", "ON_TRACK", 1],
    ]);
    expect(target(state, "FIRST_RESPONSE").remainingSeconds).toBeLessThanOrEqual(2);
    // The default MEDIUM policy of the seeds applies to other cases: 2 h first response.
    const medium = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "MEDIUM" });
    await moveVia(app, agent.token, { id: medium.id, to: "NOT_STARTED" });
    expect(target(await sla(medium.id), "FIRST_RESPONSE").remainingSeconds).toBeGreaterThan(7190);
  });

  it("fires a warning and a breach once each, at the scan that finds them due, and escalates a HIGH case that misses resolution", async () => {
    const alerts = await subscribeWs(client, ALERTS, { filter: { teamId: team.gid } });
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH" });
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" });
    // First response: warning at 1 s, breach at 2 s; resolution: warning at 2 s, breach at 3 s.
    // Scans at each due time, then a minute on: duplicates would have every chance.
    for (const seconds of [0, 1, 1, 1, 60]) await advance(seconds);
    // Nothing more was sent for it: the next case's first warning, a sentinel, comes right after.
    const sentinel = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH" });
    await moveVia(app, agent.token, { id: sentinel.id, to: "NOT_STARTED" });
    await advance(1);
    await alerts.waitForMatching((a: any) => a.slaAlerts.ticket.number === sentinel.number, 1);
    // (Cases of the earlier tests in this team fire on these scans too.)
    const received = alerts.received
      .map((a: any) => a.slaAlerts)
      .filter((a: any) => [ticket.number, sentinel.number].includes(a.ticket.number));
    const lines = received.map((a: any) => `${a.ticket.number} ${a.target}:${a.kind}`);
    expect(lines[0]).toBe(`${ticket.number} FIRST_RESPONSE:WARNING`);
    // Both due at 2 s, fired by one scan in either order.
    expect(lines.slice(1, 3).sort()).toEqual([`${ticket.number} FIRST_RESPONSE:BREACH`, `${ticket.number} RESOLUTION:WARNING`]);
    expect(lines.slice(3)).toEqual([`${ticket.number} RESOLUTION:BREACH`, `${sentinel.number} FIRST_RESPONSE:WARNING`]);
    expect(new Set(received.map((a: any) => a.id)).size).toBe(5);
    // Each fired exactly when due, since the clock only moved to each due time.
    for (const alert of received.slice(0, 4)) expect(alert.at).toBe(alert.dueAt);
    alerts.stop();

    const state = await sla(ticket.id);
    expect(state.tier.level).toBe(2);
    expect(target(state, "RESOLUTION")).toMatchObject({ state: "BREACHED" });
    expect(target(state, "RESOLUTION").remainingSeconds).toBeLessThan(0);
    const events = await app.db.prisma.ticketEvent.findMany({ where: { ticket: { number: ticket.number } }, orderBy: { seq: "asc" } });
    expect(events.filter((e) => e.type === "SLA_BREACHED")).toHaveLength(2);
    expect(events.filter((e) => e.type === "SLA_WARNING")).toHaveLength(2);
    expect(events.find((e) => e.type === "ESCALATED")).toMatchObject({ actorKind: "SYSTEM", after: { tierLevel: 2 } });

    // Moving the late case on needs a reason, which is kept with the breach.
    const refused = await moveVia(app, agent.token, { id: ticket.id, to: "TEAM_CHECKING" });
    expect(refused).toMatchObject({ __typename: "ValidationError", field: "input.breachReason" });
    const moved = await moveVia(app, agent.token, { id: ticket.id, to: "TEAM_CHECKING", breachReason: "payments provider outage" });
    expect(moved.__typename).toBe("TransitionTicketPayload");
    expect(target(await sla(ticket.id), "RESOLUTION").breachReason).toBe("payments provider outage");
    // Once explained, later moves need no new reason.
    expect((await moveVia(app, agent.token, { id: ticket.id, to: "INFORM_CUSTOMER", note: "refund reissued" })).__typename).toBe(
      "TransitionTicketPayload",
    );
  });

  it("delivers the same alerts over server-sent events", async () => {
    const feed = await subscribeSse(`http://127.0.0.1:${port}/graphql`, agent.token, ALERTS, { filter: { priorities: ["HIGH"] } });
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH" });
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" });
    for (const seconds of [1, 1, 1]) await advance(seconds);
    const alerts = await feed.waitForMatching((a: any) => a.slaAlerts.ticket.number === ticket.number, 4);
    expect(alerts.map((a: any) => `${a.slaAlerts.target}:${a.slaAlerts.kind}`).sort()).toEqual([
      "FIRST_RESPONSE:BREACH",
      "FIRST_RESPONSE:WARNING",
      "RESOLUTION:BREACH",
      "RESOLUTION:WARNING",
    ]);
    feed.stop();
  });

  it("pauses resolution while waiting on the customer and resumes on their reply", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH" });
    for (const input of [{ to: "NOT_STARTED" }, { to: "TEAM_CHECKING" }, { to: "INFORM_CUSTOMER", note: "please confirm the amount" }]) {
      expect((await moveVia(app, agent.token, { id: ticket.id, ...input })).__typename).toBe("TransitionTicketPayload");
    }
    const waiting = await sla(ticket.id);
    expect(target(waiting, "FIRST_RESPONSE").state).toBe("MET");
    expect(target(waiting, "RESOLUTION")).toMatchObject({ state: "PAUSED", dueAt: null });
    expect(waiting.sla.pausedSince).not.toBeNull();
    expect(target(waiting, "FOLLOW_UP")).toMatchObject({ state: "ON_TRACK", cycle: 1 });
    const budget = target(waiting, "RESOLUTION").remainingSeconds;

    // Longer than the whole resolution budget: a paused clock does not breach.
    await advance(3.5);
    const still = await sla(ticket.id);
    expect(target(still, "RESOLUTION")).toMatchObject({ state: "PAUSED", breachedAt: null, remainingSeconds: budget });
    expect(target(still, "FOLLOW_UP").state).toBe("BREACHED");

    await app.gql(
      `mutation($i: RecordCustomerReplyInput!) { recordCustomerReply(input: $i) { __typename } }`,
      { i: { ticketId: ticket.id, body: "It was 30 yuan" } },
      { token: agent.token },
    );
    const resumed = await sla(ticket.id);
    expect(target(resumed, "RESOLUTION").state).toMatch(/ON_TRACK|AT_RISK/);
    expect(resumed.sla.pausedSince).toBeNull();
    expect(target(resumed, "FOLLOW_UP").metAt).not.toBeNull();
  });

  it("meets resolution at the answer when the case is closed, and starts a new cycle when reopened", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH" });
    for (const input of [
      { to: "NOT_STARTED" },
      { to: "TEAM_CHECKING" },
      { to: "INFORM_CUSTOMER", note: "done" },
      { to: "DONE", resolution: "refunded" },
      { to: "NOT_STARTED", note: "again" },
    ]) {
      expect((await moveVia(app, agent.token, { id: ticket.id, ...input })).__typename).toBe("TransitionTicketPayload");
    }
    const rows = await app.db.prisma.slaTarget.findMany({
      where: { ticket: { number: ticket.number }, kind: "RESOLUTION" },
      orderBy: { cycle: "asc" },
    });
    expect(rows.map((r) => [r.cycle, Boolean(r.metAt), Boolean(r.pausedAt)])).toEqual([
      [1, true, true],
      [2, false, false],
    ]);
    expect(rows[0]!.metAt).toEqual(rows[0]!.pausedAt);
    // Only the latest cycle of each kind is shown (FOLLOW_UP ran once, RESOLUTION twice).
    const shown = (await sla(ticket.id)).sla.targets;
    expect(shown.map((t: any) => [t.kind, t.cycle]).sort()).toEqual([
      ["FIRST_RESPONSE", 1],
      ["FOLLOW_UP", 1],
      ["RESOLUTION", 2],
    ]);
  });
});

describe("SLA settings", () => {
  it("validates calendars part by part and uses a team's calendar", async () => {
    const UPSERT = `mutation($i: UpsertBusinessCalendarInput!) { upsertBusinessCalendar(input: $i) { __typename ... on BusinessCalendarPayload { businessCalendar { id name timeZone weeklyHours { day start end } holidays } } ... on ValidationError { issues { field } } } }`;
    const bad = await app.gql(
      UPSERT,
      { i: { name: "Bad", timeZone: "Mars/Base", weeklyHours: [{ day: 8, start: "09:00", end: "08:00" }], holidays: ["2024-02-30x"] } },
      { token: admin.token },
    );
    expect(bad.data.upsertBusinessCalendar.issues.map((i: any) => i.field)).toEqual([
      "input.timeZone",
      "input.weeklyHours.0.day",
      "input.weeklyHours.0.end",
      "input.holidays.0",
    ]);
    const good = await app.gql(
      UPSERT,
      {
        i: {
          name: "Shanghai office",
          timeZone: "Asia/Shanghai",
          weeklyHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "18:00" })),
          holidays: ["2024-10-01"],
        },
      },
      { token: admin.token },
    );
    expect(good.data.upsertBusinessCalendar.businessCalendar).toMatchObject({
      name: "Shanghai office",
      timeZone: "Asia/Shanghai",
      holidays: ["2024-10-01"],
    });
    const byAgent = await app.gql(UPSERT, { i: { name: "x", timeZone: "UTC", weeklyHours: [] } }, { token: agent.token });
    expect(byAgent.data.upsertBusinessCalendar.__typename).toBe("ForbiddenError");
  });

  it("start clocks on the policy's calendar, else the owning team's, else the default, with the most specific policy's budget", async () => {
    const calendar = async (name: string) =>
      (
        await app.gql(
          `mutation($i: UpsertBusinessCalendarInput!) { upsertBusinessCalendar(input: $i) { ... on BusinessCalendarPayload { businessCalendar { id } } } }`,
          {
            i: { name, timeZone: "Europe/Berlin", weeklyHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })) },
          },
          { token: admin.token },
        )
      ).data.upsertBusinessCalendar.businessCalendar.id as string;
    const [policyCalendar, teamCalendar] = [await calendar(`Policy hours ${Date.now()}`), await calendar(`Team hours ${Date.now()}`)];
    const localId = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;
    const defaultCalendar = await app.db.prisma.businessCalendar.findFirstOrThrow({ where: { isDefault: true } });
    const withCalendar = await seedTeam(app);
    await app.db.prisma.team.update({ where: { id: withCalendar.id }, data: { calendarId: localId(teamCalendar) } });
    const policy = (name: string, teamGid: string, calendarId: string | null, firstResponseSeconds: number) =>
      app.gql(
        `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename } }`,
        {
          i: {
            name,
            priority: "LOW",
            teamId: teamGid,
            calendarId,
            firstResponseSeconds,
            resolutionSeconds: 86_400,
            followUpSeconds: 86_400,
          },
        },
        { token: admin.token },
      );
    const plain = await seedTeam(app);
    // This team has a calendar too; its policy's calendar comes first.
    const withPolicyCalendar = await seedTeam(app);
    await app.db.prisma.team.update({ where: { id: withPolicyCalendar.id }, data: { calendarId: localId(teamCalendar) } });
    expect((await policy(`LOW ${plain.name}`, plain.gid, null, 111)).data.upsertSlaPolicy.__typename).toBe("SlaPolicyPayload");
    expect((await policy(`LOW ${withCalendar.name}`, withCalendar.gid, null, 222)).data.upsertSlaPolicy.__typename).toBe(
      "SlaPolicyPayload",
    );
    expect(
      (await policy(`LOW ${withPolicyCalendar.name}`, withPolicyCalendar.gid, policyCalendar, 333)).data.upsertSlaPolicy.__typename,
    ).toBe("SlaPolicyPayload");

    const started = async (teamGid: string) => {
      const ticket = await createTicketVia(app, admin.token, { teamId: teamGid, priority: "LOW" });
      expect((await moveVia(app, admin.token, { id: ticket.id, to: "NOT_STARTED" })).__typename).toBe("TransitionTicketPayload");
      return app.db.prisma.slaTarget.findFirstOrThrow({ where: { ticket: { number: ticket.number }, kind: "FIRST_RESPONSE" } });
    };
    expect(await started(plain.gid)).toMatchObject({ calendarId: defaultCalendar.id, budgetSeconds: 111 });
    expect(await started(withCalendar.gid)).toMatchObject({ calendarId: localId(teamCalendar), budgetSeconds: 222 });
    expect(await started(withPolicyCalendar.gid)).toMatchObject({ calendarId: localId(policyCalendar), budgetSeconds: 333 });
  });

  it("refuses a second policy for the same priority, team and tier", async () => {
    const result = await app.gql(
      `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename ... on ValidationError { field message } } }`,
      {
        i: { name: "Duplicate", priority: "HIGH", teamId: team.gid, firstResponseSeconds: 60, resolutionSeconds: 60, followUpSeconds: 60 },
      },
      { token: admin.token },
    );
    expect(result.data.upsertSlaPolicy).toMatchObject({ __typename: "ValidationError", field: "input.priority" });
  });
});
