// `npm run bench:write-stress`: concurrent writes on a few cases while the SLA monitor
// breaches and escalates them, on PostgreSQL (DATABASE_URL names a server; a database
// caseflow_stress_* is created there and dropped). Counts each answer by kind: a write that
// loses a race must answer VERSION_CONFLICT or INVALID_TRANSITION, never INTERNAL.
//   --seconds N (default 30)  --writers N (default 10)  --cases N (default 20)
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { encodeGlobalID } from "@pothos/plugin-relay";
import pg from "pg";
import pino from "pino";
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import { AdjustableClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server.js";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    writers: { type: "string", default: "10" },
    cases: { type: "string", default: "20" },
  },
});
const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const name = `caseflow_stress_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;

const clock = new AdjustableClock();
let internal = 0;
const app = await createApp(
  loadConfig({
    DATABASE_URL: url.toString(),
    LOG_LEVEL: "silent",
    WEBHOOK_DISPATCHER: "false",
    SLA_MONITOR_INTERVAL_MS: "50",
    RATE_LIMIT_PER_MINUTE: "1000000",
    CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  }),
  { clock, logger: pino({ level: "silent" }) },
);
const prisma = app.db.prisma;
const team = await prisma.team.create({ data: { name: "Stress" } });
const user = await prisma.user.create({
  data: { email: "stress@example.com", name: "Stress", role: "MANAGER", passwordHash: "x", memberships: { create: { teamId: team.id } } },
});
const token = newBearerToken("session");
await prisma.session.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000 * 30) } });

async function gql(query: string, variables: Record<string, unknown>) {
  const response = await app.yoga.fetch("http://caseflow.stress/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data: any; errors?: { extensions?: { code?: string } }[] };
}

const CREATE = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { ... on CreateTicketPayload { ticket { id } } } }`;
const READ = `query($id: ID!) { node(id: $id) { ... on Ticket { version availableTransitions priority } } }`;
const MOVE = `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename ... on ValidationError { field } } }`;
const UPDATE = `mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { __typename ... on ValidationError { field } } }`;
const newCase = async (n: number) =>
  (
    await gql(CREATE, {
      i: {
        title: `STRESS-${n}`,
        accountId: `STRESS-${n}`,
        externalRef: `s${n}`,
        channel: "API",
        type: "INQUIRY",
        priority: "HIGH",
        teamId: encodeGlobalID("Team", team.id),
        description: "d",
        details: "d",
      },
    })
  ).data.createTicket.ticket.id as string;

const cases: string[] = [];
for (let n = 0; n < Number(opts.cases); n++) cases.push(await newCase(n));
const answers = new Map<string, number>();
const count = (kind: string) => answers.set(kind, (answers.get(kind) ?? 0) + 1);
const end = Date.now() + Number(opts.seconds) * 1000;
let created = cases.length;

async function writer() {
  while (Date.now() < end) {
    // Now and then a fresh HIGH case replaces one, so resolution targets keep breaching and escalating.
    if (Math.random() < 0.05) cases[Math.floor(Math.random() * cases.length)] = await newCase(created++);
    const id = cases[Math.floor(Math.random() * cases.length)]!;
    const read = await gql(READ, { id });
    const ticket = read.data?.node;
    if (!ticket) continue;
    const result =
      Math.random() < 0.5 && ticket.availableTransitions.length
        ? await gql(MOVE, {
            i: {
              id,
              to: ticket.availableTransitions[Math.floor(Math.random() * ticket.availableTransitions.length)],
              note: "stress",
              breachReason: "stress run",
              resolution: "stress run",
            },
          })
        : await gql(UPDATE, { i: { id, priority: ticket.priority === "HIGH" ? "MEDIUM" : "HIGH" } });
    const payload = result.data?.transitionTicket ?? result.data?.updateTicket;
    const kind = payload
      ? `${payload.__typename}${payload.field ? ` (${payload.field})` : ""}`
      : (result.errors?.[0]?.extensions?.code ?? "no answer");
    if (kind === "INTERNAL_SERVER_ERROR") internal++;
    count(kind);
  }
}
// The monitor's clock runs an hour ahead every 100 ms of real time: targets breach all along.
const ahead = setInterval(() => clock.advance(3600), 100);
const cpu = process.cpuUsage();
await Promise.all(Array.from({ length: Number(opts.writers) }, writer));
clearInterval(ahead);
const used = process.cpuUsage(cpu);
const escalations = await prisma.ticketEvent.count({ where: { type: "ESCALATED" } });
const breaches = await prisma.ticketEvent.count({ where: { type: "SLA_BREACHED" } });
await app.stop();
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
await admin.end();
console.log(
  JSON.stringify({
    seconds: Number(opts.seconds),
    writers: Number(opts.writers),
    answers: Object.fromEntries([...answers].sort()),
    internal,
    breaches,
    escalations,
    nodeCpuSeconds: ((used.user + used.system) / 1e6).toFixed(1),
  }),
);
