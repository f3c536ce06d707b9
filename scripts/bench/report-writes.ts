// `npx tsx scripts/bench/report-writes.ts [--seconds 20] [--label x]`: what report upkeep costs the writes, on PostgreSQL
// (DATABASE_URL names the server; each run creates and drops its own database).
//   1. PostgreSQL and Node CPU per transition: 150 cases moved NOT_STARTED → TEAM_CHECKING →
//      INFORM_CUSTOMER one after another; PostgreSQL CPU from /proc/<pid>/stat of the
//      database's backends.
//   2. Concurrency stress: 10 writers doing transitions, team, priority and tag changes on
//      30 cases for --seconds while two instances' SLA monitors breach targets that fall
//      due every few seconds; counts deadlocks (pg_stat_database) and INTERNAL answers.
// The same file runs on any checkout that has createApp, so main and a branch can be
// compared in interleaved rounds (copy it into the other checkout).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { encodeGlobalID } from "@pothos/plugin-relay";
import pg from "pg";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server.js";
import { cpuTicks, TICK_MS } from "./cpu.js";
import { benchManager } from "./manager.js";

const { values: opts } = parseArgs({ options: { seconds: { type: "string", default: "20" }, label: { type: "string", default: "" } } });
const base = process.env.DATABASE_URL;
if (!base) throw new Error("DATABASE_URL must name a PostgreSQL server");
const name = `caseflow_rollups_w_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
// A run that fails leaves no database behind.
process.on("uncaughtException", async (error) => {
  console.error(error);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
  process.exit(1);
});
const url = new URL(base);
url.pathname = `/${name}`;

const config = (monitor: boolean) =>
  loadConfig({
    DATABASE_URL: url.toString(),
    LOG_LEVEL: "silent",
    SLA_MONITOR: String(monitor),
    SLA_MONITOR_INTERVAL_MS: "50",
    RATE_LIMIT_PER_MINUTE: "1000000",
    CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  });
const app = await createApp(config(false), { logger: pino({ level: "silent" }) });
const prisma = app.db.prisma;
const teams = [
  await prisma.team.create({ data: { name: `W-A-${randomBytes(3).toString("hex")}` } }),
  await prisma.team.create({ data: { name: `W-B-${randomBytes(3).toString("hex")}` } }),
];
// A manager sees every team's cases.
const { token } = await benchManager(prisma);
const teamGid = (i: number) => encodeGlobalID("Team", teams[i]!.id);

const codes = new Map<string, number>();
async function gql(query: string, variables: Record<string, unknown>) {
  const response = await app.yoga.fetch("http://caseflow.bench/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, { __typename?: string; code?: string; ticket?: { id: string } }>;
    errors?: { extensions?: { code?: string } }[];
  };
  for (const e of body.errors ?? []) codes.set(e.extensions?.code ?? "?", (codes.get(e.extensions?.code ?? "?") ?? 0) + 1);
  for (const v of Object.values(body.data ?? {})) if (v?.code) codes.set(v.code, (codes.get(v.code) ?? 0) + 1);
  if (process.env.BENCH_DEBUG)
    for (const v of Object.values(body.data ?? {})) if (v?.code === "VALIDATION") console.error(JSON.stringify(v));
  return body;
}
const CREATE = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { __typename ... on CreateTicketPayload { ticket { id } } ... on Error { message } } }`;
const MOVE = `mutation($input: TransitionTicketInput!) { transitionTicket(input: $input) { __typename ... on Error { code message } } }`;
const UPDATE = `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { __typename ... on Error { code message } } }`;
const TAG = (m: string) => `mutation($input: TicketTagsInput!) { ${m}(input: $input) { __typename ... on Error { code message } } }`;
let account = 0;
async function createCase(team: number) {
  const body = await gql(CREATE, {
    input: {
      title: `ACC-${++account} bench`,
      accountId: `ACC-${account}`,
      externalRef: `EXT-${account}`,
      description: "bench",
      details: "bench",
      channel: "EMAIL",
      type: "INQUIRY",
      priority: "HIGH",
      teamId: teamGid(team),
      requester: { name: "A", contact: "a@example.com" },
    },
  });
  if (!body.data?.createTicket?.ticket) throw new Error(JSON.stringify(body));
  return body.data.createTicket.ticket.id;
}

const backends = async () =>
  (await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [name])).rows.map((r) => r.pid as number);
const pgTicks = async () => new Map((await backends()).map((pid) => [pid, cpuTicks(pid)]));

// 1. CPU per transition.
const moved: string[] = [];
for (let i = 0; i < 150; i++) moved.push(await createCase(i % 2));
for (const id of moved) await gql(MOVE, { input: { id, to: "NOT_STARTED" } });
const before = await pgTicks();
const node = process.cpuUsage();
let transitions = 0;
for (const to of ["TEAM_CHECKING", "INFORM_CUSTOMER"]) {
  for (const id of moved) {
    const body = await gql(MOVE, { input: { id, to, note: to === "INFORM_CUSTOMER" ? "sent" : undefined } });
    if (body.data?.transitionTicket?.__typename !== "TransitionTicketPayload") throw new Error(JSON.stringify(body));
    transitions++;
  }
}
const nodeCpu = process.cpuUsage(node);
const after = await pgTicks();
let ticks = 0;
for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(
  `${opts.label} transitions: ${transitions}, PostgreSQL CPU ${((ticks * TICK_MS) / transitions).toFixed(2)} ms each, Node CPU ${((nodeCpu.user + nodeCpu.system) / 1000 / transitions).toFixed(2)} ms each (load ${load()})`,
);

// 2. Stress. Targets fall due within seconds, so the monitors breach while the writers write.
await prisma.slaPolicy.updateMany({ data: { firstResponseSeconds: 2, resolutionSeconds: 4, followUpSeconds: 3, warningBeforeSeconds: 1 } });
const hot: string[] = [];
for (let i = 0; i < 30; i++) hot.push(await createCase(i % 2));
codes.clear();
const monitors = [
  await createApp(config(true), { logger: pino({ level: "silent" }) }),
  await createApp(config(true), { logger: pino({ level: "silent" }) }),
];
const deadlocks = async () =>
  Number((await admin.query(`SELECT deadlocks FROM pg_stat_database WHERE datname = $1`, [name])).rows[0].deadlocks);
const deadlocksBefore = await deadlocks();
// Each case's next move, team, priority and tag change are tracked here, so most writes
// are valid ones (writers racing on a case still collide, which is the point).
const CYCLE = ["NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER", "DONE", "NOT_STARTED"] as const;
const state = hot.map(() => ({ step: 0, team: 0, priority: 0, tagged: false }));
const until = Date.now() + Number(opts.seconds) * 1000;
let ops = 0;
let seed = 7;
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (Date.now() < until) {
      const index = random(hot.length);
      const id = hot[index]!;
      const s = state[index]!;
      switch (random(5)) {
        case 0:
        case 1: {
          const to = CYCLE[s.step % CYCLE.length]!;
          s.step = (s.step % (CYCLE.length - 1)) + 1;
          await gql(MOVE, { input: { id, to, resolution: to === "DONE" ? "done" : undefined, breachReason: "stress", note: "n" } });
          break;
        }
        case 2:
          s.team = 1 - s.team;
          await gql(UPDATE, { input: { id, teamId: teamGid(s.team) } });
          break;
        case 3:
          s.priority = (s.priority + 1) % 3;
          await gql(UPDATE, { input: { id, priority: ["HIGH", "MEDIUM", "LOW"][s.priority] } });
          break;
        case 4:
          s.tagged = !s.tagged;
          await gql(TAG(s.tagged ? "addTags" : "removeTags"), { input: { ticketId: id, tags: ["hot"] } });
          break;
      }
      ops++;
    }
  }),
);
for (const m of monitors) await m.stop();
// pg_stat_database is flushed by each backend about once a second.
await app.stop();
await new Promise((resolve) => setTimeout(resolve, 1500));
const dl = (await deadlocks()) - deadlocksBefore;
const c = new pg.Client({ connectionString: url.toString() });
await c.connect();
const breached = (await c.query(`SELECT count(*)::int AS n FROM "SlaTarget" WHERE "breachedAt" IS NOT NULL`)).rows[0].n;
await c.end();
console.log(
  `${opts.label} stress: ${ops} writes in ${opts.seconds} s, ${breached} targets breached, deadlocks ${dl}, answers by code ${JSON.stringify(Object.fromEntries([...codes].sort()))} (load ${load()})`,
);
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
await admin.end();
