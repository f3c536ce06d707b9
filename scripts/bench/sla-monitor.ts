// `npm run bench:sla`: the SLA monitor with 1,000,000 open cases (BENCH_CASES) on the
// PostgreSQL database DATABASE_URL names (it adds the cases on its first run). Reports the
// time of one scan tick when nothing is due, of a tick that fires one claim set, the
// latency from a target's due instant to its alert being published with the monitor
// scanning at its default rate, and a burst: BENCH_BURST targets (10,000) and
// BENCH_BURST_AUTOMATIONS time-in-status automation checks (2,000) falling due at the
// same instant, until the last alert is published, on one instance and on two instances
// racing (each alert counted once in total).
import { randomBytes } from "node:crypto";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { startSlaMonitor } from "../../src/realtime/sla-monitor.js";
import { type App, createApp } from "../../src/server.js";

if (!process.env.DATABASE_URL) throw new Error("set DATABASE_URL to a PostgreSQL database for the benchmark");
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const BURST = Number(process.env.BENCH_BURST ?? 10_000);
const BURST_AUTOMATIONS = Number(process.env.BENCH_BURST_AUTOMATIONS ?? 2_000);
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
// Each alert leaves its target's old index entry behind (its nextCheckAt was in the past)
// until a vacuum; the measurements start, and each burst is set up, as autovacuum would
// leave the table, not with the dead entries of the previous runs' alerts.
const vacuum = () => prisma.$executeRawUnsafe(`VACUUM ANALYZE "SlaTarget", "AutomationCheck"`);
await vacuum();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const idle = startSlaMonitor({ prisma, realtime: app.realtime, clock: app.services.clock, logger, intervalMs: 3_600_000 });
const idleTicks: number[] = [];
for (let i = 0; i < 21; i++) {
  const t = performance.now();
  await idle.tick();
  idleTicks.push(performance.now() - t);
}

// One claim set (500 by default) of targets due now, fired by one tick.
const batchIds = (
  await prisma.slaTarget.findMany({
    where: { ticket: { number: { startsWith: "BNC-" } }, breachedAt: null, nextCheckAt: { not: null } },
    take: 500,
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

// ─── bursts ─────────────────────────────────────────────────────────────────
// A time-in-status automation on the benchmark's cases (all NOT_STARTED): it tags the
// case and alerts its supervisors, so each firing writes the tag, the case, the audit
// event and an alert.
await prisma.statusAutomation.deleteMany({ where: { name: "Benchmark burst" } });
const automation = await prisma.statusAutomation.create({
  data: {
    name: "Benchmark burst",
    status: "NOT_STARTED",
    afterSeconds: 60,
    businessTime: false,
    conditions: {},
    actions: { addTags: ["bench-burst"], alertSupervisors: true },
  },
});

interface BurstResult {
  lastSla: number;
  lastAutomation: number;
  slaAlerts: number;
  uniqueSlaAlerts: number;
  automationAlerts: number;
  byInstance: number[];
  breachEvents: number;
  ruleEvents: number;
}

/** BURST targets and BURST_AUTOMATIONS checks due at one instant, `instances` live monitors scanning. */
async function burst(instances: App[]): Promise<BurstResult> {
  const targets = (
    await prisma.slaTarget.findMany({
      where: { ticket: { number: { startsWith: "BNC-" } }, breachedAt: null, nextCheckAt: { not: null } },
      take: BURST,
      select: { id: true, ticketId: true },
    })
  ).map((x) => x);
  const dueAt = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
  await prisma.slaTarget.updateMany({ where: { id: { in: targets.map((x) => x.id) } }, data: { dueAt, nextCheckAt: dueAt } });
  await prisma.automationCheck.deleteMany({ where: { automationId: automation.id } });
  await prisma.ticketTag.deleteMany({ where: { tag: { name: "bench-burst" } } });
  await prisma.automationCheck.createMany({
    data: targets.slice(0, BURST_AUTOMATIONS).map((x) => ({
      ticketId: x.ticketId,
      automationId: automation.id,
      enteredAt: new Date(dueAt.getTime() - 60_000),
      dueAt,
      nextCheckAt: dueAt,
    })),
  });
  await vacuum();
  const wanted = new Set(targets.map((x) => x.id));
  const slaIds: string[] = [];
  const byInstance = instances.map(() => 0);
  let lastSla = 0;
  let lastAutomation = 0;
  let automationAlerts = 0;
  const streams = instances.flatMap((instance, i) => {
    const sla = instance.realtime.pubsub.subscribe("sla-alert");
    const alerts = instance.realtime.pubsub.subscribe("alert");
    void (async () => {
      for await (const alert of sla) {
        if (!wanted.has(alert.id.split(":")[0]!)) continue;
        slaIds.push(alert.id);
        byInstance[i]!++;
        lastSla = Date.now();
      }
    })();
    void (async () => {
      for await (const alert of alerts) {
        if (alert.kind !== "AUTOMATION_ALERT") continue;
        automationAlerts++;
        lastAutomation = Date.now();
      }
    })();
    return [sla, alerts];
  });
  const monitors = instances.map((instance) =>
    startSlaMonitor({
      prisma: instance.db.prisma,
      realtime: instance.realtime,
      clock: instance.services.clock,
      logger,
      intervalMs: config.slaMonitorIntervalMs,
    }),
  );
  // Until every alert is out (or 60 s past the due instant).
  while (
    (slaIds.length < targets.length || automationAlerts < Math.min(BURST_AUTOMATIONS, targets.length)) &&
    Date.now() < dueAt.getTime() + 60_000
  )
    await new Promise((r) => setTimeout(r, 20));
  // A few more scans: anything fired twice would show now.
  await new Promise((r) => setTimeout(r, 4 * config.slaMonitorIntervalMs));
  for (const monitor of monitors) await monitor.stop();
  for (const stream of streams) await stream.return?.();
  const breachEvents = await prisma.ticketEvent.count({
    where: { type: "SLA_BREACHED", ticketId: { in: targets.map((x) => x.ticketId) }, at: { gte: dueAt } },
  });
  const ruleEvents = await prisma.ticketEvent.count({
    where: { type: "RULE_FIRED", ticketId: { in: targets.map((x) => x.ticketId) }, at: { gte: dueAt } },
  });
  return {
    lastSla: lastSla - dueAt.getTime(),
    lastAutomation: lastAutomation - dueAt.getTime(),
    slaAlerts: slaIds.length,
    uniqueSlaAlerts: new Set(slaIds).size,
    automationAlerts,
    byInstance,
    breachEvents,
    ruleEvents,
  };
}

const oneInstance = await burst([app]);
const second = await createApp(config, { logger: pino({ level: "silent" }) });
const twoInstances = await burst([app, second]);
await second.stop();
await prisma.statusAutomation.delete({ where: { id: automation.id } });

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
    where: { ticket: { number: { startsWith: "BNC-" } }, breachedAt: null, nextCheckAt: { not: null } },
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
  `tick firing one claim set of ${fired} breaches: ${batchTick.toFixed(0)} ms (${(batchTick / Math.max(1, fired)).toFixed(2)} ms per alert)`,
);
for (const [name, r] of [
  ["one instance", oneInstance],
  ["two instances", twoInstances],
] as const) {
  console.log(
    `burst, ${name}: ${BURST.toLocaleString("en")} targets + ${BURST_AUTOMATIONS.toLocaleString("en")} automations due at one instant → last SLA alert published ${r.lastSla} ms after it, last automation alert ${r.lastAutomation} ms (goal < 2000 ms); ` +
      `SLA alerts published ${r.slaAlerts} (${r.uniqueSlaAlerts} distinct; per instance ${r.byInstance.join(" + ")}), SLA_BREACHED events ${r.breachEvents}, automation alerts ${r.automationAlerts}, RULE_FIRED events ${r.ruleEvents}`,
  );
}
console.log(
  `due → alert published: median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms over ${latencies.length} breaches (goal < 1000 ms)`,
);
await app.stop();
