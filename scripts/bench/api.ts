// `npm run bench:api`: the API next to its raw-SQL ceiling, side by side in one run, on
// the PostgreSQL database DATABASE_URL names (seed it with `npm run seed:demo -- --cases 100000`).
//  1. Case list: tickets(first: 50) with team, assignee, tags, last 3 comments and SLA
//     state at concurrency 32, against an endpoint that answers the same JSON with one
//     hand-written SQL statement over a pool of the same size.
//  2. Status transitions (audit event and live publish included) at concurrency 16,
//     against the same transaction written in raw SQL.
// Load comes from this process over HTTP; both sides pay the same client overhead.
import { randomBytes, randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { Session } from "node:inspector/promises";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { hashToken } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server.js";
import { benchManager } from "./manager.js";

if (!process.env.DATABASE_URL) throw new Error("set DATABASE_URL to a seeded PostgreSQL database");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const statements: string[] = [];
const config = loadConfig({
  ...process.env,
  LOG_LEVEL: "silent",
  SLA_MONITOR: "false",
  RATE_LIMIT_PER_MINUTE: "1000000",
  CASEFLOW_ENCRYPTION_KEY: process.env.CASEFLOW_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
});
const app = await createApp(config, { logger: pino({ level: "silent" }), onQuery: (sql) => statements.push(sql) });
const { port } = await app.start(0);
const prisma = app.db.prisma;
const cases = await prisma.ticket.count();
const { token, ...manager } = await benchManager(prisma);

// ─── the raw ceiling ────────────────────────────────────────────────────────
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: config.database.kind === "postgres" ? config.database.poolSize : 10,
});
const LIST_SQL = `
  SELECT coalesce(json_agg(row_to_json(x)), '[]') AS tickets FROM (
    SELECT t.id, t.number, t.title, t.status, t.priority,
      (SELECT json_build_object('name', tm.name) FROM "Team" tm WHERE tm.id = t."teamId") AS team,
      (SELECT json_build_object('name', u.name) FROM "User" u WHERE u.id = t."assigneeId") AS assignee,
      (SELECT coalesce(json_agg(g.name ORDER BY g.name), '[]') FROM "TicketTag" tt JOIN "Tag" g ON g.id = tt."tagId" WHERE tt."ticketId" = t.id) AS tags,
      (SELECT coalesce(json_agg(c ORDER BY c."createdAt"), '[]') FROM (
        SELECT id, body, "createdAt" FROM "Comment" WHERE "ticketId" = t.id ORDER BY "createdAt" DESC, id DESC LIMIT 3) c) AS comments,
      (SELECT coalesce(json_agg(s), '[]') FROM (
        SELECT DISTINCT ON (kind) kind, "dueAt", "metAt", "breachedAt", "pausedAt" FROM "SlaTarget" WHERE "ticketId" = t.id ORDER BY kind, cycle DESC) s) AS sla
    FROM "Ticket" t ORDER BY t."createdAt" DESC, t.id DESC LIMIT 50) x`;

/** The same transition in raw SQL: lock, check version, update, SLA, audit row, then publish. */
async function rawTransition(ticketId: string, to: string) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query(`SELECT id, version, status FROM "Ticket" WHERE id = $1 FOR UPDATE`, [ticketId]);
    const ticket = rows[0];
    await client.query(
      `UPDATE "Ticket" SET status = $2::"TicketStatus", version = version + 1, "updatedAt" = now() WHERE id = $1 AND version = $3`,
      [ticketId, to, ticket.version],
    );
    await client.query(`UPDATE "SlaTarget" SET "nextCheckAt" = "nextCheckAt" WHERE "ticketId" = $1 AND "metAt" IS NULL`, [ticketId]);
    const event = await client.query(
      `INSERT INTO "TicketEvent" ("ticketId", type, "actorKind", "actorUserId", before, after, at) VALUES ($1, 'STATUS_CHANGED', 'USER', $2, $3, $4, now()) RETURNING seq`,
      [ticketId, manager.id, JSON.stringify({ status: ticket.status }), JSON.stringify({ status: to })],
    );
    await client.query("COMMIT");
    // The commit gave the event its position (migration ticket_event_position).
    const {
      rows: [committed],
    } = await client.query(`SELECT position FROM "TicketEvent" WHERE seq = $1`, [event.rows[0].seq]);
    app.realtime.pubsub.publish("ticket-event", {
      seq: String(event.rows[0].seq),
      position: String(committed.position),
      ticketId,
      type: "STATUS_CHANGED",
      facts: { teamId: null, assigneeId: null, submittedById: null, status: to as never, priority: "LOW" },
      comment: null,
    });
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

const raw = createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  const hash = hashToken((req.headers.authorization ?? "").replace(/^Bearer /, ""));
  const session = await pool.query(
    `SELECT s.id FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE s."tokenHash" = $1 AND s."revokedAt" IS NULL AND u.active`,
    [hash],
  );
  if (!session.rowCount) return void res.writeHead(401).end();
  if (req.url === "/list") {
    const { rows } = await pool.query(LIST_SQL);
    res.writeHead(200, { "content-type": "application/json" }).end(`{"data":{"tickets":${JSON.stringify(rows[0].tickets)}}}`);
  } else {
    const { id, to } = JSON.parse(body);
    await rawTransition(id, to);
    res.writeHead(200, { "content-type": "application/json" }).end(`{"ok":true}`);
  }
});
await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
const rawPort = (raw.address() as { port: number }).port;

// ─── load ───────────────────────────────────────────────────────────────────
interface Result {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** BENCH_CPU_PROFILE=<folder> writes a .cpuprofile of each GraphQL run (server and load generator). */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  const folder = process.env.BENCH_CPU_PROFILE;
  if (!folder) return run();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await run();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(path.join(folder, `api-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

async function load(concurrency: number, request: (worker: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        const started = performance.now();
        await request(worker);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { count: latencies.length, perSecond: latencies.length / SECONDS, p50: at(0.5), p99: at(0.99) };
}

const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
const LIST_QUERY = `{ tickets(first: 50) { edges { node { id number title status priority team { name } assignee { name } tags
  comments(last: 3) { edges { node { id body createdAt } } } sla { targets { kind state dueAt } } } } } }`;

async function post(url: string, body: unknown) {
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok || text.includes('"errors"')) throw new Error(`${response.status} ${text.slice(0, 300)}`);
  return text;
}

const graphqlUrl = `http://127.0.0.1:${port}/graphql`;
await post(graphqlUrl, { query: LIST_QUERY }); // warm up
statements.length = 0;
await post(graphqlUrl, { query: LIST_QUERY });
const listStatements = statements.length;

const lines: string[] = [];
const fmt = (r: Result) => `${r.perSecond.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;

const listApi = await profiled("list", () => load(32, () => post(graphqlUrl, { query: LIST_QUERY }).then(() => {})));
const listRaw = await load(32, () => post(`http://127.0.0.1:${rawPort}/list`, {}).then(() => {}));
lines.push(`case list, ${cases.toLocaleString("en")} cases, concurrency 32, ${SECONDS} s each:`);
lines.push(`  GraphQL: ${fmt(listApi)}; ${listStatements} SQL statements per request`);
lines.push(`  raw SQL: ${fmt(listRaw)}; 2 statements per request`);
lines.push(`  GraphQL throughput = ${((100 * listApi.perSecond) / listRaw.perSecond).toFixed(0)} % of the raw ceiling (goal ≥ 50 %)`);

if (process.env.BENCH_ONLY === "list") {
  console.log(lines.join("\n"));
  process.exit(0);
}
// Transitions: each worker cycles its own case NOT_STARTED → TEAM_CHECKING → INFORM_CUSTOMER → NOT_STARTED.
const team = await prisma.team.upsert({ where: { name: "Bench-Transitions" }, create: { name: "Bench-Transitions" }, update: {} });
await prisma.teamMember.upsert({
  where: { teamId_userId: { teamId: team.id, userId: manager.id } },
  create: { teamId: team.id, userId: manager.id },
  update: {},
});
async function newCase(): Promise<string> {
  const text = await post(graphqlUrl, {
    query: `mutation($i: CreateTicketInput!) { createTicket(input: $i) { ... on CreateTicketPayload { ticket { id } } } }`,
    variables: {
      i: {
        title: "BENCH-1 transition",
        accountId: "BENCH-1",
        externalRef: randomUUID(),
        channel: "API",
        type: "INQUIRY",
        priority: "LOW",
        teamId: Buffer.from(`Team:${team.id}`).toString("base64"),
        description: "d",
        details: "d",
      },
    },
  });
  const id: string = JSON.parse(text).data.createTicket.ticket.id;
  await post(graphqlUrl, {
    query: `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename } }`,
    variables: { i: { id, to: "NOT_STARTED" } },
  });
  return id;
}
const CYCLE = [
  { to: "TEAM_CHECKING" },
  { to: "INFORM_CUSTOMER", note: "Refund sent" },
  { to: "NOT_STARTED", note: "Customer: not received" },
] as const;
const apiCases = await Promise.all(Array.from({ length: 16 }, newCase));
const apiStep = new Array(16).fill(0);
const MOVE = `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename ... on Error { message } } }`;
const moveApi = await profiled("transitions", () =>
  load(16, async (w) => {
    const step = CYCLE[apiStep[w]++ % 3]!;
    const text = await post(graphqlUrl, { query: MOVE, variables: { i: { id: apiCases[w], ...step } } });
    if (!text.includes("TransitionTicketPayload")) throw new Error(text);
  }),
);
const rawCases = (await Promise.all(Array.from({ length: 16 }, newCase))).map(
  (gid) => Buffer.from(gid, "base64").toString().split(":")[1]!,
);
const rawStep = new Array(16).fill(0);
const moveRaw = await load(16, async (w) => {
  await post(`http://127.0.0.1:${rawPort}/move`, { id: rawCases[w], to: CYCLE[rawStep[w]++ % 3]!.to });
});
lines.push(`status transitions (audit event + publish), concurrency 16, ${SECONDS} s each:`);
lines.push(`  GraphQL: ${fmt(moveApi)} (goal ≥ 1,000/s with p99 < 50 ms)`);
lines.push(`  raw SQL: ${fmt(moveRaw)}`);
lines.push(`  GraphQL throughput = ${((100 * moveApi.perSecond) / moveRaw.perSecond).toFixed(0)} % of the raw transaction`);

console.log(lines.join("\n"));
raw.close();
await pool.end();
await app.stop();
