// Thousands of random and malformed requests, generated from the schema: every mutation
// with inputs of the wrong type, huge, empty, unicode, null or nested too deep, plus raw
// garbage documents and bodies. Whatever arrives: no 5xx, no crash, no internals in the
// answer, and a refused request leaves the database as it was.
import { type GraphQLInputType, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, seedApiToken, seedTeam, seedUser } from "./helpers/seed.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 2000);

/** mulberry32: a small seeded generator, so a failure can be replayed with FUZZ_SEED. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "x".repeat(100_000),
  "🚨".repeat(5000),
  "‮rtl‬ override",
  "zero\u200bwidth",
  '\'; DROP TABLE "Ticket"; --',
  "{{ticket.number}}{{nope}}",
  "<script>alert(1)</script>",
  "110101199003077777 card 4111 1111 1111 1111",
  "UGVyc29uYTo5OTk=",
  "VGlja2V0OjEyMw==",
  "\\u0000\\n\\t",
  "NaN",
  "-1",
  "1e309",
];
const NASTY_VALUES: unknown[] = [null, true, false, 0, -1, 2 ** 31, 2 ** 53, -0.5, 1e308, [], {}, [[[[[]]]]], { a: { b: { c: {} } } }];

let knownIds: string[] = [];

/** A value for an input type: usually of the right shape, often wrong, sometimes absurd. */
function valueFor(type: GraphQLInputType, depth = 0): unknown {
  const roll = rand();
  if (roll < 0.08) return pick(NASTY_VALUES);
  if (roll < 0.16) return pick(NASTY_STRINGS);
  if (isNonNullType(type)) return valueFor(type.ofType, depth);
  if (rand() < 0.05) return null;
  if (isListType(type)) {
    const length = rand() < 0.05 ? 200 : Math.floor(rand() * 4);
    return Array.from({ length }, () => valueFor(type.ofType, depth + 1));
  }
  if (isEnumType(type)) return rand() < 0.9 ? pick(type.getValues()).name : "NOT_A_VALUE";
  if (isInputObjectType(type)) {
    if (depth > 6) return {};
    const fields = Object.values(type.getFields());
    return Object.fromEntries(fields.filter(() => rand() < 0.8).map((f) => [f.name, valueFor(f.type, depth + 1)]));
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case "ID":
        return rand() < 0.7 && knownIds.length ? pick(knownIds) : pick(NASTY_STRINGS);
      case "Int":
        return pick([0, 1, 3, -5, 100, 101, 2 ** 31, 4, 10]);
      case "Float":
        return rand() * 100;
      case "Boolean":
        return rand() < 0.5;
      case "DateTime":
        return pick(["2026-11-23T00:00:00Z", "yesterday", "2026-13-45T99:00:00Z", "0000-00-00"]);
      case "JSON":
        return pick(NASTY_VALUES);
      default:
        return rand() < 0.5 ? pick(["WX-20231025-001", "ACC-1 refund", "payments", "refund"]) : pick(NASTY_STRINGS);
    }
  }
  return null;
}

const mutations = Object.values(schema.getMutationType()!.getFields());
const queries = Object.values(schema.getQueryType()!.getFields());

function randomOperation(): { query: string; variables: Record<string, unknown> } {
  const kind = rand();
  if (kind < 0.12) {
    return {
      query: pick([
        "{",
        "}",
        "{ health",
        "query { tickets(first: ) }",
        "mutation { createTicket }",
        "{ a".repeat(300),
        "🚨",
        "{ __typename @skip }",
        "fragment F on Ticket { ...F } { ...F }",
        "\u0000{ health }",
      ]),
      variables: {},
    };
  }
  const field = kind < 0.85 ? pick(mutations) : pick(queries);
  const isMutation = mutations.includes(field);
  const args = field.args;
  const declared = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(", ");
  const passed = args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const named = getNamedType(field.type);
  const selection = "getTypes" in named || isMutation ? "{ __typename }" : "getFields" in named ? "{ __typename }" : "";
  const query = `${isMutation ? "mutation" : "query"}${declared ? `(${declared})` : ""} { ${field.name}${passed ? `(${passed})` : ""} ${selection} }`;
  const variables = Object.fromEntries(args.filter(() => rand() < 0.95).map((a) => [a.name, valueFor(a.type)]));
  return { query, variables };
}

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
/** Credentials by kind; a fuzzed sign-out, deactivation or revocation gets a fresh one. */
const credentials = new Map<string, string>();
const fresh: Record<string, () => Promise<string>> = {
  agent: async () => (await seedUser(app, "AGENT", [team.id])).token,
  admin: async () => (await seedUser(app, "ADMIN")).token,
  bot: async () => (await seedApiToken(app, ["tickets:write"])).token,
};

beforeAll(async () => {
  app = await createTestApp({ slaMonitor: false });
  team = await seedTeam(app);
  const agent = await seedUser(app, "AGENT", [team.id]);
  const admin = await seedUser(app, "ADMIN");
  const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
  knownIds = [team.gid, agent.gid, admin.gid, ticket.id];
  credentials.set("agent", agent.token);
  credentials.set("admin", admin.token);
  credentials.set("bot", await fresh.bot!());
});
afterAll(() => app.close());

/** Everything a refused request could have touched, in one statement. */
async function fingerprint(): Promise<string> {
  const rows = await app.db.prisma.$queryRaw<Record<string, unknown>[]>`
    SELECT (SELECT count(*) FROM "Ticket") AS tickets, (SELECT coalesce(sum("version"), 0) FROM "Ticket") AS versions,
           (SELECT count(*) FROM "Comment") AS comments, (SELECT count(*) FROM "TicketEvent") AS events,
           (SELECT count(*) FROM "TicketTag") AS tags, (SELECT count(*) FROM "User") AS users,
           (SELECT count(*) FROM "Team") AS teams, (SELECT count(*) FROM "Macro") AS macros,
           (SELECT count(*) FROM "RoutingRule") AS rules, (SELECT count(*) FROM "Incident") AS incidents,
           (SELECT count(*) FROM "Swarm") AS swarms, (SELECT count(*) FROM "ApiToken") AS tokens,
           (SELECT count(*) FROM "SlaPolicy") AS policies, (SELECT count(*) FROM "Survey") AS surveys`;
  return JSON.stringify(rows[0], (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** What must never reach a client: stack frames, SQL engine words, driver errors, paths. */
const LEAKS =
  /\bat (?:async )?[\w.<>]+ \(|\.ts:\d+|node_modules|Invalid `prisma|PrismaClient|syntax error at or near|duplicate key value|violates (?:foreign key|not-null|check) constraint|relation "\w+"|ECONNREFUSED|\bstack\b/i;

const isRefusal = (body: any) =>
  Boolean(body?.errors?.length) ||
  Object.values(body?.data ?? {}).some((v: any) => v === null || (typeof v?.__typename === "string" && /Error$/.test(v.__typename)));

describe(`fuzzing (${ROUNDS} requests, seed ${SEED})`, () => {
  it("never answers 5xx, never leaks internals, and a refused request changes nothing", async () => {
    let refused = 0;
    // The database as the last request left it: after a refused request, the fingerprint
    // taken to prove it changed nothing is also the next request's "before" (one statement
    // per round instead of two); anything else that may have written takes a new one.
    let before: string | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const kind = pick(["agent", "admin", "bot", "anonymous"]);
      const token = credentials.get(kind);
      const malformedBody = rand() < 0.04;
      const { query, variables } = randomOperation();
      before ??= await fingerprint();
      const response = await app.yoga.fetch("http://caseflow.test/graphql", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: pick(["application/graphql-response+json", "application/json", "*/*"]),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: malformedBody
          ? pick(['{"query": ', "[1,2,", "null", '{"query": 5}', '{"variables": "x"}', "\u0000"])
          : JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      const context = `round ${round} (FUZZ_SEED=${SEED}): ${query.slice(0, 200)} ${JSON.stringify(variables).slice(0, 300)} → ${response.status} ${text.slice(0, 500)}`;
      expect(response.status, context).toBeLessThan(500);
      expect(text, context).not.toMatch(LEAKS);
      const body = text ? JSON.parse(text) : null;
      expect(JSON.stringify(body?.errors ?? []), context).not.toContain("Unexpected error.");
      if (isRefusal(body)) {
        refused++;
        expect(await fingerprint(), context).toBe(before);
      } else {
        before = undefined;
      }
      if (response.status === 401 && token) {
        credentials.set(kind, await fresh[kind]!());
        before = undefined;
      }
    }
    // The generator is meant to be mostly wrong; if almost nothing was refused it is not fuzzing.
    expect(refused).toBeGreaterThan(ROUNDS * 0.8);
  }, 600_000);
});
