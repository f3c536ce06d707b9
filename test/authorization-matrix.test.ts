// The authorization matrix: every query, mutation and subscription of the schema, for
// every kind of caller, allowed or refused as the domain says. The table is checked
// against the schema, so a new root field without a rule fails this test.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { liveOrEnded } from "./helpers/live.js";
import { createTicketVia, gid, seedApiToken, seedTeam, seedUser } from "./helpers/seed.js";

const PERSONAS = [
  "anonymous",
  "otherTeamAgent",
  "teamAgent",
  "supervisor",
  "manager",
  "admin",
  "tokenWithoutScope",
  "revokedToken",
] as const;
type Persona = (typeof PERSONAS)[number];

/** Who may, by kind of rule (docs/domain.md). Revoked credentials are refused everywhere. */
const PUBLIC: Persona[] = ["anonymous", "otherTeamAgent", "teamAgent", "supervisor", "manager", "admin", "tokenWithoutScope"];
const SIGNED_IN: Persona[] = ["otherTeamAgent", "teamAgent", "supervisor", "manager", "admin", "tokenWithoutScope"];
/** People and tokens that read cases (the scopeless token does not). */
const READERS: Persona[] = ["otherTeamAgent", "teamAgent", "supervisor", "manager", "admin"];
const PEOPLE = READERS;
/** Those who work on the team's cases. */
const TEAM: Persona[] = ["teamAgent", "supervisor", "manager", "admin"];
const LEADS: Persona[] = ["supervisor", "manager", "admin"];
const ADMIN: Persona[] = ["admin"];

interface Fixture {
  team: { id: string; gid: string };
  ticketId: string;
  ticketNumber: string;
  commentId: string;
  incidentId: string;
  macroId: string;
  swarmId: string;
  ruleId: string;
  automationId: string;
  apiTokenId: string;
  teamAgentId: string;
  personaId: string | null;
  webhookEndpointId: string;
  webhookDeliveryId: string;
  /** A public reply of the fixture's agent, held for review (they have no mentor). */
  heldReplyId: string;
  /** A Slack channel routed for the fixture's team. */
  slackChannelId: string;
}

type Case = {
  allowed: Persona[];
  op: (f: Fixture) => { query: string; variables?: Record<string, unknown> };
  /** A query or subscription: it changes nothing. */
  read?: true;
};

const m = (field: string, input: string, type: string, value: (f: Fixture) => unknown, allowed: Persona[]): Case => ({
  allowed,
  op: (f) => ({ query: `mutation($v: ${type}) { ${field}(${input}: $v) { __typename } }`, variables: { v: value(f) } }),
});
const q = (query: string, allowed: Persona[], variables?: (f: Fixture) => Record<string, unknown>): Case => ({
  allowed,
  read: true,
  op: (f) => ({ query, variables: variables?.(f) }),
});

const RULES: Record<string, Case> = {
  // ─── queries
  health: q(`{ health }`, PUBLIC),
  me: q(`{ me { id } }`, PUBLIC),
  node: q(`query($id: ID!) { node(id: $id) { id } }`, TEAM, (f) => ({ id: f.ticketId })),
  nodes: q(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, TEAM, (f) => ({ ids: [f.ticketId] })),
  ticket: q(`query($id: ID!) { ticket(id: $id) { id } }`, TEAM, (f) => ({ id: f.ticketId })),
  ticketByNumber: q(`query($n: String!) { ticketByNumber(number: $n) { id } }`, TEAM, (f) => ({ n: f.ticketNumber })),
  tickets: q(`{ tickets(first: 5) { totalCount } }`, READERS),
  teams: q(`{ teams(first: 5) { totalCount } }`, SIGNED_IN),
  users: q(`{ users(first: 5) { totalCount } }`, SIGNED_IN),
  // People only; each sees the held replies they may review (the fixture's to its team's supervisors and above).
  repliesAwaitingReview: q(`{ repliesAwaitingReview(first: 5) { totalCount } }`, PEOPLE),
  tiers: q(`{ tiers { level } }`, SIGNED_IN),
  tags: q(`{ tags(first: 5) { totalCount } }`, SIGNED_IN),
  autoReplies: q(`{ autoReplies { channel } }`, SIGNED_IN),
  slaPolicies: q(`{ slaPolicies(first: 5) { totalCount } }`, SIGNED_IN),
  businessCalendars: q(`{ businessCalendars(first: 5) { totalCount } }`, SIGNED_IN),
  routingRules: q(`{ routingRules { name } }`, SIGNED_IN),
  statusAutomations: q(`{ statusAutomations { name } }`, SIGNED_IN),
  incidents: q(`{ incidents(first: 5) { totalCount } }`, READERS),
  macros: q(`{ macros { name } }`, READERS),
  apiTokens: q(`{ apiTokens(first: 5) { totalCount } }`, ADMIN),
  report: q(
    `query($t: ID) { report(period: { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }, teamId: $t) { closed } }`,
    LEADS,
    (f) => ({ t: f.team.gid }),
  ),
  expertFinder: q(`query($id: ID!) { expertFinder(ticketId: $id, skills: ["payments"]) { score } }`, TEAM, (f) => ({ id: f.ticketId })),

  // ─── case writes
  createTicket: m(
    "createTicket",
    "input",
    "CreateTicketInput!",
    (f) => ({
      title: "ACC-9 refund",
      accountId: "ACC-9",
      channel: "WEB",
      type: "INQUIRY",
      priority: "LOW",
      teamId: f.team.gid,
    }),
    READERS,
  ),
  updateTicket: m("updateTicket", "input", "UpdateTicketInput!", (f) => ({ id: f.ticketId, details: `more ${randomUUID()}` }), TEAM),
  transitionTicket: m("transitionTicket", "input", "TransitionTicketInput!", (f) => ({ id: f.ticketId, to: "TEAM_CHECKING" }), TEAM),
  assignTicket: m("assignTicket", "input", "AssignTicketInput!", (f) => ({ id: f.ticketId, assigneeId: null }), LEADS),
  autoAssignTicket: m("autoAssignTicket", "input", "AutoAssignTicketInput!", (f) => ({ id: f.ticketId, strategy: "LEAST_LOADED" }), LEADS),
  escalateTicket: m(
    "escalateTicket",
    "input",
    "EscalateTicketInput!",
    (f) => ({ id: f.ticketId, tierLevel: 3, reason: "needs experts" }),
    LEADS,
  ),
  addTags: m("addTags", "input", "TicketTagsInput!", (f) => ({ ticketId: f.ticketId, tags: ["matrix"] }), TEAM),
  removeTags: m("removeTags", "input", "TicketTagsInput!", (f) => ({ ticketId: f.ticketId, tags: ["seeded"] }), TEAM),
  addComment: m("addComment", "input", "AddCommentInput!", (f) => ({ ticketId: f.ticketId, body: "looking" }), TEAM),
  recordCustomerReply: m(
    "recordCustomerReply",
    "input",
    "RecordCustomerReplyInput!",
    (f) => ({ ticketId: f.ticketId, body: "customer says hi" }),
    TEAM,
  ),
  react: m("react", "input", "ReactInput!", (f) => ({ commentId: f.commentId, emoji: "👀" }), TEAM),
  unreact: m("unreact", "input", "ReactInput!", (f) => ({ commentId: f.commentId, emoji: "👀" }), TEAM),
  applyMacro: m("applyMacro", "input", "ApplyMacroInput!", (f) => ({ ticketId: f.ticketId, macroId: f.macroId }), TEAM),
  linkTicketToIncident: m(
    "linkTicketToIncident",
    "input",
    "LinkTicketToIncidentInput!",
    (f) => ({ ticketId: f.ticketId, incidentId: f.incidentId }),
    TEAM,
  ),

  // ─── swarms, incidents, macros
  startSwarm: m(
    "startSwarm",
    "input",
    "StartSwarmInput!",
    (f) => ({ ticketId: f.ticketId, reason: "hard one", skills: ["payments"] }),
    LEADS,
  ),
  joinSwarm: m("joinSwarm", "input", "SwarmInput!", (f) => ({ swarmId: f.swarmId }), PEOPLE),
  leaveSwarm: m("leaveSwarm", "input", "SwarmInput!", (f) => ({ swarmId: f.swarmId }), PEOPLE),
  postSwarmMessage: m("postSwarmMessage", "input", "PostSwarmMessageInput!", (f) => ({ swarmId: f.swarmId, body: "idea" }), LEADS),
  closeSwarm: m("closeSwarm", "input", "CloseSwarmInput!", (f) => ({ swarmId: f.swarmId }), LEADS),
  declareIncident: m(
    "declareIncident",
    "input",
    "DeclareIncidentInput!",
    (f) => ({ title: "Down", severity: 1, teamIds: [f.team.gid] }),
    READERS,
  ),
  postIncidentUpdate: m(
    "postIncidentUpdate",
    "input",
    "PostIncidentUpdateInput!",
    (f) => ({ incidentId: f.incidentId, body: "still down" }),
    TEAM,
  ),
  resolveIncident: m("resolveIncident", "input", "ResolveIncidentInput!", (f) => ({ incidentId: f.incidentId, summary: "fixed" }), TEAM),
  saveMacro: m(
    "saveMacro",
    "input",
    "SaveMacroInput!",
    (f) => ({ name: "Team macro", visibility: "TEAM", teamId: f.team.gid, actions: { priority: "HIGH" } }),
    LEADS,
  ),
  deleteMacro: m("deleteMacro", "id", "ID!", (f) => f.macroId, LEADS),
  updateWorkProfile: m("updateWorkProfile", "input", "UpdateWorkProfileInput!", () => ({ availability: "BUSY" }), PEOPLE),

  // ─── sign-in
  login: m("login", "input", "LoginInput!", () => ({ email: "nobody@example.com", password: "wrong-password" }), PUBLIC),
  logout: { allowed: SIGNED_IN, op: () => ({ query: `mutation { logout { __typename } }` }) },
  submitSurvey: m("submitSurvey", "input", "SubmitSurveyInput!", () => ({ token: "cfv_unknown", rating: "SATISFIED" }), PUBLIC),

  // ─── administration
  createUser: m(
    "createUser",
    "input",
    "CreateUserInput!",
    () => ({ email: `${randomUUID()}@example.com`, name: "New", password: "long-enough-1", role: "AGENT" }),
    ADMIN,
  ),
  updateUser: m("updateUser", "input", "UpdateUserInput!", (f) => ({ id: gid("User", f.teamAgentId), name: "Renamed" }), ADMIN),
  createTeam: m("createTeam", "input", "CreateTeamInput!", () => ({ name: `Team ${randomUUID().slice(0, 8)}` }), ADMIN),
  addTeamMember: m(
    "addTeamMember",
    "input",
    "TeamMemberInput!",
    (f) => ({ teamId: f.team.gid, userId: gid("User", f.personaId ?? f.teamAgentId) }),
    ADMIN,
  ),
  removeTeamMember: m(
    "removeTeamMember",
    "input",
    "TeamMemberInput!",
    (f) => ({ teamId: f.team.gid, userId: gid("User", f.teamAgentId) }),
    ADMIN,
  ),
  createApiToken: m("createApiToken", "input", "CreateApiTokenInput!", () => ({ name: "bot", scopes: ["tickets:read"] }), ADMIN),
  revokeApiToken: m("revokeApiToken", "input", "RevokeApiTokenInput!", (f) => ({ id: gid("ApiToken", f.apiTokenId) }), ADMIN),
  upsertSlaPolicy: m(
    "upsertSlaPolicy",
    "input",
    "UpsertSlaPolicyInput!",
    (f) => ({
      name: `P ${randomUUID()}`,
      priority: "LOW",
      teamId: f.team.gid,
      tierLevel: 4,
      firstResponseSeconds: 60,
      resolutionSeconds: 600,
      followUpSeconds: 600,
    }),
    ADMIN,
  ),
  upsertBusinessCalendar: m(
    "upsertBusinessCalendar",
    "input",
    "UpsertBusinessCalendarInput!",
    () => ({ name: `C ${randomUUID()}`, timeZone: "UTC", weeklyHours: [] }),
    ADMIN,
  ),
  upsertAutoReply: m(
    "upsertAutoReply",
    "input",
    "UpsertAutoReplyInput!",
    () => ({ channel: "EMAIL", template: "Got it: {{ticket.number}}" }),
    ADMIN,
  ),
  upsertRoutingRule: m(
    "upsertRoutingRule",
    "input",
    "UpsertRoutingRuleInput!",
    () => ({
      name: `R ${randomUUID()}`,
      position: 999,
      runsOn: ["UPDATED"],
      conditions: { tags: ["matrix-x"] },
      actions: { atRisk: true },
    }),
    ADMIN,
  ),
  deleteRoutingRule: m("deleteRoutingRule", "id", "ID!", (f) => gid("RoutingRule", f.ruleId), ADMIN),
  upsertStatusAutomation: m(
    "upsertStatusAutomation",
    "input",
    "UpsertStatusAutomationInput!",
    () => ({ name: `A ${randomUUID()}`, status: "INFORM_CUSTOMER", afterSeconds: 60, enabled: false, actions: { addTags: ["matrix-x"] } }),
    ADMIN,
  ),
  deleteStatusAutomation: m("deleteStatusAutomation", "id", "ID!", (f) => gid("StatusAutomation", f.automationId), ADMIN),

  // ─── webhooks (administrators, and tokens with webhooks:manage)
  webhookEndpoints: q(`{ webhookEndpoints { id } }`, ADMIN),
  webhookDeliveries: q(`query($id: ID!) { webhookDeliveries(endpointId: $id, first: 5) { edges { cursor } } }`, ADMIN, (f) => ({
    id: f.webhookEndpointId,
  })),
  createWebhookEndpoint: m(
    "createWebhookEndpoint",
    "input",
    "CreateWebhookEndpointInput!",
    (f) => ({ url: "https://hooks.invalid/matrix", eventTypes: ["SURVEY_ANSWERED"], teamIds: [f.team.gid] }),
    ADMIN,
  ),
  updateWebhookEndpoint: m(
    "updateWebhookEndpoint",
    "input",
    "UpdateWebhookEndpointInput!",
    (f) => ({ id: f.webhookEndpointId, description: "renamed" }),
    ADMIN,
  ),
  deleteWebhookEndpoint: m("deleteWebhookEndpoint", "input", "DeleteWebhookEndpointInput!", (f) => ({ id: f.webhookEndpointId }), ADMIN),
  rotateWebhookSecret: m("rotateWebhookSecret", "input", "RotateWebhookSecretInput!", (f) => ({ id: f.webhookEndpointId }), ADMIN),
  redeliverWebhook: m("redeliverWebhook", "input", "RedeliverWebhookInput!", (f) => ({ deliveryId: f.webhookDeliveryId }), ADMIN),

  // ─── Slack (routes: administrators and the team's supervisors; links: administrators)
  slackChannels: q(`{ slackChannels { id } }`, LEADS),
  slackDeliveries: q(`query($t: ID!) { slackDeliveries(teamId: $t, first: 5) { edges { cursor } } }`, ["supervisor", "admin"], (f) => ({
    t: f.team.gid,
  })),
  slackLinkEvents: q(`{ slackLinkEvents(first: 5) { edges { cursor } } }`, ADMIN),
  upsertSlackChannel: m(
    "upsertSlackChannel",
    "input",
    "UpsertSlackChannelInput!",
    (f) => ({ teamId: f.team.gid, channel: slackId("C"), eventTypes: ["TICKET_CREATED"] }),
    ["supervisor", "admin"],
  ),
  deleteSlackChannel: m("deleteSlackChannel", "input", "DeleteSlackChannelInput!", (f) => ({ id: f.slackChannelId }), [
    "supervisor",
    "admin",
  ]),
  linkSlackUser: m(
    "linkSlackUser",
    "input",
    "LinkSlackUserInput!",
    (f) => ({ userId: gid("User", f.teamAgentId), slackUserId: slackId("U") }),
    ADMIN,
  ),
  // Supervisors of the trainee's team and above set mentors; the team's supervisors and above review held replies (no mentor here).
  setMentor: m("setMentor", "input", "SetMentorInput!", (f) => ({ userId: gid("User", f.teamAgentId), reviewRequired: true }), LEADS),
  approveReply: m("approveReply", "input", "ApproveReplyInput!", (f) => ({ commentId: f.heldReplyId }), LEADS),
  rejectReply: m("rejectReply", "input", "RejectReplyInput!", (f) => ({ commentId: f.heldReplyId, reason: "Rephrase" }), LEADS),

  // ─── subscriptions
  ticketEvents: q(`subscription { ticketEvents { cursor } }`, READERS),
  slaAlerts: q(`subscription { slaAlerts { id } }`, READERS),
  alerts: q(`subscription { alerts { id } }`, READERS),
  incidentEvents: q(`subscription { incidentEvents { id } }`, READERS),
  liveMetrics: q(`subscription($t: [ID!]) { liveMetrics(teamIds: $t) { open } }`, LEADS, (f) => ({ t: [f.team.gid] })),
};

/** A Slack channel or member id no other fixture uses. */
function slackId(prefix: "C" | "U") {
  return `${prefix}0${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`;
}

/** Fields whose null answer means "hidden from you" rather than "nothing there". */
const NULL_MEANS_HIDDEN = new Set(["ticket", "ticketByNumber", "node"]);

let app: TestApp;
let fixtureTeam: Awaited<ReturnType<typeof seedTeam>>;
let otherTeam: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  app = await createTestApp({
    slaMonitor: false,
    // Slack on, so its routes can be written; nothing the matrix does is sent anywhere.
    slack: { botToken: "xoxb-matrix", signingSecret: "matrix", apiUrl: "http://127.0.0.1:9/api/", caseLinkTemplate: null, timeoutMs: 100 },
  });
  fixtureTeam = await seedTeam(app);
  otherTeam = await seedTeam(app);
});
afterAll(() => app.close());

async function fixture(): Promise<Omit<Fixture, "personaId">> {
  const owner = await seedUser(app, "AGENT", [fixtureTeam.id]);
  const ticket = await createTicketVia(app, owner.token, { teamId: fixtureTeam.gid, assigneeId: owner.gid, tags: ["seeded"] });
  await app.gql(
    `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename } }`,
    { i: { id: ticket.id, to: "NOT_STARTED" } },
    { token: owner.token },
  );
  const ticketId = (await app.db.prisma.ticket.findUniqueOrThrow({ where: { number: ticket.number } })).id;
  const comment = await app.db.prisma.comment.create({ data: { ticketId, body: "seen?", visibility: "INTERNAL", authorId: owner.id } });
  const heldReply = await app.db.prisma.comment.create({
    data: { ticketId, body: "Dear customer", visibility: "PUBLIC", kind: "REPLY", reviewState: "PENDING_REVIEW", authorId: owner.id },
  });
  const incident = await app.db.prisma.incident.create({
    data: { title: "Gateway", severity: 2, teams: { create: { teamId: fixtureTeam.id } } },
  });
  const macro = await app.db.prisma.macro.create({
    data: { name: "Team macro", visibility: "TEAM", teamId: fixtureTeam.id, actions: { addTags: ["macro"] } },
  });
  const swarm = await app.db.prisma.swarm.create({
    data: { ticketId, ownerId: owner.id, reason: "hard", skills: ["payments"], members: { create: { userId: owner.id } } },
  });
  const rule = await app.db.prisma.routingRule.create({
    data: {
      name: `matrix ${randomUUID()}`,
      position: 5000,
      runsOn: ["UPDATED"],
      conditions: { tags: ["never"] },
      actions: { atRisk: true },
    },
  });
  const automation = await app.db.prisma.statusAutomation.create({
    data: {
      name: `matrix ${randomUUID()}`,
      status: "BACKLOG",
      afterSeconds: 60,
      enabled: false,
      conditions: {},
      actions: { addTags: ["never"] },
    },
  });
  const token = await seedApiToken(app, ["tickets:read"]);
  // Listens to nothing the matrix triggers, and its one delivery is already delivered.
  const endpoint = await app.db.prisma.webhookEndpoint.create({
    data: {
      url: "https://hooks.invalid/matrix",
      eventTypes: ["SURVEY_ANSWERED"],
      teamIds: [fixtureTeam.id],
      secretEncrypted: app.services.cipher.encrypt("whsec_bWF0cml4bWF0cml4bWF0cml4bWF0cml4"),
      deliveries: {
        create: { messageId: `msg_${randomUUID()}`, eventType: "SURVEY_ANSWERED", payload: {}, status: "DELIVERED", expiresAt: new Date() },
      },
    },
    include: { deliveries: true },
  });
  const slackChannel = await app.db.prisma.slackChannel.create({
    data: { teamId: fixtureTeam.id, channel: slackId("C"), eventTypes: ["INCIDENT_RESOLVED"] },
  });
  return {
    team: fixtureTeam,
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    commentId: gid("Comment", comment.id),
    incidentId: gid("Incident", incident.id),
    macroId: gid("Macro", macro.id),
    swarmId: gid("Swarm", swarm.id),
    ruleId: rule.id,
    automationId: automation.id,
    apiTokenId: token.id,
    teamAgentId: owner.id,
    webhookEndpointId: gid("WebhookEndpoint", endpoint.id),
    webhookDeliveryId: gid("WebhookDelivery", endpoint.deliveries[0]!.id),
    heldReplyId: gid("Comment", heldReply.id),
    slackChannelId: gid("SlackChannel", slackChannel.id),
  };
}

async function credentialsOf(persona: Persona): Promise<{ token?: string; id: string | null }> {
  switch (persona) {
    case "anonymous":
      return { id: null };
    case "otherTeamAgent":
      return seedUser(app, "AGENT", [otherTeam.id]);
    case "teamAgent":
      return seedUser(app, "AGENT", [fixtureTeam.id]);
    case "supervisor":
      return seedUser(app, "SUPERVISOR", [fixtureTeam.id]);
    case "manager":
      return seedUser(app, "MANAGER");
    case "admin":
      return seedUser(app, "ADMIN");
    case "tokenWithoutScope":
      return seedApiToken(app, ["contacts:read"]);
    case "revokedToken": {
      const token = await seedApiToken(app, ["admin"]);
      await app.db.prisma.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
      return token;
    }
  }
}

/** An input the table built wrongly: the write refused it as invalid rather than deciding who may. */
function value_is_invalid(body: { data?: Record<string, { __typename?: string } | null> }, field: string) {
  return body.data?.[field]?.__typename === "ValidationError" && !ALLOWED_VALIDATION.has(field);
}

/**
 * Writes whose fixture input is refused as invalid by design once past the permission
 * check: leaving a swarm one is not in, opening a second swarm on the fixture's case.
 */
const ALLOWED_VALIDATION = new Set(["leaveSwarm", "startSwarm"]);

/** Sends the operation (subscriptions over SSE, reading what arrives first) and says whether it was refused. */
async function refused(
  field: string,
  operation: { query: string; variables?: Record<string, unknown> },
  token?: string,
): Promise<{ refused: boolean; answer: string }> {
  const subscription = operation.query.startsWith("subscription");
  const abort = new AbortController();
  const response = await app.yoga.fetch("http://caseflow.test/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: subscription ? "text/event-stream" : "application/graphql-response+json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(operation),
    signal: abort.signal,
  });
  let answer: string;
  if (subscription && response.ok) {
    // A refused subscription says so and ends; an allowed one becomes live (and may then
    // send a first value, which says nothing about the refusal).
    const reader = response.body!.getReader();
    let text = "";
    const whole = (async () => {
      const decoder = new TextDecoder();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    })();
    whole.catch(() => {}); // cancelled below when the stream went live
    answer = (await liveOrEnded(whole)) ? "" : text;
    abort.abort();
    await reader.cancel().catch(() => {});
  } else {
    answer = await response.text();
  }
  if (response.status === 401 || response.status === 403) return { refused: true, answer };
  const body = subscription ? (/data: (.*)/.exec(answer)?.[1] ? JSON.parse(/data: (.*)/.exec(answer)![1]!) : {}) : JSON.parse(answer);
  const codes = (body.errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code);
  // A document this table got wrong must fail loudly, not pass as "allowed".
  if (codes.includes("GRAPHQL_VALIDATION_FAILED") || codes.includes("VALIDATION") || value_is_invalid(body, field)) {
    throw new Error(`the matrix's operation for ${field} is invalid: ${answer.slice(0, 300)}`);
  }
  const value = body.data?.[field];
  const isRefused =
    codes.includes("UNAUTHENTICATED") ||
    codes.includes("FORBIDDEN") ||
    codes.includes("NOT_FOUND") ||
    ["ForbiddenError", "NotFoundError"].includes(value?.__typename) ||
    (NULL_MEANS_HIDDEN.has(field) && body.data && value === null) ||
    (field === "nodes" && Array.isArray(value) && value[0] === null);
  return { refused: isRefused, answer: answer.slice(0, 300) };
}

describe("authorization matrix", () => {
  const rootFields = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!].flatMap((type) =>
    Object.keys(type.getFields()),
  );

  it("has a rule for every query, mutation and subscription, and none for fields that are gone", () => {
    expect(
      rootFields.filter((f) => !(f in RULES)),
      "root fields without a rule in this table",
    ).toEqual([]);
    expect(
      Object.keys(RULES).filter((f) => !rootFields.includes(f)),
      "rules for fields that no longer exist",
    ).toEqual([]);
  });

  // Reads change nothing, so they share one fixture and one set of callers. A write gets
  // a fresh fixture after every caller it allowed (one caller's write must not decide the
  // next caller's outcome) and fresh callers (a write may sign its caller out).
  let readFixture: Promise<Omit<Fixture, "personaId">> | undefined;
  const readers = new Map<Persona, Promise<{ token?: string; id: string | null }>>();

  for (const field of Object.keys(RULES)) {
    it(`${field}: ${RULES[field]!.allowed.join(", ") || "nobody"}`, async () => {
      const rule = RULES[field]!;
      const read = rule.read === true;
      const outcomes: string[] = [];
      let base: Omit<Fixture, "personaId"> | undefined;
      for (const persona of PERSONAS) {
        if (read) {
          readFixture ??= fixture();
          base = await readFixture;
        } else {
          base ??= await fixture();
        }
        const credentials = read
          ? await (readers.get(persona) ?? readers.set(persona, credentialsOf(persona)).get(persona)!)
          : await credentialsOf(persona);
        const result = await refused(field, rule.op({ ...base, personaId: credentials.id }), credentials.token);
        const expected = rule.allowed.includes(persona) ? "allowed" : "refused";
        const actual = result.refused ? "refused" : "allowed";
        if (expected !== actual) outcomes.push(`${persona}: expected ${expected}, got ${actual}: ${result.answer}`);
        if (!read && actual === "allowed") base = undefined;
      }
      expect(outcomes).toEqual([]);
    });
  }
});
