// How Slack messages are delivered, against the Slack stand-in (test/helpers/slack.ts)
// through the official @slack/web-api client: SLA warnings and breaches reach the team's
// channel in the case's thread; Slack's refusals that retrying cannot mend fail a message
// at once (a refused channel alerts the team's supervisors once); Slack holding every
// request open never holds up a case write, and what it held is retried; a message queued while
// Slack was not configured goes out once it is again, unless its 24 h window ended; and
// with two instances on PostgreSQL and Redis every message is posted once. Time moves by
// the injected clock; the outbox and the SLA monitor are ticked by hand.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { decodeGlobalID } from "@pothos/plugin-relay";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import type { AlertMessage } from "../src/realtime/pubsub.js";
import { createApp } from "../src/server.js";
import { createTestApp, freshDatabase, type TestApp, testConfig } from "./helpers/app.js";
import { preparedDataDir } from "./helpers/process.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";
import { SlackStandIn } from "./helpers/slack.js";

const CHANNEL = "C0SLADESK01";
const UPSERT = `mutation($input: UpsertSlackChannelInput!) { upsertSlackChannel(input: $input) {
  __typename ... on SlackChannelPayload { slackChannel { id channel } } ... on Error { code message } } }`;
const CHANNELS = `query($teamId: ID) { slackChannels(teamId: $teamId) { channel refusedAt refusal } }`;

let slack: SlackStandIn;
let app: TestApp;
let admin: TestUser;
let agent: TestUser;
let team: Awaited<ReturnType<typeof seedTeam>>;

function slackConfig(standIn: SlackStandIn): NonNullable<Config["slack"]> {
  return {
    botToken: "xoxb-delivery-test",
    signingSecret: "delivery-test-signing-secret",
    apiUrl: standIn.apiUrl,
    caseLinkTemplate: "https://support.example.com/cases/{number}",
    timeoutMs: 3000,
  };
}

/** Ticked by hand: the dispatcher's own timer never comes round during a test. */
const handTicked = () => ({ ...testConfig().webhooks, dispatchIntervalMs: 2 ** 31 - 1 });

const pendingSlack = (on: TestApp) => on.db.prisma.outboundDelivery.count({ where: { channel: "slack", status: "PENDING" } });

/** Ticks until no Slack delivery is pending, a second between scans (a reply waits for its thread). */
async function drain(on: TestApp = app) {
  for (let i = 0; i < 10; i++) {
    await on.slackDispatcher!.tick();
    if ((await pendingSlack(on)) === 0) return;
    on.clock.advance(1);
  }
  throw new Error("Slack deliveries still pending");
}

const deliveriesOf = (ticketGid: string) =>
  app.db.prisma.outboundDelivery.findMany({
    where: { channel: "slack", payload: { path: ["ticketId"], equals: decodeGlobalID(ticketGid).id } },
    orderBy: { createdAt: "asc" },
  });

async function route(teamGid: string, channel: string, eventTypes?: string[]) {
  const made = await app.gql(UPSERT, { input: { teamId: teamGid, channel, eventTypes } }, { token: admin.token });
  expect(made.data.upsertSlackChannel.__typename).toBe("SlackChannelPayload");
}

beforeAll(async () => {
  slack = await new SlackStandIn().start();
  app = await createTestApp({ slaMonitorIntervalMs: 3_600_000, webhooks: handTicked(), slack: slackConfig(slack) });
  app.clock.freeze();
  team = await seedTeam(app);
  admin = await seedUser(app, "ADMIN");
  agent = await seedUser(app, "AGENT", [team.id]);
  await route(team.gid, CHANNEL);
  const policy = await app.gql(
    `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename ... on Error { message } } }`,
    {
      i: {
        name: "Slack desk HIGH (test)",
        priority: "HIGH",
        teamId: team.gid,
        firstResponseSeconds: 2,
        resolutionSeconds: 3,
        followUpSeconds: 3600,
        warningBeforeSeconds: 1,
      },
    },
    { token: admin.token },
  );
  expect(policy.data.upsertSlaPolicy.__typename).toBe("SlaPolicyPayload");
});

afterAll(async () => {
  await app?.close();
  await slack?.close();
});

describe("SLA warnings and breaches", () => {
  it("reach the team's channel as Block Kit replies in the case's thread, once each", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH" });
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: ticket.version });
    await drain();
    const before = slack.posts(CHANNEL).length;
    const [opening] = slack.posts(CHANNEL).filter((c) => JSON.stringify(c.args.blocks).includes(ticket.number));
    expect(opening!.args.thread_ts).toBeUndefined();
    const thread = await app.db.prisma.slackThread.findFirstOrThrow({ where: { ticketId: decodeGlobalID(ticket.id).id } });

    // First response: warned at 1 s, missed at 2 s; resolution: warned at 2 s, missed at 3 s.
    const headline = (call: { args: Record<string, any> }) => call.args.blocks[0].text.text.split("\n")[0];
    const WARNING = ":hourglass_flowing_sand: SLA about to be missed";
    const BREACH = ":rotating_light: SLA missed";
    const bySecond: string[][] = [];
    for (let second = 1; second <= 3; second++) {
      const seen = slack.posts(CHANNEL).length;
      app.clock.advance(1);
      await app.slaMonitor!.tick();
      await drain();
      bySecond.push(slack.posts(CHANNEL).slice(seen).map(headline).sort());
    }
    expect(bySecond).toEqual([[WARNING], [WARNING, BREACH].sort(), [BREACH]]);
    // Each names its target, as a case has several.
    const notes = slack
      .posts(CHANNEL)
      .slice(before)
      .map((call) => `${headline(call)} ${JSON.stringify(call.args.blocks.find((b: any) => b.type === "context"))}`);
    expect(notes.filter((n) => n.includes("First response due"))).toEqual([expect.stringContaining(WARNING)]);
    expect(notes.filter((n) => n.includes("First response was due"))).toEqual([expect.stringContaining(BREACH)]);
    expect(notes.filter((n) => n.includes("Resolution due"))).toEqual([expect.stringContaining(WARNING)]);
    expect(notes.filter((n) => n.includes("Resolution was due"))).toEqual([expect.stringContaining(BREACH)]);
    // Later scans owe nothing more: a later case's message is the next thing the channel gets.
    app.clock.advance(60);
    await app.slaMonitor!.tick();
    const sentinel = await createTicketVia(app, agent.token, { teamId: team.gid });
    await drain();

    const posted = slack.posts(CHANNEL).slice(before);
    expect(posted).toHaveLength(5);
    expect(JSON.stringify(posted.at(-1)!.args.blocks)).toContain(sentinel.number);
    for (const call of posted.slice(0, -1)) {
      expect(call.args.thread_ts).toBe(thread.ts);
      const blocks = JSON.stringify(call.args.blocks);
      expect(blocks).toContain(`<https://support.example.com/cases/${ticket.number}|${ticket.number}>`);
      expect(blocks).toContain("*Priority*\\nHIGH");
      expect(call.args.blocks.at(-1)).toMatchObject({ type: "actions", elements: [{ action_id: "case_take", value: ticket.id }] });
    }
    const sla = (await deliveriesOf(ticket.id)).filter((d) => d.eventType.startsWith("SLA_"));
    expect(sla.map((d) => [d.eventType, d.status, d.attempts]).sort()).toEqual([
      ["SLA_BREACH", "DELIVERED", 1],
      ["SLA_BREACH", "DELIVERED", 1],
      ["SLA_WARNING", "DELIVERED", 1],
      ["SLA_WARNING", "DELIVERED", 1],
    ]);
  });
});

describe("the other events a channel hears of by default", () => {
  const DECLARE = `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { __typename ... on Error { code message } } }`;
  const SUBMIT = `mutation($i: SubmitSurveyInput!) { submitSurvey(input: $i) { __typename ... on Error { code message } } }`;
  const CLOSE = `mutation($input: TransitionTicketInput!) { transitionTicket(input: $input) {
    __typename ... on TransitionTicketPayload { surveyToken } ... on Error { code message } } }`;
  const headlines = (calls: { args: Record<string, any> }[]) => calls.map((c) => c.args.blocks[0].text.text.split("\n")[0]);

  it("an incident of severity 3 and up is posted, a lesser one is not", async () => {
    await drain();
    const supervisor = await seedUser(app, "SUPERVISOR", [team.id]);
    const before = slack.posts(CHANNEL).length;
    for (const [title, severity] of [
      ["Exports slow", 2],
      ["Card payments failing", 3],
    ] as const) {
      const declared = await app.gql(DECLARE, { input: { title, severity, teamIds: [team.gid] } }, { token: supervisor.token });
      expect(declared.data.declareIncident.__typename).toBe("IncidentPayload");
    }
    await drain();
    const posted = slack.posts(CHANNEL).slice(before);
    expect(headlines(posted)).toEqual([":fire: Incident declared"]);
    expect(JSON.stringify(posted[0]!.args.blocks)).toContain("*Card payments failing* · severity 3");
  });

  it("an unsatisfied survey is posted in the case's thread, a satisfied one is not", async () => {
    await drain();
    const close = async () => {
      const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
      for (const to of ["NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER"])
        await moveVia(app, agent.token, { id: ticket.id, to, note: "sent" });
      const closed = await app.gql(CLOSE, { input: { id: ticket.id, to: "DONE", resolution: "refunded" } }, { token: agent.token });
      return { ticket, token: closed.data.transitionTicket.surveyToken as string };
    };
    const happy = await close();
    const unhappy = await close();
    await drain();
    const before = slack.posts(CHANNEL).length;
    expect((await app.gql(SUBMIT, { i: { token: happy.token, rating: "SATISFIED" } })).data.submitSurvey.__typename).toBe(
      "SubmitSurveyPayload",
    );
    expect((await app.gql(SUBMIT, { i: { token: unhappy.token, rating: "UNSATISFIED" } })).data.submitSurvey.__typename).toBe(
      "SubmitSurveyPayload",
    );
    await drain();
    const posted = slack.posts(CHANNEL).slice(before);
    expect(headlines(posted)).toEqual([":disappointed: Customer unsatisfied"]);
    expect(JSON.stringify(posted[0]!.args.blocks)).toContain(unhappy.ticket.number);
    const thread = await app.db.prisma.slackThread.findFirstOrThrow({ where: { ticketId: decodeGlobalID(unhappy.ticket.id).id } });
    expect(posted[0]!.args.thread_ts).toBe(thread.ts);
  });
});

describe("Slack's refusals", () => {
  /** Alerts published from now on, until one for `untilTeamId` arrives. */
  function collectAlerts(untilTeamId: string) {
    const alerts: AlertMessage[] = [];
    const iterator = app.realtime.pubsub.subscribe("alert")[Symbol.asyncIterator]();
    const done = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return alerts;
        alerts.push(next.value);
        if (next.value.kind === "SLACK_CHANNEL_REFUSED" && next.value.teamIds.includes(untilTeamId)) {
          await iterator.return?.();
          return alerts;
        }
      }
    })();
    return done;
  }
  const channelState = async (teamGid: string) =>
    (await app.gql(CHANNELS, { teamId: teamGid }, { token: admin.token })).data.slackChannels[0];

  it("fail a message at once on a channel error, record why, and alert the team's supervisors once", async () => {
    await drain();
    const broken = await seedTeam(app);
    const other = await seedTeam(app);
    await route(broken.gid, "C0BROKEN001");
    await route(other.gid, "C0SENTINEL1");
    const brokenAgent = await seedUser(app, "AGENT", [broken.id]);
    const otherAgent = await seedUser(app, "AGENT", [other.id]);
    const alerts = collectAlerts(other.id);

    const first = await createTicketVia(app, brokenAgent.token, { teamId: broken.gid });
    const second = await createTicketVia(app, brokenAgent.token, { teamId: broken.gid });
    slack.answers.push(
      { status: 200, body: { ok: false, error: "channel_not_found" } },
      { status: 200, body: { ok: false, error: "channel_not_found" } },
    );
    expect(await app.slackDispatcher!.tick()).toBe(2);
    for (const ticket of [first, second]) {
      const [delivery] = await deliveriesOf(ticket.id);
      expect(delivery).toMatchObject({ status: "FAILED", attempts: 1, nextAttemptAt: null, lastStatusCode: 200 });
      expect(delivery!.lastError).toContain("channel_not_found");
    }
    // The channel is marked; a third message, refused too, alerts nobody again.
    const third = await createTicketVia(app, brokenAgent.token, { teamId: broken.gid });
    slack.answers.push({ status: 200, body: { ok: false, error: "not_in_channel" } });
    expect(await app.slackDispatcher!.tick()).toBe(1);
    expect((await deliveriesOf(third.id))[0]).toMatchObject({ status: "FAILED", attempts: 1 });
    // The sentinel: another team's channel refused afterwards.
    await createTicketVia(app, otherAgent.token, { teamId: other.gid });
    slack.answers.push({ status: 200, body: { ok: false, error: "is_archived" } });
    await app.slackDispatcher!.tick();
    const received = await alerts;
    expect(received.filter((a) => a.kind === "SLACK_CHANNEL_REFUSED")).toEqual([
      expect.objectContaining({ audience: "SUPERVISORS", teamIds: [broken.id], message: expect.stringContaining("C0BROKEN001") }),
      expect.objectContaining({ audience: "SUPERVISORS", teamIds: [other.id], message: expect.stringContaining("is_archived") }),
    ]);
    expect(await channelState(broken.gid)).toMatchObject({ refusal: "channel_not_found", refusedAt: expect.any(String) });

    // The app invited back: the next message goes through and the mark is gone.
    await createTicketVia(app, brokenAgent.token, { teamId: broken.gid });
    await drain();
    expect(await channelState(broken.gid)).toMatchObject({ refusal: null, refusedAt: null });
    expect(slack.posts("C0BROKEN001").length).toBe(4);
  });

  it("fail a message at once on a revoked token or a refused message, without alerting; other errors are retried", async () => {
    await drain();
    const attempted = slack.posts(CHANNEL).length;
    const revoked = await createTicketVia(app, agent.token, { teamId: team.gid });
    slack.answers.push({ status: 200, body: { ok: false, error: "token_revoked" } });
    await app.slackDispatcher!.tick();
    const invalid = await createTicketVia(app, agent.token, { teamId: team.gid });
    slack.answers.push({ status: 200, body: { ok: false, error: "invalid_blocks" } });
    await app.slackDispatcher!.tick();
    const transient = await createTicketVia(app, agent.token, { teamId: team.gid });
    slack.answers.push({ status: 200, body: { ok: false, error: "internal_error" } });
    await app.slackDispatcher!.tick();

    expect((await deliveriesOf(revoked.id))[0]).toMatchObject({ status: "FAILED", attempts: 1, nextAttemptAt: null });
    expect((await deliveriesOf(revoked.id))[0]!.lastError).toContain("token_revoked");
    expect((await deliveriesOf(invalid.id))[0]).toMatchObject({ status: "FAILED", attempts: 1 });
    expect((await deliveriesOf(invalid.id))[0]!.lastError).toContain("invalid_blocks");
    const retried = (await deliveriesOf(transient.id))[0]!;
    expect(retried).toMatchObject({ status: "PENDING", attempts: 1, lastError: "Slack answered internal_error" });
    expect(retried.nextAttemptAt!.getTime()).toBeGreaterThan(app.clock.now().getTime());
    // Not the channel's fault: the route stays unmarked.
    expect(await channelState(team.gid)).toMatchObject({ refusal: null, refusedAt: null });
    app.clock.advance(60);
    await drain();
    expect((await deliveriesOf(transient.id))[0]).toMatchObject({ status: "DELIVERED", attempts: 2 });
    expect(slack.posts(CHANNEL).length - attempted).toBe(4);
  });
});

describe("Slack slow or hung", () => {
  const COMMENT = `mutation($i: AddCommentInput!) { addComment(input: $i) { __typename ... on Error { code message } } }`;

  it("never delays or fails a case write: writes answer while Slack holds every request open, and the held messages are retried", async () => {
    const hung = await new SlackStandIn().start();
    // A server of its own whose attempts would time out (SLACK_TIMEOUT_MS) long after this
    // test: only the stand-in ends the requests it holds.
    const slow = await createTestApp({ slaMonitor: false, webhooks: handTicked(), slack: { ...slackConfig(hung), timeoutMs: 600_000 } });
    const DESK = "C0HUNGDESK1";
    try {
      slow.clock.freeze();
      const desk = await seedTeam(slow);
      const deskAdmin = await seedUser(slow, "ADMIN");
      const deskAgent = await seedUser(slow, "AGENT", [desk.id]);
      const routed = await slow.gql(
        UPSERT,
        { input: { teamId: desk.gid, channel: DESK, eventTypes: ["TICKET_CREATED", "TICKET_STATUS_CHANGED"] } },
        { token: deskAdmin.token },
      );
      expect(routed.data.upsertSlackChannel.__typename).toBe("SlackChannelPayload");
      const queued = [];
      for (let i = 0; i < 3; i++) queued.push(await createTicketVia(slow, deskAgent.token, { teamId: desk.gid }));

      // Slack takes the scan's three messages and answers none of them.
      hung.hold();
      let scanEnded = false;
      const scan = slow.slackDispatcher!.tick().finally(() => {
        scanEnded = true;
      });
      await hung.whenHolding(3);

      // Cases are created, moved and commented on meanwhile, each answering as always.
      const created = await createTicketVia(slow, deskAgent.token, { teamId: desk.gid });
      const moved = await moveVia(slow, deskAgent.token, { id: queued[0]!.id, to: "NOT_STARTED", expectedVersion: queued[0]!.version });
      expect(moved.__typename).toBe("TransitionTicketPayload");
      const commented = await slow.gql(
        COMMENT,
        { i: { ticketId: queued[1]!.id, body: "Called the customer back" } },
        { token: deskAgent.token },
      );
      expect(commented.data.addComment.__typename).toBe("AddCommentPayload");
      // All of that happened while Slack still held the three requests open.
      expect(hung.heldOpen()).toEqual(["chat.postMessage", "chat.postMessage", "chat.postMessage"]);
      expect(scanEnded).toBe(false);
      const rows = async (ticket: { id: string }) =>
        (
          await slow.db.prisma.outboundDelivery.findMany({
            where: { channel: "slack", payload: { path: ["ticketId"], equals: decodeGlobalID(ticket.id).id } },
            orderBy: { eventType: "asc" }, // written at one frozen instant: TICKET_CREATED, then TICKET_STATUS_CHANGED
          })
        ).map((d) => ({ event: d.eventType, status: d.status, attempts: d.attempts, lastError: d.lastError }));
      // The writes' messages wait in the outbox, not yet tried.
      expect(await rows(created)).toEqual([{ event: "TICKET_CREATED", status: "PENDING", attempts: 0, lastError: null }]);
      expect((await rows(queued[0]!))[1]).toEqual({ event: "TICKET_STATUS_CHANGED", status: "PENDING", attempts: 0, lastError: null });

      // Slack answers at last, unavailable: the held messages are kept for a retry, not lost.
      hung.release({ status: 503, body: { ok: false, error: "service_unavailable" } });
      expect(await scan).toBe(3);
      for (const ticket of queued) {
        const [first] = await rows(ticket);
        expect(first).toEqual({ event: "TICKET_CREATED", status: "PENDING", attempts: 1, lastError: "Slack answered HTTP 503" });
      }
      slow.clock.advance(60);
      await drain(slow);
      for (const ticket of queued) expect((await rows(ticket))[0]).toMatchObject({ status: "DELIVERED", attempts: 2 });
      expect(await rows(created)).toEqual([{ event: "TICKET_CREATED", status: "DELIVERED", attempts: 1, lastError: null }]);
      // Posted: the three held, their three retries, the new case and the move (in its case's thread).
      const posts = hung.posts(DESK);
      expect(posts).toHaveLength(8);
      const thread = await slow.db.prisma.slackThread.findFirstOrThrow({ where: { ticketId: decodeGlobalID(queued[0]!.id).id } });
      const moves = posts.filter((c) => c.args.blocks[0].text.text.startsWith(":arrow_right: Case moved"));
      expect(moves.map((c) => c.args.thread_ts)).toEqual([thread.ts]);
    } finally {
      hung.release();
      await slow.close();
      await hung.close();
    }
  });
});

describe("Slack turned off while messages wait", () => {
  it("keeps them queued; once a token is configured again they go out in their threads, and those past their 24 h window fail", async () => {
    // One database the two servers open in turn.
    const postgres = process.env.DATABASE_URL ? await freshDatabase() : null;
    const database: Config["database"] = postgres
      ? postgres.database
      : { kind: "pglite", dataDir: path.join(await preparedDataDir("caseflow-slack-off-"), "pglite") };
    const encryptionKey = randomBytes(32);
    const shared = { database, encryptionKey, slaMonitor: false, webhooks: handTicked() };
    let off: TestApp | null = await createTestApp({ ...shared, slack: null });
    let on: TestApp | null = null;
    try {
      off.clock.freeze();
      expect(off.slackDispatcher).toBeNull();
      const desk = await seedTeam(off);
      const deskAgent = await seedUser(off, "AGENT", [desk.id]);
      // Routed while Slack was on; the token is gone now.
      await off.db.prisma.slackChannel.create({
        data: { teamId: desk.id, channel: "C0OFFDESK01", eventTypes: ["TICKET_CREATED", "TICKET_STATUS_CHANGED"] },
      });
      // Written 25 hours ago: its window ended an hour ago.
      off.clock.advance(-25 * 3600);
      const stale = await createTicketVia(off, deskAgent.token, { teamId: desk.gid });
      off.clock.advance(25 * 3600);
      const fresh = await createTicketVia(off, deskAgent.token, { teamId: desk.gid });
      await moveVia(off, deskAgent.token, { id: fresh.id, to: "NOT_STARTED", expectedVersion: fresh.version });
      expect(await pendingSlack(off)).toBe(3);
      await off.close();
      off = null;

      on = await createTestApp({ ...shared, slack: slackConfig(slack) });
      on.clock.freeze();
      const before = slack.posts("C0OFFDESK01").length;
      await drain(on);
      const posted = slack.posts("C0OFFDESK01").slice(before);
      expect(posted.map((c) => JSON.stringify(c.args.blocks).includes(fresh.number))).toEqual([true, true]);
      expect(posted[0]!.args.thread_ts).toBeUndefined();
      const thread = await on.db.prisma.slackThread.findFirstOrThrow({ where: { ticketId: decodeGlobalID(fresh.id).id } });
      expect(posted[1]!.args.thread_ts).toBe(thread.ts);
      const old = await on.db.prisma.outboundDelivery.findFirstOrThrow({
        where: { channel: "slack", payload: { path: ["ticketId"], equals: decodeGlobalID(stale.id).id } },
      });
      expect(old).toMatchObject({ status: "FAILED", attempts: 1, nextAttemptAt: null });
      expect(old.lastError).toContain("24 h window ended");
    } finally {
      await off?.close();
      await on?.close();
      if (database.kind === "pglite") await rm(path.dirname(database.dataDir), { recursive: true, force: true });
      await postgres?.drop();
    }
  });
});

// Several instances share the outbox through PostgreSQL; PGlite is one process's own database.
describe.skipIf(!process.env.DATABASE_URL)("two instances on PostgreSQL and Redis (skipped on PGlite: one process only)", () => {
  it("posts each message once", async () => {
    await drain();
    const redis = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const prefix = `caseflow-test-slack-${Date.now()}:`;
    const config = { ...app.config, redisUrl: redis, redisChannelPrefix: prefix };
    const second = await createApp(config, { clock: app.clock, logger: pino({ level: "silent" }) });
    const third = await createApp(config, { clock: app.clock, logger: pino({ level: "silent" }) });
    try {
      const before = slack.posts(CHANNEL).length;
      const numbers: string[] = [];
      for (let i = 0; i < 10; i++) numbers.push((await createTicketVia(app, agent.token, { teamId: team.gid })).number);
      const made = await Promise.all([
        second.slackDispatcher!.tick(),
        third.slackDispatcher!.tick(),
        second.slackDispatcher!.tick(),
        third.slackDispatcher!.tick(),
      ]);
      expect(made.reduce((a, b) => a + b, 0)).toBe(10);
      const posted = slack.posts(CHANNEL).slice(before);
      expect(posted).toHaveLength(10);
      const shown = posted.map((c) => numbers.find((n) => JSON.stringify(c.args.blocks).includes(n)));
      expect(new Set(shown).size).toBe(10);
      const rows = (await app.db.prisma.outboundDelivery.findMany({ where: { channel: "slack" } })).filter((r) =>
        numbers.includes((r.payload as { case?: { number?: string } }).case?.number ?? ""),
      );
      expect(rows.map((r) => [r.status, r.attempts])).toEqual(numbers.map(() => ["DELIVERED", 1]));
    } finally {
      await Promise.all([second.stop(), third.stop()]);
    }
  });
});

describe("slackDeliveries", () => {
  const LIST = `query($teamId: ID!, $status: SlackDeliveryStatus) { slackDeliveries(teamId: $teamId, status: $status) {
    edges { node { id eventType caseNumber channel roomName status attempts nextAttemptAt lastErrorCode lastError deliveredAt } } } }`;
  const list = async (viewer: TestUser, teamGid: string, status?: string) => {
    const result = await app.gql(LIST, { teamId: teamGid, status }, { token: viewer.token });
    return { nodes: result.data?.slackDeliveries?.edges.map((e: { node: unknown }) => e.node), code: result.errors?.[0]?.extensions?.code };
  };

  it("shows a team's messages pending, retried, delivered and refused for good with Slack's code, to its supervisors and administrators only", async () => {
    await drain();
    const listed = await seedTeam(app);
    await route(listed.gid, "C0LISTED001");
    const supervisor = await seedUser(app, "SUPERVISOR", [listed.id]);
    const otherSupervisor = await seedUser(app, "SUPERVISOR", [team.id]);
    const listedAgent = await seedUser(app, "AGENT", [listed.id]);
    // Another team's message, which the list must leave out.
    await createTicketVia(app, agent.token, { teamId: team.gid });
    await drain();

    const first = await createTicketVia(app, listedAgent.token, { teamId: listed.gid });
    const [pending] = (await list(supervisor, listed.gid)).nodes;
    expect(pending).toMatchObject({
      eventType: "TICKET_CREATED",
      caseNumber: first.number,
      channel: "C0LISTED001",
      roomName: null,
      status: "PENDING",
      attempts: 0,
      lastErrorCode: null,
      deliveredAt: null,
    });
    // Rate limited: still pending, retried after Slack's Retry-After, and the code says why.
    slack.answers.push({ status: 429, headers: { "retry-after": "30" }, body: { ok: false, error: "ratelimited" } });
    await app.slackDispatcher!.tick();
    const [retried] = (await list(supervisor, listed.gid)).nodes;
    expect(retried).toMatchObject({ status: "PENDING", attempts: 1, lastErrorCode: "ratelimited" });
    expect(new Date(retried.nextAttemptAt).getTime() - app.clock.now().getTime()).toBe(30_000);
    app.clock.advance(30);
    await drain();
    const [delivered] = (await list(supervisor, listed.gid)).nodes;
    expect(delivered).toMatchObject({ caseNumber: first.number, status: "DELIVERED", attempts: 2, lastErrorCode: null });
    expect(delivered.deliveredAt).toEqual(expect.any(String));

    const second = await createTicketVia(app, listedAgent.token, { teamId: listed.gid });
    slack.answers.push({ status: 200, body: { ok: false, error: "channel_not_found" } });
    await app.slackDispatcher!.tick();
    const failed = (await list(supervisor, listed.gid, "FAILED")).nodes;
    expect(failed).toEqual([
      expect.objectContaining({
        caseNumber: second.number,
        status: "FAILED",
        attempts: 1,
        nextAttemptAt: null,
        lastErrorCode: "channel_not_found",
      }),
    ]);
    // Newest first, this team's only; an administrator sees the same.
    const all = await list(admin, listed.gid);
    expect(all.nodes.map((n: { caseNumber: string }) => n.caseNumber)).toEqual([second.number, first.number]);
    // The message text is not shown: only what it is about.
    expect(JSON.stringify(all.nodes)).not.toContain(second.title);

    // A supervisor of another team, and an agent of this one, are refused.
    expect(await list(otherSupervisor, listed.gid)).toMatchObject({ nodes: undefined, code: "FORBIDDEN" });
    expect(await list(listedAgent, listed.gid)).toMatchObject({ nodes: undefined, code: "FORBIDDEN" });
  });
});
