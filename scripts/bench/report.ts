// `npm run bench:report`: times the `report` query on the database DATABASE_URL names,
// seeded first with `npm run seed:demo -- --cases 100000`. Prints the median of five
// runs for several periods and scopes.
import { randomBytes } from "node:crypto";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server.js";
import { benchManager } from "./manager.js";

const config = loadConfig({
  ...process.env,
  LOG_LEVEL: "silent",
  SLA_MONITOR: "false",
  CASEFLOW_ENCRYPTION_KEY: process.env.CASEFLOW_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
});
const app = await createApp(config, { logger: pino({ level: "silent" }) });
const prisma = app.db.prisma;
const cases = await prisma.ticket.count();
const { token } = await benchManager(prisma);
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
