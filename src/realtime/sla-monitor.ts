// Fires SLA warnings and breaches on time, exactly once, with any number of instances.
// Every instance scans the index of pending checks a few times a second and claims the
// due targets in sets: one statement locks up to a set of due targets no other scan
// holds (FOR UPDATE SKIP LOCKED), one UPDATE per kind flips their warnedAt/breachedAt
// from NULL (still conditional, so a target already fired is never fired again), and the
// same transaction writes the set's audit events and webhook messages in one statement
// each; the live alerts go out once it has committed. There is no leader to lose, and a
// crash before the commit leaves the targets due for the next scan anywhere. Alerts that
// fell due while every instance was down are found by the first scan after one comes back.
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { inTransaction, publishAfterCommit } from "../db/transaction.js";
import { escalationFor } from "../domain/escalation.js";
import { alertDue, type SlaKind, schedule, type TargetClock } from "../domain/sla.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { Priority } from "../generated/prisma/enums.js";
import { recordEvents } from "../resolvers/audit.js";
import { autoEscalate } from "../resolvers/escalation.js";
import { calendarRules } from "../resolvers/sla/clocks.js";
import { fireDueAutomations } from "./automation-monitor.js";
import type { Realtime, SlaAlertMessage } from "./pubsub.js";

export interface SlaMonitorOptions {
  prisma: PrismaClient;
  realtime: Realtime;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /**
   * How many due targets (and automation checks) one transaction claims; a scan claims
   * set after set until fewer than a full set is due.
   */
  batchSize?: number;
  /** How many sets one scan claims and fires at the same time (2 by default). */
  claimers?: number;
  /** Told of each alert this instance fired, once committed, with the time it committed. */
  onFired?: (alert: SlaAlertMessage, committedAt: Date) => void;
}

/** A claimed target as the claim reads it: its clock, and its case's priority and tier. */
interface ClaimedTarget extends TargetClock {
  id: string;
  /** As read: a recomputed check time is written only over this one, never over a newer one. */
  nextCheckAt: Date;
  ticketId: string;
  kind: string;
  cycle: number;
  calendarId: string | null;
  priority: Priority;
  tierId: string | null;
  tierLevel: number | null;
}

export interface SlaMonitor {
  /** One scan: fires what is due now; resolves to the number of SLA alerts and automations this instance fired. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export function startSlaMonitor(options: SlaMonitorOptions): SlaMonitor {
  const { prisma, realtime, clock, logger, intervalMs, batchSize = 500, claimers = 2 } = options;
  let running: Promise<number> | null = null;
  let stopped = false;

  /**
   * Claims up to `size` due targets (only those in `only`, when given) and fires the
   * alerts they owe, in one transaction; the alerts go out once it has committed.
   */
  async function fireSet(now: Date, size: number, only?: readonly string[]) {
    return inTransaction({ prisma, realtime }, async (tx) => {
      // Locks the set and reads it, with what the escalation policy reads of its cases.
      const targets = await tx.$queryRaw<ClaimedTarget[]>`
        SELECT s."id"::text AS "id", s."ticketId"::text AS "ticketId", s."kind"::text AS "kind", s."cycle",
               s."calendarId"::text AS "calendarId", s."budgetSeconds", s."consumedSeconds", s."warningBeforeSeconds",
               s."startedAt", s."dueAt", s."warnAt", s."pausedAt", s."metAt", s."warnedAt", s."breachedAt", s."nextCheckAt",
               t."priority"::text AS "priority", t."tierId"::text AS "tierId", tier."level" AS "tierLevel"
        FROM "SlaTarget" s JOIN "Ticket" t ON t."id" = s."ticketId" LEFT JOIN "Tier" tier ON tier."id" = t."tierId"
        WHERE s."id" IN (SELECT "id" FROM "SlaTarget"
                         WHERE "nextCheckAt" <= ${now} ${only ? Prisma.sql`AND "id" = ANY(${only}::uuid[])` : Prisma.empty}
                         ORDER BY "nextCheckAt" LIMIT ${size} FOR UPDATE SKIP LOCKED)
        ORDER BY s."nextCheckAt", s."id"`;
      if (!targets.length) return { claimed: 0, fired: [] as SlaAlertMessage[] };
      const owed = targets.map((target) => ({ target, kind: alertDue(target, now) }));
      // Nothing owed (met, paused, or a stale check time): recompute when to look again. The
      // statement's snapshot may predate a change committed just before the lock, so the
      // new time is written only where the check time is still the one read.
      const stale = owed.filter((o) => !o.kind).map((o) => o.target);
      if (stale.length) {
        const calendarIds = [...new Set(stale.flatMap((t) => (t.calendarId ? [t.calendarId] : [])))];
        const calendars = new Map((await tx.businessCalendar.findMany({ where: { id: { in: calendarIds } } })).map((c) => [c.id, c]));
        const next = stale.map((t) =>
          t.metAt || t.pausedAt || t.breachedAt
            ? null
            : (schedule(calendarRules(t.calendarId ? (calendars.get(t.calendarId) ?? null) : null), t).nextCheckAt ?? null),
        );
        await tx.$executeRaw`
          UPDATE "SlaTarget" s SET "nextCheckAt" = v."next"
          FROM unnest(${stale.map((t) => t.id)}::uuid[], ${next.map((d) => d?.toISOString() ?? null)}::timestamp(3)[],
                      ${stale.map((t) => t.nextCheckAt.toISOString())}::timestamp(3)[]) AS v("id", "next", "read")
          WHERE s."id" = v."id" AND s."nextCheckAt" = v."read"`;
      }
      const ids = (kind: "WARNING" | "BREACH") => owed.filter((o) => o.kind === kind).map((o) => o.target.id);
      // The claims stay conditional: a target fired already is never fired again.
      const warnings = ids("WARNING");
      const breaches = ids("BREACH");
      const warned = !warnings.length
        ? []
        : await tx.$queryRaw<{ id: string }[]>`
        UPDATE "SlaTarget" SET "warnedAt" = ${now}, "nextCheckAt" = "dueAt"
        WHERE "id" = ANY(${warnings}::uuid[])
          AND "warnedAt" IS NULL AND "breachedAt" IS NULL AND "metAt" IS NULL AND "pausedAt" IS NULL
        RETURNING "id"::text AS "id"`;
      const breached = !breaches.length
        ? []
        : await tx.$queryRaw<{ id: string }[]>`
        UPDATE "SlaTarget" SET "breachedAt" = ${now}, "nextCheckAt" = NULL, "warnedAt" = COALESCE("warnedAt", ${now})
        WHERE "id" = ANY(${breaches}::uuid[]) AND "breachedAt" IS NULL AND "metAt" IS NULL AND "pausedAt" IS NULL
        RETURNING "id"::text AS "id"`;
      const won = new Set([...warned, ...breached].map((row) => row.id));
      const fired = owed.filter((o) => o.kind && won.has(o.target.id)) as {
        target: (typeof targets)[number];
        kind: "WARNING" | "BREACH";
      }[];
      // The events of the whole set, and their webhook messages, in one statement each.
      const facts = await recordEvents(
        tx,
        null,
        now,
        fired.map(({ target, kind }) => ({
          ticketId: target.ticketId,
          type: kind === "WARNING" ? "SLA_WARNING" : "SLA_BREACHED",
          after: { target: target.kind, cycle: target.cycle, dueAt: target.dueAt!.toISOString() },
        })),
      );
      for (const { target, kind } of fired) {
        if (kind !== "BREACH") continue;
        // Whether a breach escalates is the domain's policy (escalationFor); only those that do cost statements.
        const trigger = { kind: "slaBreach", target: target.kind as SlaKind, priority: target.priority } as const;
        if (escalationFor(trigger, target.tierLevel)) await autoEscalate(tx, { id: target.ticketId, tierId: target.tierId }, trigger, now);
      }
      // The event's statement also read the case's access facts; escalating a tier does not change them.
      const messages = fired.map(
        ({ target, kind }, i): SlaAlertMessage => ({
          id: `${target.id}:${kind}`,
          ticketId: target.ticketId,
          kind,
          target: target.kind as SlaKind,
          dueAt: (kind === "WARNING" ? target.warnAt! : target.dueAt!).toISOString(),
          at: now.toISOString(),
          facts: facts[i]!,
        }),
      );
      publishAfterCommit(tx, (live) => {
        for (const message of messages) live.pubsub.publish("sla-alert", message);
      });
      return { claimed: targets.length, fired: messages };
    });
  }

  /** Fires what is due, set after set; a set that fails is retried one target at a time. */
  async function fireDue(now: Date): Promise<SlaAlertMessage[]> {
    const fired: SlaAlertMessage[] = [];
    const told = (messages: SlaAlertMessage[]) => {
      const committedAt = clock.now();
      for (const message of messages) options.onFired?.(message, committedAt);
      fired.push(...messages);
    };
    // Most scans find nothing due: one read of the index says so without a transaction.
    if (!(await prisma.slaTarget.findFirst({ where: { nextCheckAt: { lte: now } }, select: { id: true } }))) return fired;
    // Claimers working side by side on PostgreSQL connections of their own (SKIP LOCKED
    // keeps their sets apart), each until fewer than a full set is left.
    let failure: unknown = null;
    const claimer = async () => {
      while (failure === null) {
        try {
          const set = await fireSet(now, batchSize);
          told(set.fired);
          if (set.claimed < batchSize) return;
        } catch (error) {
          failure = error;
        }
      }
    };
    await Promise.all(Array.from({ length: claimers }, claimer));
    if (failure !== null) {
      // One bad target must not hold back the others: each is tried in its own transaction.
      logger.error({ err: failure }, "SLA set failed; its targets are tried one at a time");
      const due = await prisma.slaTarget.findMany({
        where: { nextCheckAt: { lte: now } },
        orderBy: { nextCheckAt: "asc" },
        take: batchSize,
        select: { id: true },
      });
      for (const { id } of due) {
        try {
          told((await fireSet(now, 1, [id])).fired);
        } catch (error) {
          logger.error({ err: error, targetId: id }, "SLA check failed; it is retried on the next scan");
        }
      }
    }
    return fired;
  }

  async function scan(): Promise<number> {
    const now = clock.now();
    const fired = await fireDue(now);
    if (fired.length) logger.info({ count: fired.length, alerts: fired.slice(0, 20).map((m) => m.id) }, "SLA alerts fired");
    // Time-in-status automations ride on the same scan, clock and batch size; their
    // failure must not hide the SLA alerts this scan fired.
    const automations = await fireDueAutomations({ prisma, realtime, logger }, now, batchSize).catch((error) => {
      logger.error({ err: error }, "automation scan failed; it is retried on the next scan");
      return 0;
    });
    return fired.length + automations;
  }

  function tick(): Promise<number> {
    // One scan at a time per instance; a slow scan is not stacked on.
    running ??= scan().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) tick().catch((error) => logger.error({ err: error }, "SLA scan failed"));
  }, intervalMs);
  timer.unref();

  return {
    tick,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
