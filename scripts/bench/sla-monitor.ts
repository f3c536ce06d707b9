// `npm run bench:sla`: the SLA monitor with 1,000,000 open cases on the PostgreSQL database
// DATABASE_URL names (it adds the cases on its first run). Reports the time of one scan
// tick when nothing is due, of a tick that fires a batch, and the latency from a target's
// due instant to its alert being published, with the monitor scanning at its default rate.
import { randomBytes } from "node:crypto";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { startSlaMonitor } from "../../src/realtime/sla-monitor.js";
import { createApp } from "../../src/server.js";

if (!process.env.DATABASE_URL) throw new Error("set DATABASE_URL to a PostgreSQL database for the benchmark");
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const config = loadConfig({
  ...process.env,
  LOG_LEVEL: "silent",
  SLA_MONITOR: "false",
  CASEFLOW_ENCRYPTION_KEY: process.env.CASEFLOW_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
});
const app = await createApp(config, { logger: pino({ level: "silent" }) });
const prisma = app.db.prisma;
const logger = pino({ level: "silent" });

const open = await prisma.ticket.count({ where: { number: { startsWith: "BNC-" } } });
if (open < CASES) {
  const started = Date.now();
  console.log(`adding ${(CASES - open).toLocaleString("en")} open cases with a running first-response target…`);
  for (let from = open + 1; from <= CASES; from += 100_000) {
    const to = Math.min(CASES, from + 99_999);
    await prisma.$executeRawUnsafe(`
      INSERT INTO "Ticket" ("id", "number", "title", "accountId", "channel", "type", "priority", "status", "createdAt", "updatedAt")
      SELECT gen_random_uuid(), 'BNC-20260101-' || g, 'BNC-' || g || ' bench', 'BNC-' || g, 'API', 'INQUIRY', 'LOW', 'NOT_STARTED', now(), now()
      FROM generate_series(${from}, ${to}) g`);
    // Due between one and thirty days from now: nothing falls due while the benchmark runs.
    await prisma.$executeRawUnsafe(`
      INSERT INTO "SlaTarget" ("id", "ticketId", "kind", "cycle", "budgetSeconds", "startedAt", "dueAt", "nextCheckAt")
      SELECT gen_random_uuid(), t."id", 'FIRST_RESPONSE', 1, 86400, now(), d, d
      FROM (SELECT "id", now() + (1 + random() * 29) * interval '1 day' AS d FROM "Ticket"
            WHERE "number" LIKE 'BNC-%' AND substring("number" from 14)::int BETWEEN ${from} AND ${to}) t`);
    process.stderr.write(`\r${to.toLocaleString("en")} / ${CASES.toLocaleString("en")}`);
  }
  await prisma.$executeRawUnsafe(`ANALYZE`);
  console.log(`\nadded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
const pending = await prisma.slaTarget.count({ where: { nextCheckAt: { not: null } } });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const idle = startSlaMonitor({ prisma, realtime: app.realtime, clock: app.services.clock, logger, intervalMs: 3_600_000 });
const idleTicks: number[] = [];
for (let i = 0; i < 21; i++) {
  const t = performance.now();
  await idle.tick();
  idleTicks.push(performance.now() - t);
}

// A batch of 200 targets due now, fired by one tick.
const batchIds = (
  await prisma.slaTarget.findMany({
    where: { ticket: { number: { startsWith: "BNC-" } }, breachedAt: null },
    take: 200,
    select: { id: true },
  })
).map((t) => t.id);
await prisma.slaTarget.updateMany({
  where: { id: { in: batchIds } },
  data: { dueAt: new Date(Date.now() - 1000), nextCheckAt: new Date(Date.now() - 1000) },
});
const t = performance.now();
const fired = await idle.tick();
const batchTick = performance.now() - t;
await idle.stop();

// Breach → alert: the monitor at its default interval, 20 targets falling due one by one.
const latencies: number[] = [];
const due = new Map<string, number>();
const alerts = app.realtime.pubsub.subscribe("sla-alert");
void (async () => {
  for await (const alert of alerts) {
    const dueAt = due.get(alert.id.split(":")[0]!);
    if (dueAt && alert.kind === "BREACH") latencies.push(Date.now() - dueAt);
  }
})();
const live = startSlaMonitor({
  prisma,
  realtime: app.realtime,
  clock: app.services.clock,
  logger,
  intervalMs: config.slaMonitorIntervalMs,
});
const targets = (
  await prisma.slaTarget.findMany({
    where: { ticket: { number: { startsWith: "BNC-" } }, breachedAt: null },
    take: 20,
    select: { id: true },
  })
).map((x) => x.id);
for (const id of targets) {
  const at = Date.now() + 500 + Math.floor(Math.random() * 500);
  due.set(id, at);
  await prisma.slaTarget.update({ where: { id }, data: { dueAt: new Date(at), nextCheckAt: new Date(at) } });
  await new Promise((r) => setTimeout(r, 150));
}
await new Promise((r) => setTimeout(r, 2000));
await live.stop();
await alerts.return?.();

console.log(
  `${CASES.toLocaleString("en")} open cases, ${pending.toLocaleString("en")} targets pending a check; monitor every ${config.slaMonitorIntervalMs} ms`,
);
console.log(
  `scan tick, nothing due: median ${median(idleTicks).toFixed(2)} ms, max ${Math.max(...idleTicks).toFixed(2)} ms over 21 ticks (goal < 20 ms)`,
);
console.log(
  `tick firing a batch of ${fired} breaches: ${batchTick.toFixed(0)} ms (${(batchTick / Math.max(1, fired)).toFixed(2)} ms per alert)`,
);
console.log(
  `due → alert published: median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms over ${latencies.length} breaches (goal < 1000 ms)`,
);
await app.stop();
