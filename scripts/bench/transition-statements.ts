// `npm run bench:statements`: the SQL statements one transitionTicket sends, counted through
// Prisma's query events, for the benchmark's three moves (NOT_STARTED → TEAM_CHECKING →
// INFORM_CUSTOMER with a note → NOT_STARTED with the customer's reply). Runs on an in-memory
// PGlite (or DATABASE_URL's PostgreSQL database) with the installation's defaults; prints each
// move's statements and their count. `--print` shows the SQL as well.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { encodeGlobalID } from "@pothos/plugin-relay";
import pino from "pino";
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server.js";

const { values: opts } = parseArgs({ options: { print: { type: "boolean", default: false } } });
const statements: string[] = [];
const config = loadConfig({
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { DATA_DIR: "memory://" }),
  LOG_LEVEL: "silent",
  SLA_MONITOR: "false",
  WEBHOOK_DISPATCHER: "false",
  CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
});
if (config.database.kind === "pglite") config.database = { ...config.database, dataDir: "memory://" };
const app = await createApp(config, { logger: pino({ level: "silent" }), onQuery: (sql) => statements.push(sql) });
const prisma = app.db.prisma;
const team = await prisma.team.create({ data: { name: `Statements-${randomBytes(3).toString("hex")}` } });
const user = await prisma.user.create({
  data: {
    email: `${randomBytes(6).toString("hex")}@example.com`,
    name: "Statements",
    role: "MANAGER",
    passwordHash: "x",
    memberships: { create: { teamId: team.id } },
  },
});
const token = newBearerToken("session");
await prisma.session.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) } });

async function gql(query: string, variables: Record<string, unknown>) {
  const response = await app.yoga.fetch("http://caseflow.bench/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const created = await gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { ... on CreateTicketPayload { ticket { id } } } }`, {
  i: {
    title: "BENCH-1 statements",
    accountId: "BENCH-1",
    externalRef: "bench-statements",
    channel: "API",
    type: "INQUIRY",
    priority: "LOW",
    teamId: encodeGlobalID("Team", team.id),
    description: "d",
    details: "d",
  },
});
const id: string = created.createTicket.ticket.id;
const MOVE = `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename ... on Error { message } } }`;
const steps = [
  { to: "NOT_STARTED" },
  { to: "TEAM_CHECKING" },
  { to: "INFORM_CUSTOMER", note: "Refund sent" },
  { to: "NOT_STARTED", note: "Customer: not received" },
  { to: "TEAM_CHECKING" },
];
for (const step of steps) {
  statements.length = 0;
  const data = await gql(MOVE, { i: { id, ...step } });
  if (data.transitionTicket.__typename !== "TransitionTicketPayload") throw new Error(JSON.stringify(data));
  const kinds = statements.map((sql) => sql.trim().split(/\s+/)[0]!.toUpperCase());
  console.log(`→ ${step.to}${step.note ? " (note)" : ""}: ${statements.length} statements (${kinds.join(" ")})`);
  if (opts.print) for (const sql of statements) console.log(`    ${sql.replace(/\s+/g, " ").slice(0, 400)}`);
}
await app.stop();
