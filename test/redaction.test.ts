// Personal numbers written through any free-text input never reach a reader. Disguised
// national ID and card numbers (test/helpers/personal-numbers.ts) go in through every
// free-text input of the schema, and everything a client can read is searched for them:
// each mutation's answer, every query field of every type (selections built from the
// schema), the timeline, the CSV export, every subscription over a WebSocket, and the log
// at trace level.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import {
  type GraphQLField,
  type GraphQLNamedType,
  getNamedType,
  isCompositeType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from "graphql";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput, updateTicketInput } from "../src/domain/input.js";
import { schema } from "../src/schema/index.js";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { csvRows } from "./helpers/csv.js";
import { type Collector, subscribeWs, wsClient } from "./helpers/live.js";
import { disguised, glue, personalNumber } from "./helpers/personal-numbers.js";
import { seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

// ─── what the schema takes as text ──────────────────────────────────────────

/**
 * Every String input of the schema (input object fields and root field arguments), and
 * what keeps personal numbers out of it. A new String input fails the first test until
 * it is listed here, and a free-text or refused one until the property below writes a
 * number through it.
 */
type Handling =
  /** Normalised and redacted by the freeText input type. */
  | "redacted"
  /** A name shown as it is: refused when it holds an ID or card number. */
  | "refused"
  /** Read, never stored: what comes back must not echo it. */
  | "lookup"
  /** A format of its own, which a number does not pass: refused without echoing it. */
  | { format: string }
  /** Not free text: an identifier or a secret; the reason says why. */
  | { notFreeText: string };

const STRING_INPUTS: Record<string, Handling> = {
  "AddCommentInput.body": "redacted",
  "AttachmentInput.kind": "redacted",
  "AttachmentInput.name": "redacted",
  "AttachmentInput.url": "redacted",
  "CloseSwarmInput.summary": "redacted",
  "CreateApiTokenInput.name": "redacted",
  "CreateApiTokenInput.scopes": { format: "one of the token scopes" },
  "CreateTeamInput.description": "redacted",
  "CreateTeamInput.name": "refused",
  "CreateTicketInput.accountId": { notFreeText: "the customer's account identifier, kept as sent so the case can be found by it" },
  "CreateTicketInput.description": "redacted",
  "CreateWebhookEndpointInput.description": "redacted",
  "CreateWebhookEndpointInput.url": {
    notFreeText: "the receiver's address, called exactly as given: an administrator's configuration, not case text",
  },
  "CreateTicketInput.details": "redacted",
  "CreateTicketInput.externalRef": "redacted",
  "CreateTicketInput.idempotencyKey": { notFreeText: "a retry key, never shown" },
  "CreateTicketInput.subcategory": "redacted",
  "CreateTicketInput.tags": "refused",
  "CreateTicketInput.title": "redacted",
  "CreateUserInput.email": { notFreeText: "an e-mail address, checked as one" },
  "CreateUserInput.name": "redacted",
  "CreateUserInput.password": { notFreeText: "a secret, stored hashed" },
  "DeclareIncidentInput.summary": "redacted",
  "DeclareIncidentInput.title": "redacted",
  "EscalateTicketInput.reason": "redacted",
  "LinkSlackUserInput.slackUserId": { notFreeText: "Slack's member id (U…), an administrator's link, checked as one" },
  "LoginInput.email": { notFreeText: "an e-mail address, never stored from a login" },
  "LoginInput.password": { notFreeText: "a secret, never stored from a login" },
  "MacroActionsInput.addTags": "refused",
  "MacroActionsInput.removeTags": "refused",
  "MacroActionsInput.resolution": "redacted",
  "MacroCommentInput.template": "redacted",
  "OpeningWindowInput.end": { format: "a time of day, HH:MM" },
  "OpeningWindowInput.start": { format: "a time of day, HH:MM" },
  "PostIncidentUpdateInput.body": "redacted",
  "PostSwarmMessageInput.body": "redacted",
  "ReactInput.emoji": { format: "one of two status markers" },
  "RecordCustomerReplyInput.body": "redacted",
  "RejectReplyInput.reason": "redacted",
  "RequesterInput.contact": { notFreeText: "contact data: encrypted at rest, shown masked unless the viewer may see it" },
  "RequesterInput.name": "redacted",
  "ResolveIncidentInput.summary": "redacted",
  "AutomationActionsInput.addTags": "refused",
  "AutomationActionsInput.note": "redacted",
  "AutomationConditionsInput.tags": "refused",
  "RuleActionsInput.addTags": "refused",
  "RuleActionsInput.removeTags": "refused",
  "RuleConditionsInput.tags": "refused",
  "SaveMacroInput.description": "redacted",
  "SaveMacroInput.name": "redacted",
  "SkillInput.skill": "refused",
  "StartSwarmInput.reason": "redacted",
  "StartSwarmInput.skills": "refused",
  "SubmitSurveyInput.comment": "redacted",
  "SubmitSurveyInput.token": { notFreeText: "a survey's one-time secret, looked up by its hash" },
  "TicketFilter.search": "lookup",
  "TicketFilter.tag": "lookup",
  "TicketTagsInput.tags": "refused",
  "TransitionTicketInput.breachReason": "redacted",
  "TransitionTicketInput.note": "redacted",
  "TransitionTicketInput.resolution": "redacted",
  "UpdateTicketInput.accountId": { notFreeText: "the customer's account identifier, kept as sent so the case can be found by it" },
  "UpdateTicketInput.description": "redacted",
  "UpdateTicketInput.details": "redacted",
  "UpdateTicketInput.externalRef": "redacted",
  "UpdateTicketInput.subcategory": "redacted",
  "UpdateTicketInput.title": "redacted",
  "UpdateUserInput.name": "redacted",
  "UpdateWebhookEndpointInput.description": "redacted",
  "UpdateWebhookEndpointInput.url": {
    notFreeText: "the receiver's address, called exactly as given: an administrator's configuration, not case text",
  },
  "UpdateUserInput.password": { notFreeText: "a secret, stored hashed" },
  "UpdateWorkProfileInput.timeZone": { format: "an IANA time zone name" },
  "UpsertAutoReplyInput.template": "redacted",
  "UpsertSlackChannelInput.channel": {
    notFreeText: "Slack's channel id (C…), posted to exactly as given: an administrator's or supervisor's configuration, not case text",
  },
  "UpsertBusinessCalendarInput.holidays": { format: "dates, YYYY-MM-DD" },
  "UpsertBusinessCalendarInput.name": "redacted",
  "UpsertBusinessCalendarInput.timeZone": { format: "an IANA time zone name" },
  "UpsertRoutingRuleInput.name": "redacted",
  "UpsertSlaPolicyInput.name": "redacted",
  "UpsertStatusAutomationInput.name": "redacted",
  "Query.apiTokens(after)": { notFreeText: "a page cursor" },
  "Query.apiTokens(before)": { notFreeText: "a page cursor" },
  "Query.businessCalendars(after)": { notFreeText: "a page cursor" },
  "Query.businessCalendars(before)": { notFreeText: "a page cursor" },
  "Query.expertFinder(skills)": "lookup",
  "Query.incidents(after)": { notFreeText: "a page cursor" },
  "Query.incidents(before)": { notFreeText: "a page cursor" },
  "Query.slaPolicies(after)": { notFreeText: "a page cursor" },
  "Query.slaPolicies(before)": { notFreeText: "a page cursor" },
  "Query.tags(after)": { notFreeText: "a page cursor" },
  "Query.tags(before)": { notFreeText: "a page cursor" },
  "Query.tags(prefix)": "lookup",
  "Query.teams(after)": { notFreeText: "a page cursor" },
  "Query.teams(before)": { notFreeText: "a page cursor" },
  "Query.ticketByNumber(number)": "lookup",
  "Query.tickets(after)": { notFreeText: "a page cursor" },
  "Query.tickets(before)": { notFreeText: "a page cursor" },
  "Query.repliesAwaitingReview(after)": { notFreeText: "a page cursor" },
  "Query.repliesAwaitingReview(before)": { notFreeText: "a page cursor" },
  "Query.users(after)": { notFreeText: "a page cursor" },
  "Query.users(before)": { notFreeText: "a page cursor" },
  "Query.users(search)": "lookup",
  "Query.slackDeliveries(after)": { notFreeText: "a page cursor" },
  "Query.slackDeliveries(before)": { notFreeText: "a page cursor" },
  "Query.slackLinkEvents(after)": { notFreeText: "a page cursor" },
  "Query.slackLinkEvents(before)": { notFreeText: "a page cursor" },
  "Query.webhookDeliveries(after)": { notFreeText: "a page cursor" },
  "Query.webhookDeliveries(before)": { notFreeText: "a page cursor" },
  "Subscription.ticketEvents(after)": "lookup",
};

const isString = (type: Parameters<typeof getNamedType>[0]) => getNamedType(type)?.name === "String";

/** The String inputs the built schema has: input object fields and root field arguments. */
function stringInputsOfSchema(): string[] {
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) if (isString(field.type)) found.push(`${type.name}.${field.name}`);
  }
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      for (const arg of field.args) if (isString(arg.type)) found.push(`${root!.name}.${field.name}(${arg.name})`);
    }
  }
  return found.sort();
}

/** The inputs the property must write a number through (all but identifiers and secrets). */
const mustBeWritten = Object.entries(STRING_INPUTS)
  .filter(([, handling]) => typeof handling === "string" || "format" in handling)
  .map(([name]) => name)
  .sort();

// ─── reading everything: selections built from the schema ───────────────────

/** Arguments for fields that need them to answer everything (a report covers the last year). */
const ARGUMENTS: Record<string, string> = {
  // The property reads an endpoint of its own (set when it creates one).
  "Query.webhookDeliveries": `(endpointId: "none", first: 100)`,
};
function reportPeriod(now: Date) {
  const day = 86_400_000;
  const from = new Date(now.getTime() - 360 * day).toISOString();
  const to = new Date(now.getTime() + day).toISOString();
  ARGUMENTS["Query.report"] = `(period: { from: "${from}", to: "${to}" })`;
}
/** Wrapper types do not count towards the depth of a selection. */
const isWrapper = (name: string) => name.endsWith("Connection") || name.endsWith("Edge") || name === "PageInfo";

function argumentsOf(owner: string, field: GraphQLField<unknown, unknown>): string | null {
  if (ARGUMENTS[`${owner}.${field.name}`]) return ARGUMENTS[`${owner}.${field.name}`]!;
  if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) return null;
  const given = field.args.flatMap((a) =>
    a.name === "first" ? ["first: 100"] : a.name === "includeRevoked" || a.name === "includeInactive" ? [`${a.name}: true`] : [],
  );
  return given.length ? `(${given.join(", ")})` : "";
}

/** The object types the selections built so far read. */
const typesRead = new Set<string>();

/** Every field of the type, objects to `depth` levels, never a type twice on one path. */
function selectionOf(type: GraphQLNamedType, depth: number, path: readonly string[] = []): string {
  if (!isCompositeType(type)) return "";
  typesRead.add(type.name);
  const inner = [...path, type.name];
  if (!isObjectType(type)) {
    const possible = schema.getPossibleTypes(type);
    return `__typename ${possible.map((t) => `... on ${t.name} { ${selectionOf(t, depth, path)} }`).join(" ")}`;
  }
  const fields: string[] = ["__typename"];
  for (const field of Object.values(type.getFields())) {
    const args = argumentsOf(type.name, field);
    if (args === null) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) fields.push(`${field.name}${args}`);
    else {
      const next = isWrapper(named.name) ? depth : depth - 1;
      if (next < 0 || inner.includes(named.name)) continue;
      fields.push(`${field.name}${args} { ${selectionOf(named, next, inner)} }`);
    }
  }
  return fields.join(" ");
}

/** One query over every root field of the schema (`node`, `ticket` and the like read what the lists read). */
function everythingQuery(now: Date, ticketId = "none"): string {
  reportPeriod(now);
  ARGUMENTS["Query.expertFinder"] = `(ticketId: ${JSON.stringify(ticketId)}, skills: ["payments"], first: 50)`;
  const query = schema.getQueryType()!;
  const roots = Object.values(query.getFields()).flatMap((field) => {
    const args = argumentsOf("Query", field);
    if (args === null) return [];
    const named = getNamedType(field.type);
    return [isLeafType(named) ? `${field.name}${args}` : `${field.name}${args} { ${selectionOf(named, 3, ["Query"])} }`];
  });
  return `query Everything { ${roots.join(" ")} }`;
}

/** A mutation with its answer read: the payload's objects and their own fields (the deep read covers the rest). */
function mutation(name: string): string {
  const field = schema.getMutationType()!.getFields()[name]!;
  const params = field.args.map((a) => `$${a.name}: ${a.type}`).join(", ");
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
  return `mutation${params ? `(${params})` : ""} { ${name}${args ? `(${args})` : ""} { ${selectionOf(getNamedType(field.type), 1, ["Mutation"])} } }`;
}

function subscription(name: string, args = ""): string {
  const field = schema.getSubscriptionType()!.getFields()[name]!;
  return `subscription { ${name}${args} { ${selectionOf(getNamedType(field.type), 2, ["Subscription"])} } }`;
}

// ─── finding a number in what was read ──────────────────────────────────────

const DECIMAL = /\p{Nd}/u;
/** The digits of a text as plain digits, whatever their script (decimal digits come in runs of ten). */
function digitsOf(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFKC")) {
    if (!DECIMAL.test(ch)) continue;
    let zero = ch.codePointAt(0)!;
    while (zero > 0 && DECIMAL.test(String.fromCodePoint(zero - 1))) zero--;
    out += String((ch.codePointAt(0)! - zero) % 10);
  }
  return out;
}

/** What betrays a number: all of a card's digits, an ID's first 17 (its check character may be X). */
const needleOf = (digits: readonly number[]) =>
  digits
    .filter((d) => d < 10)
    .slice(0, 17)
    .join("");

/** The fields the property splits a number across (each pair in one write). */
const SPLIT_PAIRS = [
  ["title", "description"],
  ["title", "summary"],
  ["name", "description"],
] as const;

/** Every string in a value read back, with where it was found. */
function strings(value: unknown, where: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === "string") out.push([where, value]);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) strings(v, `${where}[${i}]`, out);
  else if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    // A number split across two fields of one write is betrayed by the two read together.
    for (const [first, second] of SPLIT_PAIRS) {
      const [a, b] = [object[first], object[second]];
      if (typeof a === "string" && typeof b === "string") out.push([`${where}.${first}+${second}`, `${a}${b}`]);
    }
    for (const [key, v] of Object.entries(object)) strings(v, `${where}.${key}`, out);
  }
  return out;
}

function leaks(readable: [string, string][], needles: readonly string[]): string[] {
  return readable.flatMap(([where, text]) => {
    const digits = digitsOf(text);
    return needles.filter((n) => digits.includes(n)).map(() => `${where}: ${JSON.stringify(text).slice(0, 300)}`);
  });
}

// ─── the app ────────────────────────────────────────────────────────────────

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let admin: TestUser;
/** An agent whose public replies are held for review. */
let trainee: TestUser;
const logLines: string[] = [];
const live: Record<string, Collector> = {};
let liveClient: ReturnType<typeof wsClient>;

beforeAll(async () => {
  const logger = pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) });
  app = await createTestApp(
    // The whole-schema reads are far larger than any client's; the limits have their own tests.
    { limits: { ...testConfig().limits, maxDepth: 40, maxTokens: 1_000_000, maxCost: 100_000_000, maxAliases: 1000 } },
    { logger },
  );
  team = await seedTeam(app, "CS-Payment");
  ARGUMENTS["Query.slackDeliveries"] = `(teamId: ${JSON.stringify(team.gid)}, first: 100)`;
  admin = await seedUser(app, "ADMIN", [team.id], { canViewContact: true, name: "Ada Admin" });
  trainee = await seedUser(app, "AGENT", [team.id], { name: "Tess Trainee" });
  await app.db.prisma.user.update({ where: { id: trainee.id }, data: { reviewRequired: true } });
  await app.db.prisma.user.update({ where: { id: admin.id }, data: { onCall: true } });
  const { port } = await app.start(0);
  const client = (liveClient = wsClient(port, admin.token));
  live.ticketEvents = await subscribeWs(client, subscription("ticketEvents"));
  live.alerts = await subscribeWs(client, subscription("alerts"));
  live.incidentEvents = await subscribeWs(client, subscription("incidentEvents"));
  live.slaAlerts = await subscribeWs(client, subscription("slaAlerts"));
  live.liveMetrics = await subscribeWs(client, subscription("liveMetrics"));
}, 300_000);

afterAll(async () => {
  await liveClient?.dispose();
  await app?.close();
});

describe("a case update", () => {
  it("is read with the case's texts it keeps, so a number split across two writes loses its new piece", () => {
    const stored = { title: "ACC-1 refund", description: "1111 1111 was charged" };
    const update = { title: "ACC-1 refund 4111 1111" };
    const read = parseInput(updateTicketInput, update, "input", [stored.description]);
    expect(read.title).toBe("ACC-1 refund [REDACTED CARD NUMBER]");
    // Read alone, the new title holds only eight digits, no number.
    expect(parseInput(updateTicketInput, update).title).toBe(update.title);
    // The stored texts are context only: nothing is found among them alone.
    expect(parseInput(updateTicketInput, { details: "nothing here" }, "input", ["ACC-1 4111 1111", "1111 1111 x"]).details).toBe(
      "nothing here",
    );
  });
});

describe("the schema", () => {
  it("has each String input listed with what keeps personal numbers out", () => {
    expect(Object.keys(STRING_INPUTS).sort()).toEqual(stringInputsOfSchema());
  });

  it("has every output type read by the property below: the whole-schema query, mutation answers or live messages", () => {
    everythingQuery(new Date());
    for (const name of Object.keys(schema.getMutationType()!.getFields())) mutation(name);
    for (const name of Object.keys(schema.getSubscriptionType()!.getFields())) subscription(name);
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((t) => t!.name);
    const outputTypes = Object.values(schema.getTypeMap()).filter(
      (t) => isObjectType(t) && !t.name.startsWith("__") && !roots.includes(t.name),
    );
    expect(outputTypes.map((t) => t.name).filter((name) => !typesRead.has(name))).toEqual([]);
  });
});

// ─── writing through every free-text input ──────────────────────────────────

interface Sample {
  number: { kind: "NATIONAL_ID" | "BANK_CARD"; digits: number[] };
  /** A fresh disguise (with words around it) for each input. */
  spaced: fc.Stream<string>;
  /** A fresh disguise without spaces, for names (tags, skills). */
  compact: fc.Stream<string>;
  /** Where the number is cut for the split write. */
  cut: number;
  head: string;
  tail: string;
}

const sample: fc.Arbitrary<Sample> = personalNumber.chain((number) =>
  fc.integer({ min: 2, max: number.digits.length - 2 }).chain((cut) =>
    fc.record({
      number: fc.constant(number),
      spaced: fc.infiniteStream(fc.tuple(glue, disguised(number.digits), glue).map(([a, n, b]) => `${a}${n}${b}`)),
      compact: fc.infiniteStream(disguised(number.digits, false)),
      cut: fc.constant(cut),
      head: disguised(number.digits.slice(0, cut)),
      tail: disguised(number.digits.slice(cut)),
    }),
  ),
);

const letters = () =>
  randomUUID()
    .replace(/[^a-f]/g, "")
    .slice(0, 8);
/** A password the policy takes. */
const PASSWORD = "correct horse battery staple tangerine";

describe("redaction, end to end", () => {
  it("lets no disguised number written through any free-text input reach a reader", async () => {
    const written = new Set<string>();
    const needles: string[] = [];
    let run = 0;

    await fc.assert(
      fc.asyncProperty(sample, async (s) => {
        run += 1;
        const needle = needleOf(s.number.digits);
        needles.push(needle);
        /** What a client got back: every answer of this run goes here. */
        const readable: [string, string][] = [];
        const next = (stream: fc.Stream<string>) => stream.next().value as string;
        /** The disguised number to write through one input, noted as written. */
        const text = (input: string) => (written.add(input), `note ${next(s.spaced)} end`);
        /** Without spaces: for names, and for the subcategory, whose 64 characters a spaced number can fill. */
        const compact = (input: string) => (written.add(input), next(s.compact));

        /** Sends a mutation as the administrator, or with no credentials when `token` is null. */
        const call = async (name: string, variables: Record<string, unknown>, token: string | null = admin.token) => {
          const result = await app.gql(mutation(name), variables, token ? { token } : {});
          readable.push(...strings(result, `${name}()`));
          expect(result.errors, `${name}: ${JSON.stringify(result.errors)}`).toBeUndefined();
          return result.data[name];
        };
        const ok = async (name: string, variables: Record<string, unknown>, token?: string | null) => {
          const payload = await call(name, variables, token);
          expect(payload.__typename, `${name}: ${JSON.stringify(payload)}`).toMatch(/Payload$/);
          return payload;
        };
        const refused = async (name: string, variables: Record<string, unknown>, field: string) => {
          const payload = await call(name, variables);
          expect(payload, name).toMatchObject({ __typename: "ValidationError" });
          expect(
            payload.issues.map((i: { field: string }) => i.field),
            name,
          ).toContain(field);
        };
        const read = async (query: string, variables: Record<string, unknown> = {}, where = "query") => {
          const result = await app.gql(query, variables, { token: admin.token });
          readable.push(...strings(result, where));
          return result;
        };

        // Configuration first, so the cases below use it.
        await ok("upsertAutoReply", {
          input: { channel: "EMAIL", template: `Hello {{customer.name}}, ${text("UpsertAutoReplyInput.template")}` },
        });
        const calendar = await ok("upsertBusinessCalendar", {
          input: {
            name: text("UpsertBusinessCalendarInput.name"),
            timeZone: "UTC",
            weeklyHours: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: "00:00", end: "24:00" })),
          },
        });
        await ok("upsertSlaPolicy", {
          input: {
            name: `${text("UpsertSlaPolicyInput.name")} ${run}`,
            priority: "LOW",
            teamId: (await seedTeam(app)).gid,
            tierLevel: 4,
            calendarId: calendar.businessCalendar.id,
            firstResponseSeconds: 60,
            resolutionSeconds: 600,
            followUpSeconds: 600,
          },
        });
        const rule = { position: 1000 + run, runsOn: ["CREATED"], enabled: false };
        await ok("upsertRoutingRule", {
          input: { ...rule, name: text("UpsertRoutingRuleInput.name"), conditions: { types: ["COMPLAINT"] }, actions: { atRisk: true } },
        });
        await refused(
          "upsertRoutingRule",
          { input: { ...rule, name: "tags", conditions: { tags: [compact("RuleConditionsInput.tags")] }, actions: { atRisk: true } } },
          "input.conditions.tags.0",
        );
        await refused(
          "upsertRoutingRule",
          { input: { ...rule, name: "add", conditions: {}, actions: { addTags: [compact("RuleActionsInput.addTags")] } } },
          "input.actions.addTags.0",
        );
        await refused(
          "upsertRoutingRule",
          { input: { ...rule, name: "remove", conditions: {}, actions: { removeTags: [compact("RuleActionsInput.removeTags")] } } },
          "input.actions.removeTags.0",
        );

        const automation = { status: "INFORM_CUSTOMER", afterSeconds: 3600, enabled: false };
        await ok("upsertStatusAutomation", {
          input: {
            ...automation,
            name: text("UpsertStatusAutomationInput.name"),
            actions: { note: `Chase {{ticket.number}}: ${text("AutomationActionsInput.note")}` },
          },
        });
        await refused(
          "upsertStatusAutomation",
          {
            input: {
              ...automation,
              name: `tags ${run}`,
              conditions: { tags: [compact("AutomationConditionsInput.tags")] },
              actions: { alertSupervisors: true },
            },
          },
          "input.conditions.tags.0",
        );
        await refused(
          "upsertStatusAutomation",
          { input: { ...automation, name: `add ${run}`, actions: { addTags: [compact("AutomationActionsInput.addTags")] } } },
          "input.actions.addTags.0",
        );

        // A webhook endpoint hearing of everything in the team: its description is written
        // through, and the deliveries' payloads are read with everything else below.
        const endpoint = await ok("createWebhookEndpoint", {
          input: {
            url: "https://hooks.invalid/caseflow",
            eventTypes: ["TICKET_CREATED", "TICKET_STATUS_CHANGED", "COMMENT_ADDED", "TICKET_ASSIGNED"],
            teamIds: [team.gid],
            description: text("CreateWebhookEndpointInput.description"),
          },
        });
        await ok("updateWebhookEndpoint", {
          input: { id: endpoint.endpoint.id, description: text("UpdateWebhookEndpointInput.description") },
        });
        ARGUMENTS["Query.webhookDeliveries"] = `(endpointId: ${JSON.stringify(endpoint.endpoint.id)}, first: 100)`;

        // People, teams, tokens.
        await ok("createApiToken", { input: { name: text("CreateApiTokenInput.name"), scopes: ["tickets:read"], teamIds: [team.gid] } });
        await refused("createTeam", { input: { name: compact("CreateTeamInput.name") } }, "input.name");
        await ok("createTeam", { input: { name: `Team ${letters()}`, description: text("CreateTeamInput.description") } });
        const user = await ok("createUser", {
          input: {
            email: `${randomUUID()}@example.com`,
            name: text("CreateUserInput.name"),
            password: PASSWORD,
            role: "AGENT",
            teamIds: [team.gid],
          },
        });
        await ok("updateUser", { input: { id: user.user.id, name: text("UpdateUserInput.name") } });
        await refused(
          "updateWorkProfile",
          { input: { skills: [{ skill: compact("SkillInput.skill"), level: 5 }] } },
          "input.skills.0.skill",
        );

        // A case, with every text of its creation and then of an update.
        const accountId = `ACC-${letters()}`;
        const ticketBase = { accountId, channel: "EMAIL", type: "INQUIRY", priority: "HIGH", teamId: team.gid };
        await refused(
          "createTicket",
          { input: { ...ticketBase, title: `${accountId} tags`, tags: [compact("CreateTicketInput.tags")] } },
          "input.tags.0",
        );
        const created = await ok("createTicket", {
          input: {
            ...ticketBase,
            title: `${accountId} ${text("CreateTicketInput.title")}`,
            description: text("CreateTicketInput.description"),
            details: text("CreateTicketInput.details"),
            externalRef: text("CreateTicketInput.externalRef"),
            subcategory: compact("CreateTicketInput.subcategory"),
            requester: { name: text("RequesterInput.name"), contact: "13812345678" },
            attachments: [
              {
                name: text("AttachmentInput.name"),
                kind: text("AttachmentInput.kind"),
                size: 10,
                url: `https://files.example/${(written.add("AttachmentInput.url"), next(s.compact))}`,
              },
            ],
          },
        });
        const ticketId: string = created.ticket.id;
        let version: number = created.ticket.version;
        const moved = async (input: Record<string, unknown>) => {
          const payload = await ok("transitionTicket", { input: { id: ticketId, expectedVersion: version, ...input } });
          version = payload.ticket.version;
          return payload;
        };
        const updated = await ok("updateTicket", {
          input: {
            id: ticketId,
            expectedVersion: version,
            title: `${accountId} ${text("UpdateTicketInput.title")}`,
            description: text("UpdateTicketInput.description"),
            details: text("UpdateTicketInput.details"),
            externalRef: text("UpdateTicketInput.externalRef"),
            subcategory: compact("UpdateTicketInput.subcategory"),
          },
        });
        version = updated.ticket.version;
        await refused("addTags", { input: { ticketId, tags: [compact("TicketTagsInput.tags")] } }, "input.tags.0");

        // A number cut in two across two fields of one write: title and description, an incident's title and summary, a macro's name and description.
        await ok("createTicket", {
          input: { ...ticketBase, title: `${accountId} refund ${s.head}`, description: `${s.tail} was charged` },
        });
        // And across two writes of one case: the description first, then a title that ends where it begins.
        const later = await ok("createTicket", {
          input: { ...ticketBase, title: `${accountId} later`, description: `${s.tail} was charged` },
        });
        await ok("updateTicket", { input: { id: later.ticket.id, title: `${accountId} refund ${s.head}` } });
        await ok("declareIncident", {
          input: { title: `card ${s.head}`, summary: `${s.tail} was charged`, severity: 1, teamIds: [team.gid] },
        });
        await ok("saveMacro", {
          input: { name: `card ${s.head}`, description: `${s.tail} was charged`, visibility: "PERSONAL", actions: { priority: "LOW" } },
        });

        // Through the workflow: a breach, its reason, the team's answer, the customer's reply, escalation, a swarm.
        const assigned = await ok("assignTicket", { input: { id: ticketId, assigneeId: admin.gid, expectedVersion: version } });
        version = assigned.ticket.version;
        await moved({ to: "NOT_STARTED" });
        app.clock.advance(3600); // past the 30 minutes of a HIGH first response
        await app.slaMonitor!.tick();
        await moved({ to: "TEAM_CHECKING", breachReason: text("TransitionTicketInput.breachReason") });
        const comment = await ok("addComment", { input: { ticketId, body: text("AddCommentInput.body"), visibility: "PUBLIC" } });
        await ok("react", { input: { commentId: comment.comment.id, emoji: "👀" } });
        // A reply held for review, sent back with a reason; another approved.
        const held = await ok("addComment", { input: { ticketId, body: "Dear customer", visibility: "PUBLIC" } }, trainee.token);
        await ok("rejectReply", { input: { commentId: held.comment.id, reason: text("RejectReplyInput.reason") } });
        const again = await ok("addComment", { input: { ticketId, body: "Dear customer, again", visibility: "PUBLIC" } }, trainee.token);
        await ok("approveReply", { input: { commentId: again.comment.id } });
        const escalated = await ok("escalateTicket", { input: { id: ticketId, tierLevel: 3, reason: text("EscalateTicketInput.reason") } });
        version = escalated.ticket.version;
        await refused("startSwarm", { input: { ticketId, reason: "help", skills: [compact("StartSwarmInput.skills")] } }, "input.skills.0");
        const swarm = await ok("startSwarm", { input: { ticketId, reason: text("StartSwarmInput.reason"), skills: ["payments"] } });
        await ok("postSwarmMessage", { input: { swarmId: swarm.swarm.id, body: text("PostSwarmMessageInput.body") } });
        await ok("closeSwarm", { input: { swarmId: swarm.swarm.id, summary: text("CloseSwarmInput.summary") } });
        version = (await read(`query($id: ID!) { ticket(id: $id) { version } }`, { id: ticketId })).data.ticket.version;
        await moved({ to: "INFORM_CUSTOMER", note: text("TransitionTicketInput.note") });
        await ok("recordCustomerReply", { input: { ticketId, body: text("RecordCustomerReplyInput.body") } });
        version = (await read(`query($id: ID!) { ticket(id: $id) { version } }`, { id: ticketId })).data.ticket.version;
        await moved({ to: "TEAM_CHECKING" });
        await moved({ to: "INFORM_CUSTOMER", note: "the answer" });
        const done = await moved({ to: "DONE", resolution: text("TransitionTicketInput.resolution") });
        await ok(
          "submitSurvey",
          { input: { token: done.surveyToken, rating: "UNSATISFIED", comment: text("SubmitSurveyInput.comment") } },
          null,
        );

        // A macro, saved and applied to a second case.
        await refused(
          "saveMacro",
          { input: { name: "tags", visibility: "PERSONAL", actions: { addTags: [compact("MacroActionsInput.addTags")] } } },
          "input.actions.addTags.0",
        );
        await refused(
          "saveMacro",
          { input: { name: "tags", visibility: "PERSONAL", actions: { removeTags: [compact("MacroActionsInput.removeTags")] } } },
          "input.actions.removeTags.0",
        );
        const macro = await ok("saveMacro", {
          input: {
            name: text("SaveMacroInput.name"),
            description: text("SaveMacroInput.description"),
            visibility: "PERSONAL",
            actions: {
              comment: { template: `For {{ticket.number}}: ${text("MacroCommentInput.template")}`, visibility: "INTERNAL" },
              status: "DONE",
              resolution: text("MacroActionsInput.resolution"),
            },
          },
        });
        // Text rendered from a template is read as a whole: a title ending with a number's head, a template going on with its tail.
        const render = await ok("saveMacro", {
          input: {
            name: "render",
            visibility: "PERSONAL",
            actions: { comment: { template: `{{ticket.title}}${s.tail} was charged`, visibility: "PUBLIC" } },
          },
        });
        const rendered = await ok("createTicket", { input: { ...ticketBase, title: `${accountId} refund ${s.head}` } });
        await ok("applyMacro", { input: { ticketId: rendered.ticket.id, macroId: render.macro.id } });
        const second = await ok("createTicket", {
          input: {
            ...ticketBase,
            title: `${accountId} second`,
            description: "d",
            details: "d",
            externalRef: "r",
            requester: { name: "n" },
          },
        });
        let secondVersion: number = second.ticket.version;
        for (const to of ["NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER"]) {
          secondVersion = (
            await ok("transitionTicket", { input: { id: second.ticket.id, to, note: "the answer", expectedVersion: secondVersion } })
          ).ticket.version;
        }
        await ok("applyMacro", { input: { ticketId: second.ticket.id, macroId: macro.macro.id, expectedVersion: secondVersion } });

        // An incident.
        const incident = await ok("declareIncident", {
          input: {
            title: text("DeclareIncidentInput.title"),
            summary: text("DeclareIncidentInput.summary"),
            severity: 3,
            teamIds: [team.gid],
          },
        });
        await ok("linkTicketToIncident", { input: { incidentId: incident.incident.id, ticketId: second.ticket.id } });
        await ok("postIncidentUpdate", { input: { incidentId: incident.incident.id, body: text("PostIncidentUpdateInput.body") } });
        await ok("resolveIncident", { input: { incidentId: incident.incident.id, summary: text("ResolveIncidentInput.summary") } });

        // Formats a number does not pass: refused, and the refusal does not echo it.
        const formatted = (input: string) => (written.add(input), next(s.compact));
        await refused("updateWorkProfile", { input: { timeZone: formatted("UpdateWorkProfileInput.timeZone") } }, "input.timeZone");
        const week = (start: string, end: string) => ({ name: "week", timeZone: "UTC", weeklyHours: [{ day: 1, start, end }] });
        await refused(
          "upsertBusinessCalendar",
          { input: { ...week("09:00", "17:00"), timeZone: formatted("UpsertBusinessCalendarInput.timeZone") } },
          "input.timeZone",
        );
        await refused(
          "upsertBusinessCalendar",
          { input: { ...week("09:00", "17:00"), holidays: [formatted("UpsertBusinessCalendarInput.holidays")] } },
          "input.holidays.0",
        );
        await refused(
          "upsertBusinessCalendar",
          { input: week(formatted("OpeningWindowInput.start"), "17:00") },
          "input.weeklyHours.0.start",
        );
        await refused("upsertBusinessCalendar", { input: week("09:00", formatted("OpeningWindowInput.end")) }, "input.weeklyHours.0.end");
        await refused("createApiToken", { input: { name: "bot", scopes: [formatted("CreateApiTokenInput.scopes")] } }, "input.scopes");
        await refused("react", { input: { commentId: comment.comment.id, emoji: formatted("ReactInput.emoji") } }, "input.emoji");
        // A failed login is logged without its password.
        const login = await call("login", { input: { email: `${letters()}@example.com`, password: `${next(s.spaced)} pass` } }, null);
        expect(login.__typename).toBe("InvalidCredentialsError");

        // Lookups: read, never stored, and never echoed.
        const lookup = (input: string) => (written.add(input), next(s.spaced));
        await read(`query($f: TicketFilter) { tickets(first: 5, filter: $f) { totalCount } }`, {
          f: { search: lookup("TicketFilter.search") },
        });
        await read(`query($f: TicketFilter) { tickets(first: 5, filter: $f) { totalCount } }`, { f: { tag: lookup("TicketFilter.tag") } });
        await read(`query($p: String) { tags(first: 5, prefix: $p) { totalCount } }`, { p: lookup("Query.tags(prefix)") });
        await read(`query($s: String) { users(first: 5, search: $s) { totalCount } }`, { s: lookup("Query.users(search)") });
        await read(`query($n: String!) { ticketByNumber(number: $n) { id } }`, { n: lookup("Query.ticketByNumber(number)") });
        await read(`query($t: ID!, $s: [String!]) { expertFinder(ticketId: $t, skills: $s) { score } }`, {
          t: ticketId,
          s: [lookup("Query.expertFinder(skills)")],
        });
        const resume = await subscribeWs(liveClient, `subscription($a: String) { ticketEvents(after: $a) { cursor } }`, {
          a: lookup("Subscription.ticketEvents(after)"),
        });
        resume.stop();
        readable.push(...strings([resume.received, resume.errors.map(String), resume.errors], "ticketEvents(after)"));

        // Sentinels: the last event of each live stream; once they arrive, so has everything before them.
        const sentinel = `sentinel ${letters()}`;
        await ok("addComment", { input: { ticketId: second.ticket.id, body: sentinel } });
        const last = await ok("declareIncident", { input: { title: sentinel, severity: 4, teamIds: [team.gid] } });
        await ok("postIncidentUpdate", { input: { incidentId: last.incident.id, body: sentinel } });
        const arrived = (value: unknown) => JSON.stringify(value).includes(sentinel);
        await live.ticketEvents!.waitForMatching(arrived, 1);
        await live.alerts!.waitForMatching(arrived, 1);
        await live.incidentEvents!.waitForMatching(arrived, 1);
        expect(live.liveMetrics!.received.length, JSON.stringify(live.liveMetrics!.errors)).toBeGreaterThan(0);
        for (const [name, stream] of Object.entries(live))
          readable.push(...strings(stream.received, `live ${name}`), ...strings(stream.errors, `live ${name} errors`));

        // Everything a client can read: every field of every type, the timeline among them.
        const everything = await read(everythingQuery(app.clock.now(), ticketId), {}, "Everything");
        expect(everything.errors, JSON.stringify(everything.errors)).toBeUndefined();
        expect(JSON.stringify(everything.data)).toContain("[REDACTED");

        // The CSV export.
        const csv = await app.yoga.fetch("http://caseflow.test/export/tickets.csv", {
          headers: { authorization: `Bearer ${admin.token}` },
        });
        expect(csv.status).toBe(200);
        const [header, ...rows] = csvRows(await csv.text());
        for (const [i, row] of rows.entries()) {
          readable.push(...strings(Object.fromEntries(header!.map((name, j) => [name, row[j] ?? ""])), `csv row ${i}`));
        }

        // The log.
        readable.push(...logLines.map((line, i): [string, string] => [`log line ${i}`, line]));

        expect(leaks(readable, needles)).toEqual([]);
      }),
      { numRuns: 3, endOnFailure: true },
    );

    expect([...written].sort()).toEqual(mustBeWritten);
  }, 300_000);
});
