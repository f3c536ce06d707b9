// `npm run bench:search`: case search (tickets(filter: { search })) over 1,000,000 cases
// (BENCH_CASES) on the PostgreSQL database DATABASE_URL names; it adds the cases on its
// first run, with titles and descriptions generated from word lists, product codes, order
// numbers and an md5 reference, so a search term can be rare, medium or common. For each
// term: the median latency of the search through the API (yoga.fetch, as an HTTP client
// sends it, one request at a time), and EXPLAIN ANALYZE of the very statement the API sent
// (captured from Prisma's query log with its parameters), to show which index answers it.
import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import pino from "pino";
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server.js";

if (!process.env.DATABASE_URL) throw new Error("set DATABASE_URL to a PostgreSQL database for the benchmark");
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const config = loadConfig({
  ...process.env,
  LOG_LEVEL: "silent",
  SLA_MONITOR: "false",
  WEBHOOK_DISPATCHER: "false",
  RATE_LIMIT_PER_MINUTE: "1000000",
  CASEFLOW_ENCRYPTION_KEY: process.env.CASEFLOW_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
});
// A query log listener: the bench reads the statements (and parameters) the API sends.
const app = await createApp(config, { logger: pino({ level: "silent" }), onQuery: () => {} });
const prisma = app.db.prisma;
let statements: { query: string; params: string; duration: number }[] = [];
prisma.$on("query" as never, (event: { query: string; params: string; duration: number }) => statements.push(event));

const SUBJECTS = [
  "Refund",
  "Chargeback",
  "Card",
  "Transfer",
  "Login",
  "Password",
  "Invoice",
  "Delivery",
  "Subscription",
  "Account",
  "Payout",
  "Limit",
  "Statement",
  "Fee",
  "Verification",
  "Address",
  "Wallet",
  "Coupon",
  "Receipt",
  "Dispute",
];
const ISSUES = [
  "not received",
  "declined",
  "charged twice",
  "blocked",
  "delayed",
  "missing",
  "wrong amount",
  "cannot open",
  "expired",
  "duplicated",
  "stuck in review",
  "returned",
  "cancelled",
  "not applied",
  "locked",
  "reversed",
  "pending too long",
  "incorrect",
  "lost",
  "unexpected",
  "failed",
  "disputed",
  "refused",
  "partially paid",
  "not shown",
];
const sqlArray = (words: string[]) => `ARRAY[${words.map((w) => `'${w}'`).join(", ")}]`;

const existing = await prisma.ticket.count({ where: { number: { startsWith: "BNS-" } } });
if (existing < CASES) {
  const started = Date.now();
  console.log(`adding ${(CASES - existing).toLocaleString("en")} cases…`);
  // Bulk load without the search indexes, then build them as the migration does.
  const migrations = await readdir("prisma/migrations");
  const dir = migrations.find((name) => name.endsWith("_ticket_search_trigram"))!;
  const indexes = (await readFile(`prisma/migrations/${dir}/migration.sql`, "utf8"))
    .split(";")
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.startsWith("CREATE INDEX"));
  for (const statement of indexes) await prisma.$executeRawUnsafe(`DROP INDEX IF EXISTS ${statement.split(" ")[2]}`);
  const teams = [];
  for (const name of ["Search-Payments", "Search-Risk", "Search-Tech", "Search-Product"])
    teams.push(await prisma.team.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } }));
  const teamIds = `ARRAY[${teams.map((t) => `'${t.id}'::uuid`).join(", ")}]`;
  for (let from = existing + 1; from <= CASES; from += 100_000) {
    const to = Math.min(CASES, from + 99_999);
    await prisma.$executeRawUnsafe(`
      INSERT INTO "Ticket" ("id", "number", "title", "description", "accountId", "channel", "type", "priority", "status",
                            "teamId", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), 'BNS-20260101-' || g,
             (${sqlArray(SUBJECTS)})[1 + g % 20] || ' ' || (${sqlArray(ISSUES)})[1 + (g / 20) % 25]
               || ' for order ' || lpad(((g::bigint * 7919) % 10000000)::text, 7, '0'),
             'Customer reports that the ' || lower((${sqlArray(SUBJECTS)})[1 + (g / 7) % 20]) || ' was '
               || (${sqlArray(ISSUES)})[1 + (g / 3) % 25] || ' on product SKU-' || lpad((g % 997)::text, 3, '0')
               || '. Reference ' || md5(g::text) || '.',
             'ACC-' || (g % 200000), 'API', 'INQUIRY', 'LOW', 'NOT_STARTED',
             (${teamIds})[1 + g % 4], now() - (g || ' seconds')::interval, now()
      FROM generate_series(${from}, ${to}) g`);
    process.stderr.write(`\r${to.toLocaleString("en")} / ${CASES.toLocaleString("en")}`);
  }
  const built = Date.now();
  for (const statement of indexes) await prisma.$executeRawUnsafe(statement);
  await prisma.$executeRawUnsafe(`ANALYZE "Ticket"`);
  console.log(
    `\nadded in ${((built - started) / 1000).toFixed(0)} s, search indexes built in ${((Date.now() - built) / 1000).toFixed(0)} s`,
  );
}
const total = await prisma.ticket.count();

// An administrator (sees every case) and an agent of one of the four teams.
async function viewer(role: "ADMIN" | "AGENT") {
  const email = `search-bench-${role.toLowerCase()}@example.com`;
  const team = await prisma.team.findUniqueOrThrow({ where: { name: "Search-Payments" } });
  const user = await prisma.user.upsert({
    where: { email },
    create: { email, name: `Search ${role}`, role, passwordHash: "x", memberships: { create: { teamId: team.id } } },
    update: {},
  });
  const token = newBearerToken("session");
  await prisma.session.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) } });
  return token;
}
const tokens = { ADMIN: await viewer("ADMIN"), AGENT: await viewer("AGENT") };

const SEARCH = `query($s: String!) { tickets(first: 50, filter: { search: $s }) { edges { node { number title status } } } }`;
async function search(token: string, term: string): Promise<number> {
  const response = await app.yoga.fetch("http://caseflow.bench/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: SEARCH, variables: { s: term } }),
  });
  const body = (await response.json()) as { data?: { tickets: { edges: unknown[] } }; errors?: unknown[] };
  if (!body.data) throw new Error(`search failed: ${JSON.stringify(body.errors)}`);
  return body.data.tickets.edges.length;
}

const matches = async (term: string) =>
  (
    await prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "Ticket" WHERE "title" ILIKE $1 OR "description" ILIKE $1`,
      `%${term}%`,
    )
  )[0]!.n;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const TERMS: [string, string][] = [
  ["rare: an md5 reference fragment", (await prisma.$queryRawUnsafe<{ m: string }[]>(`SELECT substr(md5('424242'), 1, 12) AS m`))[0]!.m],
  ["rare: an order number", "0424242"],
  ["medium: a product code", "SKU-123"],
  ["common: a title word", "chargeback"],
  ["common, two words", "charged twice"],
];
console.log(`${total.toLocaleString("en")} cases; ${RUNS} searches per term and viewer, one at a time, after 3 warm-ups`);
console.log("| viewer | term | cases matching | page | through the API: median | min / max | the search statement alone: median |");
console.log("|---|---|---|---|---|---|---|");
const plans: string[] = [];
for (const [role, token] of Object.entries(tokens)) {
  for (const [what, term] of TERMS) {
    for (let i = 0; i < 3; i++) await search(token, term);
    const times: number[] = [];
    const database: number[] = [];
    let page = 0;
    for (let i = 0; i < RUNS; i++) {
      statements = [];
      const t = performance.now();
      page = await search(token, term);
      times.push(performance.now() - t);
      database.push(Number(statements.find((s) => s.query.includes("ILIKE"))?.duration ?? Number.NaN));
    }
    console.log(
      `| ${role} | ${what} (\`${term}\`) | ${(await matches(term)).toLocaleString("en")} | ${page} | ${median(times).toFixed(1)} ms | ${Math.min(...times).toFixed(1)} / ${Math.max(...times).toFixed(1)} ms | ${median(database).toFixed(1)} ms |`,
    );
    const list = statements.find((s) => s.query.includes("ILIKE"));
    if (!list) throw new Error("the search statement was not captured");
    const plan = await prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
      `EXPLAIN (ANALYZE, BUFFERS) ${list.query}`,
      ...(JSON.parse(list.params) as unknown[]),
    );
    plans.push(`-- ${role}, ${what} (${term})\n${plan.map((row) => row["QUERY PLAN"]).join("\n")}`);
  }
}
console.log(`\n${plans.join("\n\n")}`);
await prisma.session.deleteMany({ where: { user: { email: { startsWith: "search-bench-" } } } });
await app.stop();
