// A burst of SLA breaches and time-in-status automations falling due at the same instant,
// larger than one claim set, fired by two monitors scanning at once. On PostgreSQL the two
// are separate instances (each its own connection pool) racing on one database, so
// exactly-once rests on the claim (FOR UPDATE SKIP LOCKED and the conditional UPDATE);
// on PGlite, the embedded database of one process, both monitors share the instance.
// Time moves only by the injected clock (frozen); the monitors scan when the test ticks.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdjustableClock } from "../src/clock.js";
import type { SlaAlertMessage } from "../src/realtime/pubsub.js";
import { type SlaMonitor, startSlaMonitor } from "../src/realtime/sla-monitor.js";
import { type App, createApp } from "../src/server.js";
import { freshDatabase, testConfig } from "./helpers/app.js";

const TARGETS = 230;
const CHECKS = 90;
/** The claim set: the burst is several sets. */
const SET = 40;

const onPostgres = Boolean(process.env.DATABASE_URL?.startsWith("postgres"));
const clock = new AdjustableClock();
const instances: App[] = [];
const monitors: SlaMonitor[] = [];
const published: SlaAlertMessage[][] = [[], []];
let drop: () => Promise<void>;

beforeAll(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  const base = testConfig();
  const config = testConfig({
    database: fresh.database,
    // The test's own monitors are the only scans; no dispatcher touches the outbox.
    slaMonitor: false,
    webhooks: { ...base.webhooks, dispatcher: false },
  });
  clock.freeze();
  for (let i = 0; i < (onPostgres ? 2 : 1); i++) instances.push(await createApp(config, { clock, logger: pino({ level: "silent" }) }));
  for (let i = 0; i < 2; i++) {
    const app = instances[i % instances.length]!;
    monitors.push(
      startSlaMonitor({
        prisma: app.db.prisma,
        realtime: app.realtime,
        clock,
        logger: pino({ level: "silent" }),
        intervalMs: 3_600_000,
        batchSize: SET,
        onFired: (alert) => published[i]!.push(alert),
      }),
    );
  }
});
afterAll(async () => {
  for (const monitor of monitors) await monitor.stop();
  for (const instance of instances) await instance.stop().catch(() => {});
  await drop?.();
});

describe(`a burst larger than a claim set, two monitors racing (${onPostgres ? "two instances on PostgreSQL" : "PGlite, one instance"})`, () => {
  it("fires every breach and automation exactly once, in the scan that finds them due", async () => {
    const prisma = instances[0]!.db.prisma;
    const team = await prisma.team.create({ data: { name: "Burst-Desk" } });
    const endpoint = await prisma.webhookEndpoint.create({
      data: { url: "https://hooks.example.com/burst", eventTypes: ["SLA_BREACH"], teamIds: [team.id], secretEncrypted: "unused" },
    });
    const automation = await prisma.statusAutomation.create({
      data: {
        name: "Burst nudge",
        status: "NOT_STARTED",
        afterSeconds: 60,
        businessTime: false,
        conditions: {},
        actions: { addTags: ["burst-nudged"], alertSupervisors: true },
      },
    });
    const now = clock.now();
    const due = new Date(now.getTime() + 60_000);
    await prisma.ticket.createMany({
      data: Array.from({ length: TARGETS }, (_, i) => ({
        number: `BURST-${i}`,
        title: `Burst ${i}`,
        accountId: `ACC-${i}`,
        channel: "API" as const,
        type: "INQUIRY" as const,
        priority: "LOW" as const,
        status: "NOT_STARTED" as const,
        teamId: team.id,
      })),
    });
    const tickets = await prisma.ticket.findMany({ where: { number: { startsWith: "BURST-" } }, select: { id: true } });
    await prisma.slaTarget.createMany({
      data: tickets.map((t) => ({
        ticketId: t.id,
        kind: "FIRST_RESPONSE" as const,
        budgetSeconds: 60,
        startedAt: now,
        dueAt: due,
        nextCheckAt: due,
      })),
    });
    await prisma.automationCheck.createMany({
      data: tickets
        .slice(0, CHECKS)
        .map((t) => ({ ticketId: t.id, automationId: automation.id, enteredAt: now, dueAt: due, nextCheckAt: due })),
    });
    const ticks = () => Promise.all(monitors.map((m) => m.tick()));

    clock.advance(59);
    expect(await ticks()).toEqual([0, 0]);
    clock.advance(1);
    const [a, b] = await ticks();
    expect(a! + b!).toBe(TARGETS + CHECKS);

    // Every target breached once, in these scans: nothing left pending.
    const breaches = await prisma.ticketEvent.groupBy({ by: ["ticketId"], where: { type: "SLA_BREACHED" }, _count: true });
    expect(breaches).toHaveLength(TARGETS);
    expect(breaches.every((e) => e._count === 1)).toBe(true);
    expect(await prisma.slaTarget.count({ where: { nextCheckAt: { not: null } } })).toBe(0);
    expect(await prisma.slaTarget.count({ where: { breachedAt: null } })).toBe(0);
    // Each alert published once, by whichever monitor claimed it.
    const ids = [...published[0]!, ...published[1]!].map((m) => m.id);
    expect(ids).toHaveLength(TARGETS);
    expect(new Set(ids).size).toBe(TARGETS);
    // The webhook outbox was written with the events: one delivery per breach.
    expect(await prisma.outboundDelivery.count({ where: { endpointId: endpoint.id, eventType: "SLA_BREACH" } })).toBe(TARGETS);

    // Every automation fired once: one RULE_FIRED each, its tag added once.
    const rules = await prisma.ticketEvent.groupBy({ by: ["ticketId"], where: { type: "RULE_FIRED" }, _count: true });
    expect(rules).toHaveLength(CHECKS);
    expect(rules.every((e) => e._count === 1)).toBe(true);
    expect(await prisma.ticketTag.count({ where: { tag: { name: "burst-nudged" } } })).toBe(CHECKS);
    expect(await prisma.automationCheck.count({ where: { firedAt: null } })).toBe(0);

    // Both scanning again fires nothing more.
    clock.advance(1);
    expect(await ticks()).toEqual([0, 0]);
    expect(await prisma.ticketEvent.count({ where: { type: { in: ["SLA_BREACHED", "RULE_FIRED"] } } })).toBe(TARGETS + CHECKS);
  });

  it("reschedules a claimed target that owes nothing instead of alerting it", async () => {
    const prisma = instances[0]!.db.prisma;
    const now = clock.now();
    await prisma.ticket.createMany({
      data: ["STALE-RUNNING", "STALE-MET"].map((number) => ({
        number,
        title: number,
        accountId: number,
        channel: "API" as const,
        type: "INQUIRY" as const,
        priority: "LOW" as const,
        status: "NOT_STARTED" as const,
      })),
    });
    const [running, met] = await Promise.all(
      ["STALE-RUNNING", "STALE-MET"].map((number) => prisma.ticket.findUniqueOrThrow({ where: { number } })),
    );
    // Both are looked at now: one runs for another 10 minutes (its check time is stale),
    // the other was met; neither owes an alert.
    const stale = new Date(now.getTime() - 1000);
    const due = new Date(now.getTime() + 600_000);
    await prisma.slaTarget.createMany({
      data: [
        {
          ticketId: running!.id,
          kind: "RESOLUTION",
          budgetSeconds: 610,
          startedAt: new Date(now.getTime() - 10_000),
          dueAt: due,
          nextCheckAt: stale,
        },
        { ticketId: met!.id, kind: "RESOLUTION", budgetSeconds: 60, startedAt: now, dueAt: due, metAt: now, nextCheckAt: stale },
      ],
    });
    expect(await Promise.all(monitors.map((m) => m.tick()))).toEqual([0, 0]);
    const targets = await prisma.slaTarget.findMany({ where: { ticketId: { in: [running!.id, met!.id] } } });
    expect(targets.find((t) => t.ticketId === running!.id)!.nextCheckAt).toEqual(due);
    expect(targets.find((t) => t.ticketId === met!.id)!.nextCheckAt).toBeNull();
    expect(await prisma.ticketEvent.count({ where: { ticketId: { in: [running!.id, met!.id] } } })).toBe(0);
  });
});
