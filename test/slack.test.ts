// The Slack bridge against a real local HTTP server standing in for Slack's Web API
// (test/helpers/slack.ts: chat.postMessage, chat.postEphemeral, conversations.*,
// users.info), reached through the official @slack/web-api client. Requests to /integrations/slack/* are signed here with node's crypto, following
// Slack's published algorithm (v0=hex HMAC-SHA256 of "v0:<timestamp>:<body>"), not with
// the server's verifier. Time moves by the injected clock (the signature window too), the
// outbox is ticked by hand, and "nothing was sent" is shown by a finished tick.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRACTICE_MARK } from "../src/domain/slack.js";
import { NOT_LINKED as NOT_LINKED_TEXT, SLACK_LOOKUP_FAILED } from "../src/resolvers/slack/actions.js";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";
import { SlackStandIn } from "./helpers/slack.js";

// ─── signed requests, as Slack sends them ───────────────────────────────────

const SIGNING_SECRET = "test-signing-secret-0123456789abcdef";
const BOT_TOKEN = "xoxb-test-token";

function slackSignature(secret: string, timestamp: string, body: string) {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

interface Sent {
  status: number;
  text: string;
  json: any;
}

async function post(
  path: string,
  body: string,
  sign: { secret?: string; timestamp?: number; tamper?: (body: string) => string } | "unsigned" = {},
): Promise<Sent> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  let sent = body;
  if (sign !== "unsigned") {
    const timestamp = String(sign.timestamp ?? Math.floor(app.clock.now().getTime() / 1000));
    headers["x-slack-request-timestamp"] = timestamp;
    headers["x-slack-signature"] = slackSignature(sign.secret ?? SIGNING_SECRET, timestamp, body);
    if (sign.tamper) sent = sign.tamper(body);
  }
  const response = await app.yoga.fetch(`http://caseflow.test${path}`, { method: "POST", headers, body: sent });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, text, json };
}

const command = (user: string, text: string, channel = CHANNEL, sign?: Parameters<typeof post>[2]) =>
  post(
    "/integrations/slack/commands",
    new URLSearchParams({
      token: "legacy",
      team_id: "T0TEAM",
      channel_id: channel,
      user_id: user,
      command: "/case",
      text,
      response_url: "https://hooks.slack.invalid/commands/1",
      trigger_id: "1.2.3",
    }).toString(),
    sign,
  );

/** A button click as Slack sends it; resolves with the acknowledgement, before the click is worked on. */
const clickSent = (
  user: string,
  actionId: string,
  value: string,
  options: { sign?: Parameters<typeof post>[2]; responseUrl?: string | null } = {},
) =>
  post(
    "/integrations/slack/interactions",
    new URLSearchParams({
      payload: JSON.stringify({
        type: "block_actions",
        user: { id: user },
        channel: { id: CHANNEL },
        actions: [{ action_id: actionId, value, type: "button" }],
        ...(options.responseUrl === null ? {} : { response_url: options.responseUrl ?? slack.responseUrl() }),
      }),
    }).toString(),
    options.sign,
  );

/** A click, once it has been worked on and its answer sent to Slack. */
const click = async (user: string, actionId: string, value: string, sign?: Parameters<typeof post>[2]) => {
  const sent = await clickSent(user, actionId, value, { sign });
  await app.slackClicks.idle();
  return sent;
};

// ─── operations ─────────────────────────────────────────────────────────────

const UPSERT = `mutation($input: UpsertSlackChannelInput!) { upsertSlackChannel(input: $input) {
  __typename ... on SlackChannelPayload { slackChannel { id channel eventTypes team { name } } }
  ... on Error { code message } ... on ValidationError { field } } }`;
const DELETE = `mutation($input: DeleteSlackChannelInput!) { deleteSlackChannel(input: $input) {
  __typename ... on DeleteSlackChannelPayload { deletedSlackChannelId } ... on Error { code } } }`;
const CHANNELS = `query($teamId: ID) { slackChannels(teamId: $teamId) { id channel } }`;
const LINK = `mutation($input: LinkSlackUserInput!) { linkSlackUser(input: $input) {
  __typename ... on LinkSlackUserPayload { user { id slackUserId } } ... on Error { code message } ... on ValidationError { field } } }`;

const CHANNEL = "C0PAYMENTS1";
const OTHER_CHANNEL = "C0OTHERTEAM";

let app: TestApp;
let slack: SlackStandIn;
let team: Awaited<ReturnType<typeof seedTeam>>;
let otherTeam: Awaited<ReturnType<typeof seedTeam>>;
let admin: TestUser;
let supervisor: TestUser;
let submitter: TestUser;
let taker: TestUser;
let outsider: TestUser;
const SLACK = { submitter: "U0SUBMIT01", taker: "U0TAKER001", outsider: "U0OUTSIDE1", unknown: "U0NOBODY01" };

const tick = () => app.slackDispatcher!.tick();
/** Ticks until every Slack delivery is out, moving the clock a second between scans (a reply waits for its thread). */
async function drain() {
  for (let i = 0; i < 10; i++) {
    await tick();
    const pending = await app.db.prisma.outboundDelivery.count({ where: { channel: "slack", status: "PENDING" } });
    if (pending === 0) return;
    app.clock.advance(1);
  }
  throw new Error("Slack deliveries still pending");
}

async function link(user: TestUser, slackUserId: string) {
  const result = await app.gql(LINK, { input: { userId: user.gid, slackUserId } }, { token: admin.token });
  expect(result.data.linkSlackUser.__typename).toBe("LinkSlackUserPayload");
}

beforeAll(async () => {
  slack = await new SlackStandIn().start();
  const base = testConfig();
  app = await createTestApp({
    slaMonitor: false,
    webhooks: { ...base.webhooks, dispatchIntervalMs: 2 ** 31 - 1 },
    slack: {
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      apiUrl: slack.apiUrl,
      caseLinkTemplate: "https://support.example.com/cases/{number}",
      timeoutMs: 3000,
    },
  });
  // Frozen: only the test moves time (retry waits, the signature window).
  app.clock.freeze();
  team = await seedTeam(app, `Payments-${Date.now()}`);
  otherTeam = await seedTeam(app);
  admin = await seedUser(app, "ADMIN");
  supervisor = await seedUser(app, "SUPERVISOR", [team.id]);
  submitter = await seedUser(app, "AGENT", [team.id], { name: "Sam Submitter" });
  taker = await seedUser(app, "AGENT", [team.id], { name: "Tia Taker" });
  outsider = await seedUser(app, "AGENT", [otherTeam.id]);
  await link(submitter, SLACK.submitter);
  await link(taker, SLACK.taker);
  await link(outsider, SLACK.outsider);
  const routed = await app.gql(UPSERT, { input: { teamId: team.gid, channel: CHANNEL } }, { token: supervisor.token });
  expect(routed.data.upsertSlackChannel.slackChannel.eventTypes).toEqual([
    "TICKET_CREATED",
    "INFORM_CUSTOMER",
    "SLA_WARNING",
    "SLA_BREACH",
    "INCIDENT_DECLARED",
    "SURVEY_UNSATISFIED",
  ]);
});

afterAll(async () => {
  await app?.close();
  await slack?.close();
});

describe("routes and links", () => {
  it("lets administrators and the team's supervisors route, and no one else", async () => {
    const byAgent = await app.gql(UPSERT, { input: { teamId: team.gid, channel: "C0AGENTTRY" } }, { token: submitter.token });
    expect(byAgent.data.upsertSlackChannel.code).toBe("FORBIDDEN");
    const otherSupervisor = await seedUser(app, "SUPERVISOR", [otherTeam.id]);
    const byOther = await app.gql(UPSERT, { input: { teamId: team.gid, channel: "C0OTHERTRY" } }, { token: otherSupervisor.token });
    expect(byOther.data.upsertSlackChannel.code).toBe("FORBIDDEN");
    const listed = await app.gql(CHANNELS, { teamId: team.gid }, { token: otherSupervisor.token });
    expect(listed.data.slackChannels).toEqual([]);
    expect(
      (await app.gql(CHANNELS, { teamId: team.gid }, { token: supervisor.token })).data.slackChannels.map((c: any) => c.channel),
    ).toEqual([CHANNEL]);
    // An admin token limited to the other team routes that team only: it cannot send this
    // team's cases to a channel of its choosing, nor see or delete this team's route.
    const limited = await seedApiToken(app, ["admin"], [otherTeam.id]);
    const byLimited = await app.gql(UPSERT, { input: { teamId: team.gid, channel: "C0EVIL0001" } }, { token: limited.token });
    expect(byLimited.data.upsertSlackChannel.code).toBe("FORBIDDEN");
    expect((await app.gql(CHANNELS, { teamId: team.gid }, { token: limited.token })).data.slackChannels).toEqual([]);
    const own = await app.gql(UPSERT, { input: { teamId: otherTeam.gid, channel: "C0LIMITED1" } }, { token: limited.token });
    expect(own.data.upsertSlackChannel.__typename).toBe("SlackChannelPayload");
    await app.gql(DELETE, { input: { id: own.data.upsertSlackChannel.slackChannel.id } }, { token: limited.token });
  });

  it("names the field of a bad channel, a channel of another team, or a bad Slack id; links are for administrators", async () => {
    const bad = await app.gql(UPSERT, { input: { teamId: team.gid, channel: "#payments" } }, { token: admin.token });
    expect(bad.data.upsertSlackChannel).toMatchObject({ __typename: "ValidationError", field: "input.channel" });
    const taken = await app.gql(UPSERT, { input: { teamId: otherTeam.gid, channel: CHANNEL } }, { token: admin.token });
    expect(taken.data.upsertSlackChannel).toMatchObject({ __typename: "ValidationError", field: "input.channel" });
    const badId = await app.gql(LINK, { input: { userId: taker.gid, slackUserId: "taker" } }, { token: admin.token });
    expect(badId.data.linkSlackUser).toMatchObject({ __typename: "ValidationError", field: "input.slackUserId" });
    const twice = await app.gql(LINK, { input: { userId: outsider.gid, slackUserId: SLACK.taker } }, { token: admin.token });
    expect(twice.data.linkSlackUser).toMatchObject({ __typename: "ValidationError", field: "input.slackUserId" });
    const self = await app.gql(LINK, { input: { userId: supervisor.gid, slackUserId: "U0SELFLINK" } }, { token: supervisor.token });
    expect(self.data.linkSlackUser.code).toBe("FORBIDDEN");
  });

  it("deletes a route; nothing more is queued for it", async () => {
    const made = await app.gql(UPSERT, { input: { teamId: otherTeam.gid, channel: OTHER_CHANNEL } }, { token: admin.token });
    const id = made.data.upsertSlackChannel.slackChannel.id;
    expect((await app.gql(DELETE, { input: { id } }, { token: admin.token })).data.deleteSlackChannel.deletedSlackChannelId).toBe(id);
    await createTicketVia(app, outsider.token, { teamId: otherTeam.gid });
    expect(
      await app.db.prisma.outboundDelivery.count({ where: { channel: "slack", payload: { path: ["channel"], equals: OTHER_CHANNEL } } }),
    ).toBe(0);
  });
});

describe("the audit of Slack links", () => {
  const EVENTS = `query($userId: ID) { slackLinkEvents(userId: $userId) {
    edges { node { action via slackUserId user { id } actor { kind user { id } } } } } }`;
  const eventsOf = async (user: TestUser) =>
    (await app.gql(EVENTS, { userId: user.gid }, { token: admin.token })).data.slackLinkEvents.edges.map((e: { node: unknown }) => e.node);

  it("stores who linked which member to whom, how, and each unlink, for administrators only", async () => {
    const person = await seedUser(app, "AGENT", [team.id]);
    await link(person, "U0AUDIT001");
    await link(person, "U0AUDIT002"); // relinked: the old member is unlinked, the new one linked
    await link(person, "U0AUDIT002"); // no change, no row
    const unlinked = await app.gql(LINK, { input: { userId: person.gid, slackUserId: null } }, { token: admin.token });
    expect(unlinked.data.linkSlackUser.user.slackUserId).toBeNull();
    const byAdmin = { kind: "USER", user: { id: admin.gid } };
    expect(await eventsOf(person)).toEqual([
      { action: "UNLINKED", via: "ADMIN", slackUserId: "U0AUDIT002", user: { id: person.gid }, actor: byAdmin },
      { action: "LINKED", via: "ADMIN", slackUserId: "U0AUDIT002", user: { id: person.gid }, actor: byAdmin },
      { action: "UNLINKED", via: "ADMIN", slackUserId: "U0AUDIT001", user: { id: person.gid }, actor: byAdmin },
      { action: "LINKED", via: "ADMIN", slackUserId: "U0AUDIT001", user: { id: person.gid }, actor: byAdmin },
    ]);
    // A refused link stores nothing.
    const taken = await app.gql(LINK, { input: { userId: person.gid, slackUserId: SLACK.taker } }, { token: admin.token });
    expect(taken.data.linkSlackUser.field).toBe("input.slackUserId");
    expect(await eventsOf(person)).toHaveLength(4);

    // Linked by e-mail on the member's first command: stored too, with no administrator.
    const mailed = await seedUser(app, "AGENT", [team.id]);
    const email = (await app.db.prisma.user.findUniqueOrThrow({ where: { id: mailed.id } })).email;
    slack.members.set("U0AUDITMAIL", { email });
    await command("U0AUDITMAIL", "WX-19990101-999");
    expect(await eventsOf(mailed)).toEqual([
      { action: "LINKED", via: "EMAIL", slackUserId: "U0AUDITMAIL", user: { id: mailed.gid }, actor: { kind: "SYSTEM", user: null } },
    ]);
    // Ids only: the address that matched is not stored with the link.
    const rows = await app.db.prisma.slackLinkEvent.findMany({ where: { userId: mailed.id } });
    expect(JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(email);

    const bySupervisor = await app.gql(EVENTS, {}, { token: supervisor.token });
    expect(bySupervisor.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    // Append-only, whoever writes: the database refuses to rewrite or erase a link's record.
    const [row] = rows;
    await expect(app.db.prisma.slackLinkEvent.update({ where: { id: row!.id }, data: { slackUserId: "U0FORGED" } })).rejects.toThrow(
      /immutable/,
    );
    await expect(app.db.prisma.$executeRawUnsafe(`DELETE FROM "SlackLinkEvent" WHERE "userId" = '${mailed.id}'`)).rejects.toThrow(
      /immutable/,
    );
    expect(await eventsOf(mailed)).toHaveLength(1);
  });
});

describe("messages in the team's channel", () => {
  it("posts a new case with its blocks, then replies in its thread and mentions the submitter on INFORM_CUSTOMER", async () => {
    const before = slack.posts(CHANNEL).length;
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid, priority: "HIGH" });
    await drain();
    const [first] = slack.posts(CHANNEL).slice(before);
    expect(first!.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(first!.args.thread_ts).toBeUndefined();
    const blocks = JSON.stringify(first!.args.blocks);
    expect(blocks).toContain(`<https://support.example.com/cases/${ticket.number}|${ticket.number}>`);
    expect(blocks).toContain(ticket.title);
    expect(blocks).toContain("*Priority*\\nHIGH");
    expect(blocks).toContain("*Status*\\nNEW");
    expect(blocks).toContain("New case in the queue");
    // The contact only masked, as stored: never the number the requester gave.
    expect(blocks).toContain(ticket.requester.maskedContact);
    expect(JSON.stringify(first!.args)).not.toContain("13812345678");
    const take = first!.args.blocks.at(-1).elements[0];
    expect(take).toMatchObject({ action_id: "case_take", value: ticket.id });

    // Moves the default route does not hear of post nothing; INFORM_CUSTOMER replies in the thread.
    let version = ticket.version;
    for (const input of [{ to: "NOT_STARTED" }, { to: "TEAM_CHECKING" }, { to: "INFORM_CUSTOMER", note: "Refund sent on Monday" }]) {
      const moved = await moveVia(app, submitter.token, { id: ticket.id, expectedVersion: version, ...input });
      expect(moved.__typename).toBe("TransitionTicketPayload");
      version = moved.ticket.version;
    }
    await drain();
    const replies = slack.posts(CHANNEL).slice(before + 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.args.thread_ts).toBe(
      (await app.db.prisma.slackThread.findFirstOrThrow({ where: { ticketId: decodeGlobalID(ticket.id).id } })).ts,
    );
    expect(replies[0]!.args.thread_ts).toMatch(/^\d+\.000100$/);
    const replyBlocks = JSON.stringify(replies[0]!.args.blocks);
    expect(replyBlocks).toContain(`<@${SLACK.submitter}>, you opened this case`);
    expect(replyBlocks).toContain("*Status*\\nINFORM_CUSTOMER");
    // The move's note is a comment now: the markers are offered on it.
    expect(replyBlocks).toContain("case_marker_on_it");
  });

  it("keeps practice cases out of the channel", async () => {
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid, practice: true });
    const queued = await app.db.prisma.outboundDelivery.count({
      where: { channel: "slack", payload: { path: ["ticketId"], equals: decodeGlobalID(ticket.id).id } },
    });
    expect(queued).toBe(0);
  });

  it("keeps a case's later messages in its thread when both are due before the first went out", async () => {
    await app.gql(
      UPSERT,
      { input: { teamId: team.gid, channel: CHANNEL, eventTypes: ["TICKET_CREATED", "TICKET_STATUS_CHANGED"] } },
      {
        token: admin.token,
      },
    );
    try {
      const before = slack.posts(CHANNEL).length;
      const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid });
      await moveVia(app, submitter.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: ticket.version });
      await drain();
      const [first, second] = slack.posts(CHANNEL).slice(before);
      expect(first!.args.thread_ts).toBeUndefined();
      expect(JSON.stringify(first!.args.blocks)).toContain("New case in the queue");
      expect(second!.args.thread_ts).toBe(
        (await app.db.prisma.slackThread.findFirstOrThrow({ where: { ticketId: decodeGlobalID(ticket.id).id } })).ts,
      );
    } finally {
      await app.gql(UPSERT, { input: { teamId: team.gid, channel: CHANNEL, eventTypes: null } }, { token: admin.token });
    }
  });

  it("waits as long as Slack's 429 Retry-After says, then posts", async () => {
    const before = slack.posts(CHANNEL).length;
    slack.answers.push({ status: 429, headers: { "retry-after": "30" }, body: { ok: false, error: "ratelimited" } });
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid });
    expect(await tick()).toBe(1);
    const delivery = await app.db.prisma.outboundDelivery.findFirstOrThrow({
      where: { channel: "slack", payload: { path: ["ticketId"], equals: decodeGlobalID(ticket.id).id } },
    });
    expect(delivery).toMatchObject({ status: "PENDING", attempts: 1, lastStatusCode: 429 });
    expect(delivery.nextAttemptAt!.getTime() - app.clock.now().getTime()).toBe(30_000);
    app.clock.advance(29);
    expect(await tick()).toBe(0);
    app.clock.advance(1);
    expect(await tick()).toBe(1);
    const sent = slack.posts(CHANNEL).slice(before);
    expect(sent).toHaveLength(2); // the refused call and the one that went through
    expect(await app.db.prisma.outboundDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({
      status: "DELIVERED",
      attempts: 2,
    });
  });
});

describe("signatures come first", () => {
  it("refuses unsigned, tampered, wrongly keyed and stale requests with 401 and changes nothing", async () => {
    const cases = () => app.db.prisma.ticket.count({ where: { teamId: team.id } });
    const before = await cases();
    const now = Math.floor(app.clock.now().getTime() / 1000);
    const refused = [
      await command(SLACK.submitter, "new ACC-401 unsigned case", CHANNEL, "unsigned"),
      await command(SLACK.submitter, "new ACC-401 tampered case", CHANNEL, { tamper: (body) => body.replace("tampered", "tempered") }),
      await command(SLACK.submitter, "new ACC-401 wrong key case", CHANNEL, { secret: "not-the-secret" }),
      await command(SLACK.submitter, "new ACC-401 stale case", CHANNEL, { timestamp: now - 301 }),
      await command(SLACK.submitter, "new ACC-401 future case", CHANNEL, { timestamp: now + 301 }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await cases()).toBe(before);
    // Within the window by the app's clock: accepted.
    const fresh = await command(SLACK.submitter, "help", CHANNEL, { timestamp: now - 299 });
    expect(fresh.status).toBe(200);
  });

  it("refuses a signed request after the clock moved past its window", async () => {
    const timestamp = Math.floor(app.clock.now().getTime() / 1000);
    app.clock.advance(301);
    const late = await command(SLACK.submitter, "help", CHANNEL, { timestamp });
    expect(late.status).toBe(401);
  });

  it("refuses tampered and stale button clicks, and a body over the cap", async () => {
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid });
    const now = Math.floor(app.clock.now().getTime() / 1000);
    expect((await click(SLACK.taker, "case_take", ticket.id, "unsigned")).status).toBe(401);
    expect((await click(SLACK.taker, "case_take", ticket.id, { timestamp: now - 600 })).status).toBe(401);
    expect((await click(SLACK.taker, "case_take", ticket.id, { tamper: (b) => b.replace(SLACK.taker, SLACK.submitter) })).status).toBe(401);
    const huge = await command(SLACK.submitter, `new ACC-1 ${"x".repeat(70_000)}`);
    expect(huge.status).toBe(413);
    const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: decodeGlobalID(ticket.id).id } });
    expect(row).toMatchObject({ status: "NEW", assigneeId: null });
  });
});

describe("/case", () => {
  it("answers help", async () => {
    const answer = await command(SLACK.unknown, "help");
    expect(answer.json).toMatchObject({ response_type: "ephemeral" });
    expect(answer.json.text).toContain("/case new");
  });

  it("refuses Slack members not linked to a person, and creates nothing", async () => {
    const before = await app.db.prisma.ticket.count();
    const answer = await command(SLACK.unknown, "new ACC-77 nobody knows me");
    expect(answer.status).toBe(200);
    expect(answer.json.text).toContain("not linked to a caseflow user");
    expect(await app.db.prisma.ticket.count()).toBe(before);
  });

  describe("members linked by their e-mail address in Slack (users.info)", () => {
    const emailOf = async (user: TestUser) => (await app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).email;
    const slackIdOf = async (user: TestUser) => (await app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).slackUserId;
    const lookups = (member: string) => slack.calls.filter((c) => c.method === "users.info" && c.args.user === member).length;

    it("links a member whose Slack e-mail is an active person's, compared as login compares it, and acts as them", async () => {
      const person = await seedUser(app, "AGENT", [team.id], { name: "Mia Mail" });
      slack.members.set("U0BYMAIL01", { email: `  ${(await emailOf(person)).toUpperCase()} ` });
      const answer = await command("U0BYMAIL01", "new ACC-31 linked by mail | found by e-mail");
      expect(answer.json.text).toMatch(/^Created SLK-\d{8}-\d{3}: ACC-31 linked by mail$/);
      expect(await slackIdOf(person)).toBe("U0BYMAIL01");
      const number = answer.json.text.split(" ")[1].replace(":", "");
      const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { number }, include: { events: true } });
      expect(row.submittedById).toBe(person.id);
      expect(row.events.find((e) => e.type === "CREATED")).toMatchObject({ actorKind: "USER", actorUserId: person.id });
      // Linked now: Slack is not asked again.
      await command("U0BYMAIL01", "help");
      await command("U0BYMAIL01", number);
      expect(lookups("U0BYMAIL01")).toBe(1);
    });

    it("links on a button click too", async () => {
      const person = await seedUser(app, "AGENT", [team.id]);
      slack.members.set("U0CLICKER1", { email: await emailOf(person) });
      const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid });
      await moveVia(app, submitter.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: ticket.version });
      await click("U0CLICKER1", "case_take", ticket.id);
      expect(slack.responses().at(-1)!.args.text).toContain(`You took ${ticket.number}`);
      expect(await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: decodeGlobalID(ticket.id).id } })).toMatchObject({
        assigneeId: person.id,
      });
    });

    it("refuses a member whose e-mail is nobody's, a deactivated person's or an already linked person's, and links nothing", async () => {
      const deactivated = await seedUser(app, "AGENT", [team.id]);
      await app.db.prisma.user.update({ where: { id: deactivated.id }, data: { active: false } });
      slack.members.set("U0NOMATCH1", { email: "nobody-here@example.com" });
      slack.members.set("U0GONE0001", { email: await emailOf(deactivated) });
      // The taker is linked to another member: a second member with their address is not them.
      slack.members.set("U0TWIN0001", { email: await emailOf(taker) });
      slack.members.set("U0NOEMAIL1", {});
      const before = await app.db.prisma.ticket.count();
      for (const member of ["U0NOMATCH1", "U0GONE0001", "U0TWIN0001", "U0NOEMAIL1"]) {
        const answer = await command(member, "new ACC-32 should not be made");
        expect(answer.json.text).toBe(NOT_LINKED_TEXT);
        expect(lookups(member)).toBe(1);
      }
      expect(await app.db.prisma.ticket.count()).toBe(before);
      expect(await slackIdOf(deactivated)).toBeNull();
      expect(await slackIdOf(taker)).toBe(SLACK.taker);
      expect(
        await app.db.prisma.user.count({ where: { slackUserId: { in: ["U0NOMATCH1", "U0GONE0001", "U0TWIN0001", "U0NOEMAIL1"] } } }),
      ).toBe(0);
    });

    it('says Slack could not be reached, not "not linked", when users.info errs or hangs, links nothing, and links once Slack answers', async () => {
      const person = await seedUser(app, "AGENT", [team.id]);
      slack.members.set("U0SCOPELESS", { email: await emailOf(person) });
      slack.answers.push({ status: 200, body: { ok: false, error: "missing_scope", needed: "users:read.email" } });
      const refused = await command("U0SCOPELESS", "new ACC-9033 not without the scope");
      expect(refused.status).toBe(200);
      expect(refused.json.text).toBe(SLACK_LOOKUP_FAILED);
      expect(await slackIdOf(person)).toBeNull();
      slack.answers.push({ status: 503, body: { ok: false } });
      expect((await command("U0SCOPELESS", "new ACC-9033 not while Slack is down")).json.text).toBe(SLACK_LOOKUP_FAILED);
      expect(await slackIdOf(person)).toBeNull();
      // A click is told the same, through its response_url.
      const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid });
      await moveVia(app, submitter.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: ticket.version });
      slack.answers.push({ status: 200, body: { ok: false, error: "internal_error" } });
      await click("U0SCOPELESS", "case_take", ticket.id);
      expect(slack.responses().at(-1)!.args.text).toBe(SLACK_LOOKUP_FAILED);
      expect(await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: decodeGlobalID(ticket.id).id } })).toMatchObject({
        status: "NOT_STARTED",
        assigneeId: null,
      });
      // Slack hung: the command is answered within Slack's 3 s window (the lookup's own
      // timeout, SLACK_LOOKUP_TIMEOUT_MS, not SLACK_TIMEOUT_MS), while the lookup is still held open.
      slack.hold();
      try {
        const hung = await command("U0SCOPELESS", "new ACC-9033 not while Slack hangs");
        expect(hung.json.text).toBe(SLACK_LOOKUP_FAILED);
        expect(slack.heldOpen()).toEqual(["users.info"]);
      } finally {
        slack.release();
      }
      expect(await slackIdOf(person)).toBeNull();
      expect(await app.db.prisma.ticket.count({ where: { title: { startsWith: "ACC-9033 " } } })).toBe(0);
      // Once Slack answers, the member is linked.
      expect((await command("U0SCOPELESS", "new ACC-9033 now it works")).json.text).toMatch(/^Created /);
      expect(await slackIdOf(person)).toBe("U0SCOPELESS");
    });
  });

  it("creates a case for the channel's team as the linked person, through createTicket's rules", async () => {
    const answer = await command(SLACK.taker, "new ACC-9 printer on fire | smoke since 9:00");
    expect(answer.json.text).toMatch(/^Created SLK-\d{8}-\d{3}: ACC-9 printer on fire$/);
    const number = answer.json.text.split(" ")[1].replace(":", "");
    const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { number }, include: { events: true } });
    expect(row).toMatchObject({
      teamId: team.id,
      channel: "SLACK",
      accountId: "ACC-9",
      details: "smoke since 9:00",
      submittedById: taker.id,
    });
    expect(row.events.find((e) => e.type === "CREATED")).toMatchObject({ actorKind: "USER", actorUserId: taker.id });

    const invalid = await command(SLACK.taker, "new AB");
    expect(invalid.json.text).toContain("title");
    const unrouted = await command(SLACK.taker, "new ACC-10 somewhere else", "C0NOTROUTED");
    expect(unrouted.json.text).toContain("not linked to a caseflow team");
  });

  it("shows a case to someone who may read it, and answers not found to someone who may not", async () => {
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid });
    const shown = await command(SLACK.taker, ticket.number.toLowerCase());
    expect(shown.json.response_type).toBe("ephemeral");
    expect(JSON.stringify(shown.json.blocks)).toContain(ticket.number);
    expect(JSON.stringify(shown.json.blocks)).toContain(ticket.requester.maskedContact);
    const hidden = await command(SLACK.outsider, ticket.number);
    const missing = await command(SLACK.outsider, "WX-19990101-999");
    expect(hidden.json.text).toBe(`Case ${ticket.number} not found.`);
    expect(missing.json.text).toBe("Case WX-19990101-999 not found.");
    expect(hidden.json.blocks).toBeUndefined();
    expect(JSON.stringify(shown.json)).not.toContain(PRACTICE_MARK);
  });

  it("marks a practice case first in its view and its text", async () => {
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid, practice: true });
    const shown = await command(SLACK.taker, ticket.number);
    expect(shown.json.text).toBe(`${PRACTICE_MARK}: ${ticket.number} ${ticket.title}`);
    expect(shown.json.blocks[0]).toMatchObject({ type: "context", block_id: "practice" });
    expect(JSON.stringify(shown.json.blocks[0])).toContain(PRACTICE_MARK);
    expect(JSON.stringify(shown.json.blocks)).toContain(ticket.number);
  });
});

describe("buttons", () => {
  async function readyCase() {
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid });
    const moved = await moveVia(app, submitter.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: ticket.version });
    return { ...ticket, version: moved.ticket.version };
  }
  const lastAnswer = () => slack.responses().at(-1)!.args;
  const lastEphemeral = () => slack.ephemerals().at(-1)!.args;

  it("Take it moves the case to TEAM_CHECKING and assigns it to whoever clicked, in their name", async () => {
    const ticket = await readyCase();
    const answer = await click(SLACK.taker, "case_take", ticket.id);
    expect(answer.status).toBe(200);
    expect(lastAnswer()).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(lastAnswer().text).toContain(`You took ${ticket.number}`);
    const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: decodeGlobalID(ticket.id).id }, include: { events: true } });
    expect(row).toMatchObject({ status: "TEAM_CHECKING", assigneeId: taker.id });
    const made = row.events.filter((e) => e.type === "STATUS_CHANGED" || e.type === "ASSIGNED").slice(-2);
    expect(made.map((e) => [e.type, e.actorUserId])).toEqual([
      ["STATUS_CHANGED", taker.id],
      ["ASSIGNED", taker.id],
    ]);
  });

  it("answers a refused move with the workflow's message and changes nothing", async () => {
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid }); // NEW: TEAM_CHECKING is not next
    await click(SLACK.taker, "case_take", ticket.id);
    expect(lastAnswer().text).toContain("Not done: ");
    expect(lastAnswer().text).toContain("NOT_STARTED");
    const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: decodeGlobalID(ticket.id).id } });
    expect(row).toMatchObject({ status: "NEW", assigneeId: null });
  });

  it("answers not found to someone who may not see the case, and refuses unknown members", async () => {
    const ticket = await readyCase();
    await click(SLACK.outsider, "case_take", ticket.id);
    expect(lastAnswer().text).toBe("Case not found.");
    await click(SLACK.unknown, "case_take", ticket.id);
    expect(lastAnswer().text).toContain("not linked to a caseflow user");
    const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: decodeGlobalID(ticket.id).id } });
    expect(row).toMatchObject({ status: "NOT_STARTED", assigneeId: null });
  });

  it("acknowledges a click before Slack hears its outcome, then makes the change once and answers on the response_url", async () => {
    const ticket = await readyCase();
    const answered = slack.responses().length;
    slack.hold();
    let ack: Awaited<ReturnType<typeof clickSent>>;
    try {
      ack = await clickSent(SLACK.taker, "case_take", ticket.id);
      // The 200 is in hand while the answer to Slack is not even sent, or held open unanswered.
      await slack.whenHolding(1);
      expect(slack.heldOpen()).toEqual(["response_url"]);
    } finally {
      slack.release();
    }
    expect(ack).toMatchObject({ status: 200, text: "" });
    await app.slackClicks.idle();
    expect(
      slack
        .responses()
        .slice(answered)
        .map((r) => r.args),
    ).toEqual([{ response_type: "ephemeral", replace_original: false, text: expect.stringContaining(`You took ${ticket.number}`) }]);
    const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: decodeGlobalID(ticket.id).id }, include: { events: true } });
    expect(row).toMatchObject({ status: "TEAM_CHECKING", assigneeId: taker.id });
    expect(row.events.filter((e) => e.type === "STATUS_CHANGED" || e.type === "ASSIGNED").length).toBe(3); // NOT_STARTED, TEAM_CHECKING, ASSIGNED
  });

  it("calls no response_url off Slack's origin, and tells the clicker with chat.postEphemeral instead, as when the response_url fails", async () => {
    const hits: string[] = [];
    const elsewhere = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.end("ok");
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    try {
      const ticket = await readyCase();
      const answered = slack.responses().length;
      const port = (elsewhere.address() as AddressInfo).port;
      await clickSent(SLACK.taker, "case_take", ticket.id, { responseUrl: `http://127.0.0.1:${port}/actions/1` });
      await app.slackClicks.idle();
      // The answer went out (below) after the refused URL would have been called: it never was.
      expect(hits).toEqual([]);
      expect(slack.responses().length).toBe(answered);
      expect(lastEphemeral()).toMatchObject({
        channel: CHANNEL,
        user: SLACK.taker,
        text: expect.stringContaining(`You took ${ticket.number}`),
      });

      const second = await readyCase();
      slack.answers.push({ status: 500, body: {} }); // the response_url fails
      await click(SLACK.taker, "case_take", second.id);
      expect(slack.responses().length).toBe(answered + 1);
      expect(lastEphemeral().text).toContain(`You took ${second.number}`);
    } finally {
      elsewhere.closeAllConnections();
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it("puts the 👀 and ✅ markers on the comment the message showed", async () => {
    const before = slack.posts(CHANNEL).length;
    const ticket = await readyCase();
    await moveVia(app, submitter.token, { id: ticket.id, to: "TEAM_CHECKING", expectedVersion: ticket.version });
    const current = await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: decodeGlobalID(ticket.id).id } });
    await moveVia(app, submitter.token, { id: ticket.id, to: "INFORM_CUSTOMER", note: "Card reissued", expectedVersion: current.version });
    await drain();
    const reply = slack.posts(CHANNEL).slice(before).at(-1)!;
    const buttons = reply.args.blocks.at(-1).elements as { action_id: string; value: string }[];
    const onIt = buttons.find((b) => b.action_id === "case_marker_on_it")!;
    const resolved = buttons.find((b) => b.action_id === "case_marker_resolved")!;
    await click(SLACK.taker, onIt.action_id, onIt.value);
    await click(SLACK.taker, resolved.action_id, resolved.value);
    expect(lastAnswer().text).toContain(`Marked ✅ on the latest comment of ${ticket.number}`);
    const commentId = decodeGlobalID(JSON.parse(onIt.value).commentId).id;
    const marks = await app.db.prisma.commentReaction.findMany({ where: { commentId }, orderBy: { emoji: "asc" } });
    expect(marks.map((m) => [m.emoji, m.userId]).sort()).toEqual([
      ["✅", taker.id],
      ["👀", taker.id],
    ]);
    const comment = await app.db.prisma.comment.findUniqueOrThrow({ where: { id: commentId } });
    expect(comment.body).toBe("Card reissued");
  });
});

describe("swarm and incident channels", () => {
  const START = `mutation($input: StartSwarmInput!) { startSwarm(input: $input) { __typename ... on SwarmPayload { swarm { id } } ... on Error { code message } } }`;
  const JOIN = `mutation($input: SwarmInput!) { joinSwarm(input: $input) { __typename ... on Error { code message } } }`;
  const POST = `mutation($input: PostSwarmMessageInput!) { postSwarmMessage(input: $input) { __typename ... on Error { code message } } }`;
  const CLOSE = `mutation($input: CloseSwarmInput!) { closeSwarm(input: $input) { __typename ... on Error { code message } } }`;
  const DECLARE = `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { __typename ... on IncidentPayload { incident { id } } ... on Error { code message } } }`;
  const UPDATE = `mutation($input: PostIncidentUpdateInput!) { postIncidentUpdate(input: $input) { __typename ... on Error { code message } } }`;
  const RESOLVE = `mutation($input: ResolveIncidentInput!) { resolveIncident(input: $input) { __typename ... on Error { code message } } }`;

  it("opens a channel per swarm, invites its owner and each expert who joins, mirrors its thread, then archives it", async () => {
    const before = slack.calls.length;
    const ticket = await createTicketVia(app, submitter.token, { teamId: team.gid, assigneeId: taker.gid });
    const started = await app.gql(
      START,
      { input: { ticketId: ticket.id, reason: "card network errors", skills: ["payments"] } },
      { token: taker.token },
    );
    const swarmId = started.data.startSwarm.swarm.id;
    expect((await app.gql(JOIN, { input: { swarmId } }, { token: outsider.token })).data.joinSwarm.__typename).toBe("SwarmPayload");
    app.clock.advance(1); // each step written at its own instant, as writes are
    await app.gql(POST, { input: { swarmId, body: "Acquirer shows timeouts since 09:10" } }, { token: outsider.token });
    app.clock.advance(1); // each step written at its own instant, as writes are
    await app.gql(CLOSE, { input: { swarmId, summary: "Retried after the acquirer fixed its gateway" } }, { token: taker.token });
    await drain();
    const calls = slack.calls.slice(before).filter((c) => c.method !== "chat.postMessage" || c.args.channel !== CHANNEL);
    const created = calls.find((c) => c.method === "conversations.create")!;
    expect(created.args.name).toBe(`swarm-${ticket.number.toLowerCase()}`);
    const channel = (await app.db.prisma.slackRoom.findFirstOrThrow({ where: { name: created.args.name } })).channelId!;
    expect(calls.map((c) => [c.method, c.args.channel ?? null, c.args.users ?? null])).toEqual([
      ["conversations.create", null, null],
      ["conversations.invite", channel, SLACK.taker],
      ["chat.postMessage", channel, null],
      ["conversations.invite", channel, SLACK.outsider],
      ["chat.postMessage", channel, null],
      ["chat.postMessage", channel, null],
      ["conversations.archive", channel, null],
    ]);
    const [summary, mirrored, closing] = calls.filter((c) => c.method === "chat.postMessage").map((c) => JSON.stringify(c.args.blocks));
    expect(summary).toContain(ticket.number);
    expect(summary).toContain("card network errors");
    expect(summary).toContain(ticket.requester.maskedContact);
    expect(mirrored).toContain("Acquirer shows timeouts since 09:10");
    expect(closing).toContain("Retried after the acquirer fixed its gateway");
  });

  it("opens no channel for a practice case's swarm, which is worked in caseflow all the same", async () => {
    await drain();
    const before = slack.calls.length;
    const practice = await createTicketVia(app, submitter.token, { teamId: team.gid, assigneeId: taker.gid, practice: true });
    const started = await app.gql(
      START,
      { input: { ticketId: practice.id, reason: "training swarm", skills: ["payments"] } },
      { token: taker.token },
    );
    const swarmId = started.data.startSwarm.swarm.id;
    expect((await app.gql(JOIN, { input: { swarmId } }, { token: outsider.token })).data.joinSwarm.__typename).toBe("SwarmPayload");
    app.clock.advance(1);
    const posted = await app.gql(POST, { input: { swarmId, body: "Practice: check the acquirer" } }, { token: outsider.token });
    expect(posted.data.postSwarmMessage.__typename).toBe("SwarmPayload");
    app.clock.advance(1);
    const closed = await app.gql(CLOSE, { input: { swarmId, summary: "Practised" } }, { token: taker.token });
    expect(closed.data.closeSwarm.__typename).toBe("SwarmPayload");
    // A real case's swarm afterwards: its channel is the first thing Slack hears of.
    const real = await createTicketVia(app, submitter.token, { teamId: team.gid, assigneeId: taker.gid });
    const sentinel = await app.gql(
      START,
      { input: { ticketId: real.id, reason: "real swarm", skills: ["payments"] } },
      { token: taker.token },
    );
    expect(sentinel.data.startSwarm.__typename).toBe("SwarmPayload");
    await drain();
    const calls = slack.calls.slice(before).filter((c) => c.args.channel !== CHANNEL);
    expect(calls.filter((c) => c.method === "conversations.create").map((c) => c.args.name)).toEqual([
      `swarm-${real.number.toLowerCase()}`,
    ]);
    expect(JSON.stringify(calls)).not.toContain(practice.number);
    expect(JSON.stringify(calls)).not.toContain("Practice: check the acquirer");
    expect(await app.db.prisma.slackRoom.count({ where: { key: `swarm:${decodeGlobalID(swarmId).id}` } })).toBe(0);
  });

  it("opens a channel for an incident of severity 3 and up with its on-call people, posts its timeline and its resolution", async () => {
    await app.db.prisma.user.update({ where: { id: submitter.id }, data: { onCall: true } });
    try {
      const before = slack.calls.length;
      const minor = await app.gql(
        DECLARE,
        { input: { title: "Slow exports", severity: 2, teamIds: [team.gid] } },
        { token: supervisor.token },
      );
      expect(minor.data.declareIncident.__typename).toBe("IncidentPayload");
      const declared = await app.gql(
        DECLARE,
        { input: { title: "Payments down!", severity: 4, teamIds: [team.gid], summary: "Card payments fail" } },
        {
          token: supervisor.token,
        },
      );
      const incidentId = declared.data.declareIncident.incident.id;
      app.clock.advance(1); // each step written at its own instant, as writes are
      await app.gql(UPDATE, { input: { incidentId, body: "Failing over to the second acquirer" } }, { token: supervisor.token });
      app.clock.advance(1); // each step written at its own instant, as writes are
      await app.gql(RESOLVE, { input: { incidentId, summary: "Acquirer fixed; payments flow again" } }, { token: supervisor.token });
      await drain();
      const calls = slack.calls.slice(before).filter((c) => c.args.channel !== CHANNEL);
      const created = calls.filter((c) => c.method === "conversations.create");
      expect(created).toHaveLength(1); // the minor incident gets none
      expect(created[0]!.args.name).toBe(`inc-${decodeGlobalID(incidentId).id.replaceAll("-", "").slice(0, 8)}-payments-down`);
      const channel = (await app.db.prisma.slackRoom.findFirstOrThrow({ where: { name: created[0]!.args.name } })).channelId!;
      expect(calls.find((c) => c.method === "conversations.invite")!.args).toMatchObject({ channel, users: SLACK.submitter });
      const posts = calls
        .filter((c) => c.method === "chat.postMessage" && c.args.channel === channel)
        .map((c) => JSON.stringify(c.args.blocks));
      expect(posts).toHaveLength(3);
      expect(posts[0]).toContain("Payments down!");
      expect(posts[1]).toContain("Failing over to the second acquirer");
      expect(posts[2]).toContain("Acquirer fixed; payments flow again");
      expect(calls.some((c) => c.method === "conversations.archive")).toBe(false);
    } finally {
      await app.db.prisma.user.update({ where: { id: submitter.id }, data: { onCall: false } });
    }
  });
});
