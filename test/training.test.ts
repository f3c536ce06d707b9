// Training mode through the API: practice cases are worked like any other but counted
// nowhere (reports, SLA attainment, live metrics, the CSV export, webhooks); public
// replies of people under review are held until their mentor or a supervisor approves
// them, readable meanwhile only by the author, the mentor and the team's supervisors,
// and the customer-facing time (first response) is the approval's.
import net from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, newBearerToken } from "../src/auth/secrets.js";
import { AdjustableClock } from "../src/clock.js";
import type { Tx } from "../src/db/transaction.js";
import { SLACK_EVENT_TYPE_NAMES } from "../src/domain/slack.js";
import { WEBHOOK_EVENT_TYPE_NAMES } from "../src/domain/webhooks.js";
import { slackCase } from "../src/resolvers/slack/enqueue.js";
import { type App, createApp } from "../src/server.js";
import { createTestApp, freshDatabase, type TestApp, testConfig } from "./helpers/app.js";
import { csvRows } from "./helpers/csv.js";
import { reportLiveStreams, subscribeWs, wsClient } from "./helpers/live.js";
import {
  CREATE,
  createTicketVia,
  gid,
  moveVia,
  seedApiToken,
  seedTeam,
  seedUser,
  type TestUser,
  TRANSITION,
  ticketInput,
} from "./helpers/seed.js";

let app: TestApp;
let port: number;
let team: Awaited<ReturnType<typeof seedTeam>>;
let otherTeam: Awaited<ReturnType<typeof seedTeam>>;
let trainee: TestUser;
let mentor: TestUser;
let colleague: TestUser;
let supervisor: TestUser;
let otherSupervisor: TestUser;
let manager: TestUser;
let reader: { token: string };

const SET_MENTOR = `mutation($i: SetMentorInput!) { setMentor(input: $i) {
  __typename
  ... on SetMentorPayload { user { id reviewRequired mentor { id } } }
  ... on Error { code message }
  ... on ValidationError { field }
} }`;
const REPLY = `mutation($i: AddCommentInput!) { addComment(input: $i) {
  __typename
  ... on AddCommentPayload { comment { id body visibility kind reviewState } }
  ... on Error { code message }
} }`;
const APPROVE = `mutation($i: ApproveReplyInput!) { approveReply(input: $i) {
  __typename
  ... on ReviewReplyPayload { comment { id reviewState reviewedAt reviewedBy { id } } ticket { firstRespondedAt } }
  ... on Error { code message }
  ... on ValidationError { field }
} }`;
const REJECT = `mutation($i: RejectReplyInput!) { rejectReply(input: $i) {
  __typename
  ... on ReviewReplyPayload { comment { id reviewState rejectReason reviewedBy { id } } }
  ... on Error { code message }
  ... on ValidationError { field }
} }`;
const TRANSITION_WITH_SURVEY = TRANSITION.replace("... on TransitionTicketPayload {", "... on TransitionTicketPayload { surveyToken");
const COMMENTS = `query($id: ID!) { ticket(id: $id) { comments { edges { node { id body reviewState } } } } }`;
const ALERTS = `subscription { alerts { kind audience message ticket { number } } }`;
const AWAITING = `{ repliesAwaitingReview { totalCount edges { node { body author { name } ticket { number } } } } }`;
/** The held replies waiting for a viewer's decision, as "<case number>: <body>". */
const awaiting = async (token: string) => {
  const list = (await app.gql(AWAITING, {}, { token })).data.repliesAwaitingReview;
  expect(list.totalCount).toBe(list.edges.length);
  return list.edges.map((e: { node: { body: string; ticket: { number: string } } }) => `${e.node.ticket.number}: ${e.node.body}`);
};

const setMentor = async (input: Record<string, unknown>, token = supervisor.token) =>
  (await app.gql(SET_MENTOR, { i: input }, { token })).data?.setMentor;
const reply = async (ticketId: string, body: string, token = trainee.token, visibility = "PUBLIC") =>
  (await app.gql(REPLY, { i: { ticketId, body, visibility } }, { token })).data.addComment;
const approve = async (commentId: string, token = mentor.token) =>
  (await app.gql(APPROVE, { i: { commentId } }, { token })).data?.approveReply;
const reject = async (commentId: string, reason: string, token = mentor.token) =>
  (await app.gql(REJECT, { i: { commentId, reason } }, { token })).data?.rejectReply;
/** The comment bodies a viewer reads on a case (null when the case is hidden from them). */
const bodiesFor = async (ticketId: string, token: string) => {
  const ticket = (await app.gql(COMMENTS, { id: ticketId }, { token })).data?.ticket;
  return ticket ? ticket.comments.edges.map((e: { node: { body: string } }) => e.node.body) : null;
};
const eventsOf = async (number: string) =>
  app.db.prisma.ticketEvent.findMany({
    where: { ticket: { number } },
    orderBy: { seq: "asc" },
    select: { type: true, actorUserId: true, note: true, after: true },
  });

beforeAll(async () => {
  // No webhook dispatcher: the outbox rows stay as written, for the test to read.
  app = await createTestApp({ slaMonitorIntervalMs: 3_600_000, webhooks: { ...testConfig().webhooks, dispatcher: false } });
  app.clock.freeze();
  ({ port } = await app.start(0));
  team = await seedTeam(app, "Training-Desk");
  otherTeam = await seedTeam(app, "Other-Desk");
  trainee = await seedUser(app, "AGENT", [team.id], { name: "Nina Newcomer" });
  mentor = await seedUser(app, "AGENT", [team.id], { name: "Max Mentor" });
  colleague = await seedUser(app, "AGENT", [team.id]);
  supervisor = await seedUser(app, "SUPERVISOR", [team.id]);
  otherSupervisor = await seedUser(app, "SUPERVISOR", [otherTeam.id]);
  manager = await seedUser(app, "MANAGER");
  reader = await seedApiToken(app, ["tickets:read"], [team.id]);
});
afterAll(() => app.close());

describe("setMentor", () => {
  it("lets the team's supervisor set a mentor and the review requirement", async () => {
    const result = await setMentor({ userId: trainee.gid, mentorId: mentor.gid, reviewRequired: true });
    expect(result).toEqual({ __typename: "SetMentorPayload", user: { id: trainee.gid, reviewRequired: true, mentor: { id: mentor.gid } } });
  });

  it("refuses agents and other teams' supervisors, and names the field of bad input", async () => {
    expect(await setMentor({ userId: trainee.gid, reviewRequired: false }, colleague.token)).toMatchObject({ code: "FORBIDDEN" });
    expect(await setMentor({ userId: trainee.gid, reviewRequired: false }, trainee.token)).toMatchObject({ code: "FORBIDDEN" });
    expect(await setMentor({ userId: trainee.gid, reviewRequired: false }, otherSupervisor.token)).toMatchObject({ code: "FORBIDDEN" });
    const unknown = gid("User", "00000000-0000-4000-8000-000000000000");
    expect(await setMentor({ userId: unknown, reviewRequired: true })).toMatchObject({ code: "VALIDATION", field: "input.userId" });
    expect(await setMentor({ userId: "nonsense", reviewRequired: true })).toMatchObject({ code: "VALIDATION", field: "input.userId" });
    expect(await setMentor({ userId: trainee.gid, mentorId: unknown })).toMatchObject({ code: "VALIDATION", field: "input.mentorId" });
    expect(await setMentor({ userId: trainee.gid, mentorId: trainee.gid })).toMatchObject({ code: "VALIDATION", field: "input.mentorId" });
    // Nothing was changed by the refusals.
    const row = await app.db.prisma.user.findUniqueOrThrow({ where: { id: trainee.id } });
    expect({ mentorId: row.mentorId, reviewRequired: row.reviewRequired }).toEqual({ mentorId: mentor.id, reviewRequired: true });
  });
});

describe("a reply held for review", () => {
  it("is read by its author, the mentor and supervisors only until approved, then by everyone, and only then sent", async () => {
    const endpoint = await app.db.prisma.webhookEndpoint.create({
      data: { url: "https://hooks.example.com/held", eventTypes: ["COMMENT_ADDED"], teamIds: [team.id], secretEncrypted: "unused" },
    });
    const ticket = await createTicketVia(app, trainee.token, { teamId: team.gid });
    const mentorClient = wsClient(port, mentor.token);
    const traineeClient = wsClient(port, trainee.token);
    try {
      // Subscribed before the reply is written.
      const mentorAlerts = await subscribeWs(mentorClient, ALERTS);
      const traineeAlerts = await subscribeWs(traineeClient, ALERTS);
      const held = await reply(ticket.id, "Dear customer, your refund is on its way.");
      expect(held).toMatchObject({
        __typename: "AddCommentPayload",
        comment: { visibility: "PUBLIC", kind: "REPLY", reviewState: "PENDING_REVIEW" },
      });
      app.clock.advance(1);
      const note = await reply(ticket.id, "internal: checked the ledger", trainee.token, "INTERNAL");
      expect(note.comment.reviewState).toBeNull();

      const [waiting] = await mentorAlerts.waitFor(1);
      expect(waiting.alerts).toEqual({
        kind: "REPLY_AWAITING_REVIEW",
        audience: "PEOPLE",
        message: `A reply by Nina Newcomer on ${ticket.number} waits for review`,
        ticket: { number: ticket.number },
      });

      const both = ["Dear customer, your refund is on its way.", "internal: checked the ledger"];
      const waitingLine = `${ticket.number}: Dear customer, your refund is on its way.`;
      expect(await awaiting(mentor.token)).toEqual([waitingLine]);
      expect(await awaiting(supervisor.token)).toEqual([waitingLine]);
      expect(await awaiting(manager.token)).toContain(waitingLine);
      expect(await awaiting(trainee.token)).toEqual([]);
      expect(await awaiting(colleague.token)).toEqual([]);
      expect(await awaiting(otherSupervisor.token)).toEqual([]);
      expect(await bodiesFor(ticket.id, trainee.token)).toEqual(both);
      expect(await bodiesFor(ticket.id, mentor.token)).toEqual(both);
      expect(await bodiesFor(ticket.id, supervisor.token)).toEqual(both);
      expect(await bodiesFor(ticket.id, manager.token)).toEqual(both);
      expect(await bodiesFor(ticket.id, colleague.token)).toEqual(["internal: checked the ledger"]);
      expect(await bodiesFor(ticket.id, reader.token)).toEqual(["internal: checked the ledger"]);
      expect(await bodiesFor(ticket.id, otherSupervisor.token)).toBeNull();
      // No COMMENTED for the held reply, so no webhook; the internal note is one.
      const types = (await eventsOf(ticket.number)).map((e) => e.type);
      expect(types.filter((t) => t === "REPLY_HELD" || t === "COMMENTED")).toEqual(["REPLY_HELD", "COMMENTED"]);
      const sent = async () =>
        (await app.db.prisma.outboundDelivery.findMany({ where: { endpointId: endpoint.id }, orderBy: { createdAt: "asc" } })).map(
          (d) => (d.payload as { data: { change: { after: { commentId: string; kind: string } } } }).data.change.after.kind,
        );
      expect(await sent()).toEqual(["NOTE"]);

      // A colleague cannot even find it; its author may not approve it.
      expect(await approve(held.comment.id, colleague.token)).toMatchObject({ code: "NOT_FOUND" });
      // Tokens review nothing.
      expect(await approve(held.comment.id, reader.token)).toMatchObject({ code: "FORBIDDEN" });
      expect(await approve(held.comment.id, trainee.token)).toMatchObject({ code: "FORBIDDEN" });

      app.clock.advance(60);
      const approved = await approve(held.comment.id);
      expect(approved).toMatchObject({
        __typename: "ReviewReplyPayload",
        comment: { reviewState: "APPROVED", reviewedAt: app.clock.now().toISOString(), reviewedBy: { id: mentor.gid } },
      });
      for (const viewer of [colleague, trainee, supervisor]) expect(await bodiesFor(ticket.id, viewer.token)).toEqual(both);
      expect(await bodiesFor(ticket.id, reader.token)).toEqual(both);
      expect(await sent()).toEqual(["NOTE", "REPLY"]);
      expect(await awaiting(mentor.token)).toEqual([]);
      const events = await eventsOf(ticket.number);
      expect(events.slice(-2).map((e) => ({ type: e.type, actor: e.actorUserId }))).toEqual([
        { type: "REPLY_APPROVED", actor: mentor.id },
        { type: "COMMENTED", actor: mentor.id },
      ]);
      const [told] = await traineeAlerts.waitFor(1);
      expect(told.alerts).toMatchObject({ kind: "REPLY_APPROVED", audience: "PEOPLE", ticket: { number: ticket.number } });
      // Decided once.
      expect(await approve(held.comment.id)).toMatchObject({ code: "VALIDATION", field: "input.commentId" });
      mentorAlerts.stop();
      traineeAlerts.stop();
    } finally {
      await Promise.all([mentorClient.dispose(), traineeClient.dispose()]);
    }
  });

  it("is sent back with a reason, audited, and stays unread by the customer side", async () => {
    const ticket = await createTicketVia(app, trainee.token, { teamId: team.gid });
    const held = await reply(ticket.id, "We cannot help you.");
    const badId = await reject("nonsense", "rewrite it");
    expect(badId).toMatchObject({ code: "VALIDATION", field: "input.commentId" });
    expect(await reject(gid("Comment", "00000000-0000-4000-8000-000000000000"), "rewrite it")).toMatchObject({ code: "NOT_FOUND" });
    expect(await reject(held.comment.id, "   ")).toMatchObject({ code: "VALIDATION", field: "input.reason" });
    expect(await reject(held.comment.id, "rewrite it", otherSupervisor.token)).toMatchObject({ code: "NOT_FOUND" });
    expect(await reject(held.comment.id, "rewrite it", trainee.token)).toMatchObject({ code: "FORBIDDEN" });

    const rejected = await reject(held.comment.id, "Offer the refund options first.", supervisor.token);
    expect(rejected).toMatchObject({
      comment: { reviewState: "REJECTED", rejectReason: "Offer the refund options first.", reviewedBy: { id: supervisor.gid } },
    });
    expect(await bodiesFor(ticket.id, trainee.token)).toEqual(["We cannot help you."]);
    expect(await bodiesFor(ticket.id, colleague.token)).toEqual([]);
    // Nor does the Slack bridge's case message offer it for markers.
    const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { number: ticket.number } });
    expect((await slackCase(app.db.prisma as unknown as Tx, row.id)).markerCommentId).toBeNull();
    const last = (await eventsOf(ticket.number)).at(-1)!;
    expect(last).toMatchObject({ type: "REPLY_REJECTED", actorUserId: supervisor.id, note: "Offer the refund options first." });
    expect(await approve(held.comment.id)).toMatchObject({ code: "VALIDATION", field: "input.commentId" });
    // A new reply is held in turn.
    expect((await reply(ticket.id, "Here are your refund options.")).comment.reviewState).toBe("PENDING_REVIEW");
  });
});

describe("a macro's public reply", () => {
  it("is held when the person applying the macro is under review", async () => {
    const saved = await app.gql(
      `mutation($i: SaveMacroInput!) { saveMacro(input: $i) { __typename ... on MacroPayload { macro { id } } ... on Error { message } } }`,
      {
        i: {
          name: "Refund answer",
          visibility: "PERSONAL",
          actions: { comment: { template: "Refund for {{ticket.number}} is on its way.", visibility: "PUBLIC" } },
        },
      },
      { token: trainee.token },
    );
    expect(saved.data.saveMacro.__typename).toBe("MacroPayload");
    const ticket = await createTicketVia(app, trainee.token, { teamId: team.gid });
    const applied = await app.gql(
      `mutation($i: ApplyMacroInput!) { applyMacro(input: $i) { __typename ... on Error { message } } }`,
      { i: { ticketId: ticket.id, macroId: saved.data.saveMacro.macro.id } },
      { token: trainee.token },
    );
    expect(applied.data.applyMacro.__typename).toBe("ApplyMacroPayload");
    const rows = await app.db.prisma.comment.findMany({
      where: { ticket: { number: ticket.number } },
      select: { body: true, reviewState: true },
    });
    expect(rows).toEqual([{ body: `Refund for ${ticket.number} is on its way.`, reviewState: "PENDING_REVIEW" }]);
    expect(await bodiesFor(ticket.id, colleague.token)).toEqual([]);
    expect(await bodiesFor(ticket.id, mentor.token)).toEqual([`Refund for ${ticket.number} is on its way.`]);
  });

  it("cannot move the case while it waits for review, and the macro leaves nothing", async () => {
    const saved = await app.gql(
      `mutation($i: SaveMacroInput!) { saveMacro(input: $i) { __typename ... on MacroPayload { macro { id } } ... on Error { message } } }`,
      {
        i: {
          name: "Answer and submit",
          visibility: "PERSONAL",
          actions: { comment: { template: "Your refund for {{ticket.number}} is traced.", visibility: "PUBLIC" }, status: "NOT_STARTED" },
        },
      },
      { token: trainee.token },
    );
    expect(saved.data.saveMacro.__typename).toBe("MacroPayload");
    const ticket = await createTicketVia(app, trainee.token, { teamId: team.gid });
    const applied = await app.gql(
      `mutation($i: ApplyMacroInput!) { applyMacro(input: $i) { __typename ... on ValidationError { field } ... on Error { message } } }`,
      { i: { ticketId: ticket.id, macroId: saved.data.saveMacro.macro.id } },
      { token: trainee.token },
    );
    // Moved on a held reply, the move's note (the reply) would be in every reader's audit trail, webhooks and Slack.
    expect(applied.data.applyMacro).toMatchObject({ __typename: "ValidationError", field: "macro.actions.status" });
    expect(await app.db.prisma.comment.count({ where: { ticket: { number: ticket.number } } })).toBe(0);
    expect((await eventsOf(ticket.number)).map((e) => e.type)).toEqual(["CREATED"]);
  });
});

describe("the audit trail of a held reply", () => {
  const EVENTS = `query($id: ID!) { ticket(id: $id) { events { edges { node { cursor type note after } } } } }`;
  const LIVE = `subscription($f: TicketEventFilter, $after: String) { ticketEvents(filter: $f, after: $after) { type note after } }`;
  type Event = { cursor?: string; type: string; note: string | null; after: { commentId?: string } | null };
  const eventsFor = async (ticketId: string, token: string): Promise<Event[]> =>
    (await app.gql(EVENTS, { id: ticketId }, { token })).data.ticket.events.edges.map((e: { node: Event }) => e.node);
  const typesFor = async (ticketId: string, token: string) => (await eventsFor(ticketId, token)).map((e) => e.type);
  beforeAll(async () => {
    await app.db.prisma.user.update({ where: { id: trainee.id }, data: { mentorId: mentor.id, reviewRequired: true } });
  });

  it("is read only by those who may read the reply, on every road: events, live events and their replay, webhooks, Slack, exports", async () => {
    const endpoint = await app.db.prisma.webhookEndpoint.create({
      data: { url: "https://hooks.example.com/trail", eventTypes: WEBHOOK_EVENT_TYPE_NAMES, teamIds: [team.id], secretEncrypted: "unused" },
    });
    await app.db.prisma.slackChannel.create({ data: { teamId: team.id, channel: "CTRAINING1", eventTypes: SLACK_EVENT_TYPE_NAMES } });
    const ticket = await createTicketVia(app, trainee.token, { teamId: team.gid });
    const [created] = await eventsFor(ticket.id, supervisor.token);
    const colleagueClient = wsClient(port, colleague.token);
    const mentorClient = wsClient(port, mentor.token);
    try {
      const colleagueLive = await subscribeWs(colleagueClient, LIVE, { f: { ticketId: ticket.id } });
      const mentorLive = await subscribeWs(mentorClient, LIVE, { f: { ticketId: ticket.id } });
      const body = "Sorry, the refund was lost on our side.";
      const reason = "Never say lost: say it is being traced.";
      const held = await reply(ticket.id, body);
      expect((await reject(held.comment.id, reason)).comment.reviewState).toBe("REJECTED");
      // The sentinel: an event everyone reads, written after the review events.
      await reply(ticket.id, "internal: ledger checked", trainee.token, "INTERNAL");

      // Live: the colleague's first event is the sentinel; the mentor heard all three.
      const [colleagueFirst] = await colleagueLive.waitFor(1);
      expect(colleagueFirst.ticketEvents.type).toBe("COMMENTED");
      const heard = await mentorLive.waitFor(3);
      expect(heard.map((m) => m.ticketEvents.type)).toEqual(["REPLY_HELD", "REPLY_REJECTED", "COMMENTED"]);
      expect(heard[1]!.ticketEvents.note).toBe(reason);
      colleagueLive.stop();
      mentorLive.stop();

      // Replay from the case's creation: the same.
      const replayed = await subscribeWs(colleagueClient, LIVE, { f: { ticketId: ticket.id }, after: created!.cursor });
      const [replayFirst] = await replayed.waitFor(1);
      expect(replayFirst.ticketEvents.type).toBe("COMMENTED");
      replayed.stop();
      const mentorReplay = await subscribeWs(mentorClient, LIVE, { f: { ticketId: ticket.id }, after: created!.cursor });
      expect((await mentorReplay.waitFor(3)).map((m) => m.ticketEvents.type)).toEqual(["REPLY_HELD", "REPLY_REJECTED", "COMMENTED"]);
      mentorReplay.stop();
    } finally {
      await Promise.all([colleagueClient.dispose(), mentorClient.dispose()]);
    }

    // The case's events: the review events for the author, mentor and supervisors only.
    const review = ["CREATED", "REPLY_HELD", "REPLY_REJECTED", "COMMENTED"];
    for (const [name, viewer] of Object.entries({ trainee, mentor, supervisor, manager }))
      expect({ name, types: await typesFor(ticket.id, viewer.token) }).toEqual({ name, types: review });
    for (const viewer of [colleague, reader]) expect(await typesFor(ticket.id, viewer.token)).toEqual(["CREATED", "COMMENTED"]);

    // Webhooks, Slack and the export carry neither the reply, its id nor the reason.
    const heldId = (await eventsFor(ticket.id, mentor.token))[1]!.after!.commentId!;
    const leaks = (text: string) => ["Sorry, the refund was lost", "Never say lost", heldId].filter((secret) => text.includes(secret));
    const deliveries = await app.db.prisma.outboundDelivery.findMany({
      where: { OR: [{ endpointId: endpoint.id }, { channel: "slack" }] },
      select: { channel: true, eventType: true, payload: true },
    });
    expect(deliveries.filter((d) => d.channel === "slack").length).toBeGreaterThan(0);
    expect(deliveries.filter((d) => d.channel !== "slack").map((d) => d.eventType)).toEqual(["TICKET_CREATED", "COMMENT_ADDED"]);
    expect(leaks(JSON.stringify(deliveries))).toEqual([]);
    const csv = await app.yoga.fetch(`http://caseflow.test/export/tickets.csv?teamId=${team.gid}`, {
      headers: { authorization: `Bearer ${supervisor.token}` },
    });
    expect(csv.status).toBe(200);
    expect(leaks(await csv.text())).toEqual([]);
    await app.db.prisma.slackChannel.deleteMany({ where: { channel: "CTRAINING1" } });
  });

  it("is read by everyone once the reply is approved, as the reply is", async () => {
    const ticket = await createTicketVia(app, trainee.token, { teamId: team.gid });
    const held = await reply(ticket.id, "Your refund is being traced.");
    expect(await typesFor(ticket.id, colleague.token)).toEqual(["CREATED"]);
    await approve(held.comment.id);
    const approved = ["CREATED", "REPLY_HELD", "REPLY_APPROVED", "COMMENTED"];
    for (const viewer of [colleague, reader, trainee]) expect(await typesFor(ticket.id, viewer.token)).toEqual(approved);
  });
});

describe("first response of a reviewed reply", () => {
  const SLA = `query($id: ID!) { ticket(id: $id) { firstRespondedAt sla { targets { kind state metAt breachedAt } } } }`;
  const firstResponse = async (id: string) => {
    const ticket = (await app.gql(SLA, { id }, { token: supervisor.token })).data.ticket;
    return { firstRespondedAt: ticket.firstRespondedAt, ...ticket.sla.targets.find((t: { kind: string }) => t.kind === "FIRST_RESPONSE") };
  };
  /** A submitted case with ten minutes to a first response. */
  async function submitted() {
    const ticket = await createTicketVia(app, trainee.token, { teamId: team.gid, priority: "LOW" });
    expect((await moveVia(app, trainee.token, { id: ticket.id, to: "NOT_STARTED" })).__typename).toBe("TransitionTicketPayload");
    return ticket;
  }

  beforeAll(async () => {
    await app.db.prisma.slaPolicy.create({
      data: {
        name: "Training desk LOW",
        priority: "LOW",
        teamId: team.id,
        firstResponseSeconds: 600,
        resolutionSeconds: 86_400,
        followUpSeconds: 86_400,
      },
    });
  });

  it("is met at the approval: a draft written in time but approved late breaches", async () => {
    const ticket = await submitted();
    app.clock.advance(100);
    const held = await reply(ticket.id, "Looking into it now.");
    app.clock.advance(600);
    await app.slaMonitor!.tick();
    const approvedAt = app.clock.now().toISOString();
    expect((await approve(held.comment.id)).ticket.firstRespondedAt).toBe(approvedAt);
    expect(await firstResponse(ticket.id)).toMatchObject({
      firstRespondedAt: approvedAt,
      metAt: approvedAt,
      breachedAt: expect.any(String),
    });
  });

  it("is met at the approval: approved before the due time, it is kept", async () => {
    const ticket = await submitted();
    app.clock.advance(100);
    const held = await reply(ticket.id, "Looking into it now.");
    expect(await firstResponse(ticket.id)).toMatchObject({ firstRespondedAt: null, state: "ON_TRACK", metAt: null });
    app.clock.advance(200);
    const approvedAt = app.clock.now().toISOString();
    await approve(held.comment.id);
    app.clock.advance(3600);
    await app.slaMonitor!.tick();
    expect(await firstResponse(ticket.id)).toEqual({
      firstRespondedAt: approvedAt,
      kind: "FIRST_RESPONSE",
      state: "MET",
      metAt: approvedAt,
      breachedAt: null,
    });
  });
});

describe("practice cases", () => {
  const REPORT = `query($period: PeriodInput!, $teamId: ID) { report(period: $period, teamId: $teamId) {
    totalCases firstResponse { count } slaAttainment { priority kept missed } openCases teamLoad { openCases } agentLoad { openCases }
  } }`;
  const METRICS = `subscription($teams: [ID!]) { liveMetrics(teamIds: $teams) { open atRisk breached } }`;
  const LIST = `query($f: TicketFilter) { tickets(filter: $f) { edges { node { number practice } } } }`;
  let desk: Awaited<ReturnType<typeof seedTeam>>;
  let agent: TestUser;
  let lead: TestUser;
  let from: Date;
  let real: Awaited<ReturnType<typeof createTicketVia>>;
  let practice: Awaited<ReturnType<typeof createTicketVia>>;
  let endpointId: string;

  beforeAll(async () => {
    desk = await seedTeam(app, "Practice-Desk");
    agent = await seedUser(app, "AGENT", [desk.id]);
    lead = await seedUser(app, "SUPERVISOR", [desk.id]);
    await app.db.prisma.slaPolicy.create({
      data: {
        name: "Practice desk HIGH",
        priority: "HIGH",
        teamId: desk.id,
        firstResponseSeconds: 600,
        resolutionSeconds: 1200,
        followUpSeconds: 3600,
      },
    });
    endpointId = (
      await app.db.prisma.webhookEndpoint.create({
        data: {
          url: "https://hooks.example.com/practice",
          eventTypes: ["TICKET_CREATED", "TICKET_STATUS_CHANGED", "COMMENT_ADDED", "SLA_BREACH"],
          teamIds: [desk.id],
          secretEncrypted: "unused",
        },
      })
    ).id;
    from = app.clock.now();
    // The same work on each: submitted, picked up, replied to; then a third, practice case breaches too.
    real = await createTicketVia(app, agent.token, { teamId: desk.gid, priority: "HIGH", accountId: "ACC-REAL" });
    practice = await createTicketVia(app, agent.token, { teamId: desk.gid, priority: "HIGH", accountId: "ACC-PRACTICE", practice: true });
    for (const ticket of [real, practice]) {
      expect((await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" })).__typename).toBe("TransitionTicketPayload");
      expect((await moveVia(app, agent.token, { id: ticket.id, to: "TEAM_CHECKING" })).__typename).toBe("TransitionTicketPayload");
      expect((await reply(ticket.id, "We are on it.", agent.token)).__typename).toBe("AddCommentPayload");
    }
    const late = await createTicketVia(app, agent.token, { teamId: desk.gid, priority: "HIGH", practice: true });
    expect((await moveVia(app, agent.token, { id: late.id, to: "NOT_STARTED" })).__typename).toBe("TransitionTicketPayload");
    app.clock.advance(1300);
    await app.slaMonitor!.tick();
  });

  it("are marked in every read and listed by the practice filter", async () => {
    const CASE = `query($id: ID!) { ticket(id: $id) { practice status } }`;
    expect((await app.gql(CASE, { id: practice.id }, { token: agent.token })).data.ticket).toEqual({
      practice: true,
      status: "TEAM_CHECKING",
    });
    expect((await app.gql(CASE, { id: real.id }, { token: agent.token })).data.ticket).toEqual({
      practice: false,
      status: "TEAM_CHECKING",
    });
    const list = async (filter: Record<string, unknown>) =>
      (await app.gql(LIST, { f: { teamId: desk.gid, ...filter } }, { token: agent.token })).data.tickets.edges.map(
        (e: { node: { number: string; practice: boolean } }) => e.node,
      );
    expect(await list({ practice: false })).toEqual([{ number: real.number, practice: false }]);
    expect((await list({ practice: true })).map((t: { practice: boolean }) => t.practice)).toEqual([true, true]);
    expect(await list({})).toHaveLength(3);
  });

  it("are absent from reports and SLA attainment", async () => {
    const period = { from: from.toISOString(), to: new Date(app.clock.now().getTime() + 1000).toISOString() };
    const report = (await app.gql(REPORT, { period, teamId: desk.gid }, { token: lead.token })).data.report;
    expect(report).toEqual({
      totalCases: 1,
      firstResponse: { count: 1 },
      // The real case's first response was kept; its resolution breached. The practice cases' targets count nowhere.
      slaAttainment: [{ priority: "HIGH", kept: 1, missed: 1 }],
      openCases: 1,
      teamLoad: [{ openCases: 1 }],
      agentLoad: [],
    });
  });

  it("are absent from live metrics", async () => {
    const client = wsClient(port, lead.token);
    try {
      const feed = await subscribeWs(client, METRICS, { teams: [desk.gid] });
      const [first] = await feed.waitFor(1);
      expect(first.liveMetrics).toEqual({ open: 1, atRisk: 0, breached: 1 });
      feed.stop();
    } finally {
      await client.dispose();
    }
  });

  it("are left out of the CSV export unless asked for, and marked in it", async () => {
    const get = async (query: string) => {
      const response = await app.yoga.fetch(`http://caseflow.test/export/tickets.csv?teamId=${desk.gid}${query}`, {
        headers: { authorization: `Bearer ${lead.token}` },
      });
      return { status: response.status, text: await response.text() };
    };
    const rows = (text: string) => {
      const [header, ...body] = csvRows(text);
      return body.map((r) => [r[header!.indexOf("number")], r[header!.indexOf("practice")]]);
    };
    expect(rows((await get("")).text)).toEqual([[real.number, "false"]]);
    expect(rows((await get("&practice=false")).text)).toEqual([[real.number, "false"]]);
    const onlyPractice = rows((await get("&practice=true")).text);
    expect(onlyPractice.map((r) => r[1])).toEqual(["true", "true"]);
    expect(onlyPractice.map((r) => r[0])).toContain(practice.number);
    const bad = await get("&practice=maybe");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors[0].extensions).toEqual({ code: "VALIDATION", field: "practice" });
  });

  it("send no webhooks", async () => {
    const deliveries = await app.db.prisma.outboundDelivery.findMany({ where: { endpointId } });
    const numbers = new Set(deliveries.map((d) => (d.payload as { data: { ticket: { number: string } } }).data.ticket.number));
    expect([...numbers]).toEqual([real.number]);
    // Created, two moves, the reply, and the resolution breach.
    expect(deliveries.map((d) => d.eventType).sort()).toEqual(
      ["COMMENT_ADDED", "SLA_BREACH", "TICKET_CREATED", "TICKET_STATUS_CHANGED", "TICKET_STATUS_CHANGED"].sort(),
    );
  });

  it("leave every report figure as it was, however far they are worked: closed, surveyed, reopened", async () => {
    const EVERY_FIGURE = `query($period: PeriodInput!, $teamId: ID) { report(period: $period, teamId: $teamId) {
      totalCases closed reopened reopenRate backlogRatio resolvedLastFourWeeks openCases
      byChannel { key count } byType { key count } topTags { key count } topSubcategories { key count }
      firstResponse { count averageSeconds p90Seconds } resolution { count averageSeconds p90Seconds }
      slaAttainment { priority kept missed } csat { answered satisfied neutral unsatisfied satisfiedShare }
      teamLoad { openCases } agentLoad { openCases }
    } }`;
    const period = { from: from.toISOString(), to: new Date(app.clock.now().getTime() + 86_400_000).toISOString() };
    const report = async () => (await app.gql(EVERY_FIGURE, { period, teamId: desk.gid }, { token: lead.token })).data.report;
    const before = await report();
    const ticket = await createTicketVia(app, agent.token, {
      teamId: desk.gid,
      priority: "LOW",
      channel: "CHAT",
      type: "SUGGESTION",
      subcategory: "practice-only",
      tags: ["drill"],
      assigneeId: agent.gid,
      practice: true,
    });
    const move = async (input: Record<string, unknown>) =>
      (await app.gql(TRANSITION_WITH_SURVEY, { input: { id: ticket.id, ...input } }, { token: lead.token })).data.transitionTicket;
    for (const to of ["NOT_STARTED", "TEAM_CHECKING"]) expect((await move({ to })).__typename).toBe("TransitionTicketPayload");
    app.clock.advance(30);
    expect((await move({ to: "INFORM_CUSTOMER", note: "Here is how." })).__typename).toBe("TransitionTicketPayload");
    const closed = await move({ to: "DONE", resolution: "Explained." });
    expect(closed.__typename).toBe("TransitionTicketPayload");
    const survey = await app.gql(`mutation($i: SubmitSurveyInput!) { submitSurvey(input: $i) { __typename } }`, {
      i: { token: closed.surveyToken, rating: "UNSATISFIED" },
    });
    expect(survey.data.submitSurvey.__typename).toBe("SubmitSurveyPayload");
    expect((await move({ to: "NOT_STARTED", note: "Reopened: it did not work." })).__typename).toBe("TransitionTicketPayload");
    expect(await report()).toEqual(before);
  });
});

describe("assignment load", () => {
  const AUTO = `mutation($i: AutoAssignTicketInput!) { autoAssignTicket(input: $i) {
    __typename ... on AutoAssignTicketPayload { ticket { assignee { id } } } ... on Error { code message } } }`;

  it("counts a real case's load in real cases and a practice case's in practice cases", async () => {
    const desk = await seedTeam(app, "Load-Desk");
    // Ties go by name: Aaron before Bella.
    const aaron = await seedUser(app, "AGENT", [desk.id], { name: "Aaron" });
    const bella = await seedUser(app, "AGENT", [desk.id], { name: "Bella" });
    const lead = await seedUser(app, "SUPERVISOR", [desk.id], { name: "Lead" });
    await app.db.prisma.user.update({ where: { id: lead.id }, data: { availability: "OFFLINE" } });
    for (let i = 0; i < 2; i++) await createTicketVia(app, lead.token, { teamId: desk.gid, assigneeId: aaron.gid, practice: true });
    await createTicketVia(app, lead.token, { teamId: desk.gid, assigneeId: bella.gid });
    const pick = async (practice: boolean) => {
      const ticket = await createTicketVia(app, lead.token, { teamId: desk.gid, practice });
      const result = await app.gql(AUTO, { i: { id: ticket.id, strategy: "LEAST_LOADED" } }, { token: lead.token });
      return result.data.autoAssignTicket.ticket.assignee.id;
    };
    // Aaron's two practice cases do not keep a customer from him; Bella has one real case.
    expect(await pick(false)).toBe(aaron.gid);
    // Practice is spread by practice: Aaron holds two, Bella none.
    expect(await pick(true)).toBe(bella.gid);
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
    `training: the two-instance test is skipped: it needs PostgreSQL (DATABASE_URL=postgres://…; PGlite is one process's embedded database) and Redis at ${REDIS}${redisUp ? "" : " (not reachable)"}`,
  );

describe.runIf(twoInstances)("two instances on PostgreSQL and Redis", () => {
  const instances: App[] = [];
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    const config = testConfig({
      database: fresh.database,
      redisUrl: REDIS,
      redisChannelPrefix: `caseflow-test-training-${Date.now()}:`,
      slaMonitorIntervalMs: 3_600_000,
    });
    for (let i = 0; i < 2; i++) {
      const instance = await createApp(config, { clock: new AdjustableClock(), logger: pino({ level: "silent" }) });
      // Lets subscribeWs know when a stream on it is live.
      reportLiveStreams(instance.services.credentialWatch);
      instances.push(instance);
    }
  });
  afterAll(async () => {
    for (const instance of instances) await instance.stop().catch(() => {});
    await drop?.();
  });

  it("a held reply's audit events written on one reach, live on the other, only those who may read the reply", async () => {
    const [writer, reader] = instances as [App, App];
    const prisma = writer.db.prisma;
    const desk = await prisma.team.create({ data: { name: "Two-Desk" } });
    const person = async (name: string, extra: Record<string, unknown> = {}) => {
      const user = await prisma.user.create({
        data: {
          email: `${name}@example.com`,
          name,
          role: "AGENT",
          passwordHash: "x",
          memberships: { create: { teamId: desk.id } },
          ...extra,
        },
      });
      const token = newBearerToken("session");
      await prisma.session.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) } });
      return { id: user.id, token };
    };
    const teacher = await person("teacher");
    const learner = await person("learner", { mentorId: teacher.id, reviewRequired: true });
    const peer = await person("peer");
    const gqlOn = async (via: App, token: string, query: string, variables: Record<string, unknown>) => {
      const response = await via.yoga.fetch("http://caseflow.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as any;
    };
    const created = await gqlOn(writer, learner.token, CREATE, { input: ticketInput({ teamId: gid("Team", desk.id) }) });
    const ticketId = created.data.createTicket.ticket.id;
    const { port } = await reader.start(0);
    const LIVE = `subscription($f: TicketEventFilter) { ticketEvents(filter: $f) { type } }`;
    const peerClient = wsClient(port, peer.token);
    const teacherClient = wsClient(port, teacher.token);
    try {
      const peerLive = await subscribeWs(peerClient, LIVE, { f: { ticketId } });
      const teacherLive = await subscribeWs(teacherClient, LIVE, { f: { ticketId } });
      const held = await gqlOn(writer, learner.token, REPLY, { i: { ticketId, body: "Held on the writer.", visibility: "PUBLIC" } });
      expect(held.data.addComment.comment.reviewState).toBe("PENDING_REVIEW");
      const rejected = await gqlOn(writer, teacher.token, REJECT, { i: { commentId: held.data.addComment.comment.id, reason: "Again." } });
      expect(rejected.data.rejectReply.comment.reviewState).toBe("REJECTED");
      // The sentinel everyone reads, written last.
      await gqlOn(writer, learner.token, REPLY, { i: { ticketId, body: "internal", visibility: "INTERNAL" } });
      expect((await teacherLive.waitFor(3)).map((m) => m.ticketEvents.type)).toEqual(["REPLY_HELD", "REPLY_REJECTED", "COMMENTED"]);
      const [first] = await peerLive.waitFor(1);
      expect(first.ticketEvents.type).toBe("COMMENTED");
      peerLive.stop();
      teacherLive.stop();
    } finally {
      await Promise.all([peerClient.dispose(), teacherClient.dispose()]);
    }
  });
});
