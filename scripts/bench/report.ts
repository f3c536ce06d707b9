// `npm run bench:report`: times the `report` query on the database DATABASE_URL names,
// seeded first with `npm run seed:demo -- --cases 100000`. Prints the median of five
// runs for several periods and scopes.
// `npm run bench:report -- --cases 1000000` first adds that many cases with generate_series
// (PostgreSQL only; far faster than seed:demo): spread over the last 90 days, five teams,
// 40 agents, every status, SLA targets met or breached, STATUS_CHANGED audit events (to
// DONE for 60 %, reopened for 5 %), surveys and tags; one case in 50 is a practice case.
import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import type { Context } from "../../src/context.js";
import { foldAll } from "../../src/reports/fold.js";
import { buildReport } from "../../src/resolvers/reports.js";
import { createApp } from "../../src/server.js";
import { recountReport } from "../../test/report-reference.js";
import { benchManager } from "./manager.js";

const config = loadConfig({
  ...process.env,
  LOG_LEVEL: "silent",
  SLA_MONITOR: "false",
  REPORT_FOLD_INTERVAL_MS: "0",
  CASEFLOW_ENCRYPTION_KEY: process.env.CASEFLOW_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
});
const app = await createApp(config, { logger: pino({ level: "silent" }) });
const prisma = app.db.prisma;
const casesArg = process.argv.indexOf("--cases");
if (casesArg > 0) await addCases(Number(process.argv[casesArg + 1]));
// Fold every case marked since the last fold (after a migration or the load above: all),
// so the timings below read rollups, as a running server's would.
{
  const started = process.cpuUsage();
  const wall = performance.now();
  const folded = await foldAll(prisma);
  const cpu = process.cpuUsage(started);
  if (folded)
    console.log(
      `folded ${folded.toLocaleString("en")} cases in ${((performance.now() - wall) / 1000).toFixed(0)} s (Node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`,
    );
}
const cases = await prisma.ticket.count();
const { token } = await benchManager(prisma);
async function addCases(wanted: number) {
  const have = await prisma.ticket.count({ where: { number: { startsWith: "BNR-" } } });
  if (have >= wanted) return;
  const started = Date.now();
  const teams: string[] = [];
  for (const name of ["CS-Payment", "CS-Orders", "CS-Accounts", "CS-Logistics", "CS-Tech"])
    teams.push((await prisma.team.upsert({ where: { name }, create: { name }, update: {} })).id);
  const agents: string[] = [];
  for (let i = 0; i < 40; i++) {
    const email = `bench-agent-${i}@example.com`;
    agents.push((await prisma.user.upsert({ where: { email }, create: { email, name: `Agent ${i}`, passwordHash: "x" }, update: {} })).id);
  }
  const tags: string[] = [];
  for (let i = 0; i < 10; i++)
    tags.push((await prisma.tag.upsert({ where: { name: `bench-${i}` }, create: { name: `bench-${i}` }, update: {} })).id);
  const arr = (ids: string[]) => `ARRAY[${ids.map((id) => `'${id}'::uuid`).join(",")}]`;
  // The audit trigger numbers each event at commit, one UPDATE per row; a bulk load skips
  // triggers (reports never read the position).
  // (A failed load leaves them enabled again: the finally below.)
  await prisma.$executeRawUnsafe(`ALTER TABLE "TicketEvent" DISABLE TRIGGER USER`);
  try {
    for (let from = have + 1; from <= wanted; from += 100_000) {
      const to = Math.min(wanted, from + 99_999);
      const cases = `SELECT id, "createdAt", status, substring(number from 14)::int AS g FROM "Ticket"
      WHERE number LIKE 'BNR-%' AND substring(number from 14)::int BETWEEN ${from} AND ${to}`;
      // One statement after another, not one transaction: on a busy machine a batch outlasts
      // the transaction timeout, and a failed load is restarted on a fresh database anyway.
      for (const step of [
        prisma.$executeRawUnsafe(`
        INSERT INTO "Ticket" (id, number, title, "accountId", channel, type, subcategory, priority, status, "teamId", "assigneeId", practice, "createdAt", "updatedAt")
        SELECT gen_random_uuid(), 'BNR-20260101-' || g, 'Bench case ' || g, 'ACC-' || (g % 5000),
          (ARRAY['WEB','APP','EMAIL','CHAT','PHONE'])[1 + g % 5]::"Channel",
          (ARRAY['INQUIRY','COMPLAINT','SUGGESTION','TECHNICAL_FAULT'])[1 + g % 4]::"TicketType",
          'sub-' || (g % 12), (ARRAY['HIGH','MEDIUM','LOW'])[1 + g % 3]::"Priority",
          (ARRAY['DONE','DONE','DONE','DONE','DONE','DONE','NOT_STARTED','TEAM_CHECKING','INFORM_CUSTOMER','NEW'])[1 + g % 10]::"TicketStatus",
          (${arr(teams)})[1 + g % 5], (${arr(agents)})[1 + g % 40], g % 50 = 0, c, c
        FROM generate_series(${from}, ${to}) g, LATERAL (SELECT now() - ((g::bigint * 7919) % 7776000) * interval '1 second' AS c) x`),
        prisma.$executeRawUnsafe(`
        INSERT INTO "SlaTarget" (id, "ticketId", kind, cycle, "budgetSeconds", "startedAt", "metAt", "breachedAt", "elapsedSeconds")
        SELECT gen_random_uuid(), c.id, 'FIRST_RESPONSE'::"SlaTargetKind", 1, 14400, c."createdAt", c."createdAt" + (g % 20000) * interval '1 second',
          CASE WHEN g % 20000 > 14400 THEN c."createdAt" + interval '4 hours' END, g % 20000 FROM (${cases}) c
        UNION ALL
        SELECT gen_random_uuid(), c.id, 'RESOLUTION'::"SlaTargetKind", 1, 172800, c."createdAt", c."createdAt" + (g % 200000) * interval '1 second',
          CASE WHEN g % 200000 > 172800 THEN c."createdAt" + interval '2 days' END, g % 200000 FROM (${cases}) c WHERE c.status = 'DONE'`),
        prisma.$executeRawUnsafe(`
        INSERT INTO "TicketEvent" ("ticketId", type, "actorKind", before, after, at)
        SELECT c.id, 'CREATED', 'SYSTEM'::"ActorKind", NULL::jsonb, '{"status":"NEW"}'::jsonb, c."createdAt" FROM (${cases}) c
        UNION ALL
        SELECT c.id, 'STATUS_CHANGED', 'SYSTEM'::"ActorKind", '{"status":"NEW"}', '{"status":"NOT_STARTED"}', c."createdAt" + interval '1 minute'
          FROM (${cases}) c WHERE c.status <> 'NEW'
        UNION ALL
        SELECT c.id, 'STATUS_CHANGED', 'SYSTEM'::"ActorKind", '{"status":"NOT_STARTED"}', '{"status":"DONE"}', c."createdAt" + (g % 200000) * interval '1 second'
          FROM (${cases}) c WHERE c.status = 'DONE' OR g % 20 = 6
        UNION ALL
        SELECT c.id, 'STATUS_CHANGED', 'SYSTEM'::"ActorKind", '{"status":"DONE"}', '{"status":"NOT_STARTED"}', c."createdAt" + (g % 200000 + 3600) * interval '1 second'
          FROM (${cases}) c WHERE g % 20 = 6`),
        prisma.$executeRawUnsafe(`
        INSERT INTO "Survey" (id, "ticketId", "tokenHash", "sendAt", "expiresAt", rating, "answeredAt")
        SELECT gen_random_uuid(), c.id, 'bnr-' || g, c."createdAt", c."createdAt" + interval '30 days',
          (ARRAY['SATISFIED','SATISFIED','NEUTRAL','UNSATISFIED'])[1 + g % 4]::"SurveyRating", c."createdAt" + interval '3 days'
        FROM (${cases}) c WHERE c.status = 'DONE' AND g % 3 = 0`),
        prisma.$executeRawUnsafe(`
        INSERT INTO "TicketTag" ("ticketId", "tagId") SELECT c.id, (${arr(tags)})[1 + (g * 7) % 10] FROM (${cases}) c`),
      ])
        await step;
      process.stderr.write(`\r${to.toLocaleString("en")} / ${wanted.toLocaleString("en")}`);
    }
  } finally {
    await prisma.$executeRawUnsafe(`ALTER TABLE "TicketEvent" ENABLE TRIGGER USER`);
  }
  await prisma.$executeRawUnsafe(`VACUUM ANALYZE`);
  console.log(`\nadded ${(wanted - have).toLocaleString("en")} cases in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const team = await prisma.team.findFirstOrThrow({ where: { name: "CS-Payment" } });
const teamGid = Buffer.from(`Team:${team.id}`).toString("base64");

const QUERY = `query($period: PeriodInput!, $teamId: ID) { report(period: $period, teamId: $teamId) {
  totalCases byChannel { key count } byType { key count } topTags { key count } topSubcategories { key count }
  firstResponse { averageSeconds p90Seconds } resolution { averageSeconds p90Seconds } slaAttainment { priority share }
  csat { satisfiedShare } reopenRate agentLoad { name openCases } teamLoad { name openCases } backlogRatio } }`;

async function time(days: number, teamId?: string) {
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const runs: number[] = [];
  let total = 0;
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    const response = await app.yoga.fetch("http://bench/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY, variables: { period: { from, to }, teamId } }),
    });
    const body = (await response.json()) as { data?: { report: { totalCases: number } }; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    total = body.data.report.totalCases;
    if (i > 0) runs.push(performance.now() - start); // the first run warms caches
  }
  runs.sort((a, b) => a - b);
  return `| ${days} days | ${teamId ? "one team" : "all teams"} | ${total.toLocaleString("en")} | ${runs[2]!.toFixed(0)} ms | ${runs[0]!.toFixed(0)} / ${runs.at(-1)!.toFixed(0)} ms |`;
}

// `--verify`: each timed report also against the plain statements' recount
// (test/report-reference.ts), figure for figure, outside the timings.
if (process.argv.includes("--verify")) {
  const ctx = { prisma, viewer: { kind: "token", teamIds: [] } } as unknown as Context;
  for (const [days, teamId] of [
    [30, null],
    [90, null],
    [90, team.id],
  ] as const) {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    const {
      from: _f,
      to: _t,
      teamId: _team,
      agentLoad,
      teamLoad,
      ...figures
    } = await buildReport(ctx, {
      from,
      to,
      teamId: teamId ? teamGid : null,
    });
    const report = {
      ...figures,
      agentLoad: agentLoad.map(({ name, openCases }) => ({ name, openCases })),
      teamLoad: teamLoad.map(({ name, openCases }) => ({ name, openCases })),
    };
    const same = isDeepStrictEqual(report, await recountReport(prisma, { from, to, teamId }));
    console.log(
      `${days} days, ${teamId ? "one team" : "all teams"}: ${same ? "same figures as the recount" : "DIFFERENT from the recount"}`,
    );
  }
}

console.log(`report on ${app.db.kind} with ${cases.toLocaleString("en")} cases\n`);
console.log("| period | scope | cases in period | median of 5 | min / max |");
console.log("|---|---|---|---|---|");
for (const [days, teamId] of [
  [30, undefined],
  [90, undefined],
  [90, teamGid],
] as const)
  console.log(await time(days, teamId));
await app.stop();
