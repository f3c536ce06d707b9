// Fires SLA warnings and breaches on time, exactly once, with any number of instances.
// Every instance scans the index of pending checks a few times a second; an alert is
// owned by whichever transaction flips its warnedAt/breachedAt from NULL first (a
// conditional UPDATE), so there is no leader to lose. Alerts that fell due while every
// instance was down are found by the first scan after one comes back.
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { inTransaction, publishAfterCommit } from "../db/transaction.js";
import { alertDue, type SlaKind, schedule } from "../domain/sla.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { recordEvent } from "../resolvers/audit.js";
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
  /** How many due targets one scan handles; the rest wait for the next scan. */
  batchSize?: number;
  /** Told of each alert this instance fired, once committed, with the time it committed. */
  onFired?: (alert: SlaAlertMessage, committedAt: Date) => void;
}

export interface SlaMonitor {
  /** One scan: fires what is due now; resolves to the number of SLA alerts and automations this instance fired. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export function startSlaMonitor(options: SlaMonitorOptions): SlaMonitor {
  const { prisma, realtime, clock, logger, intervalMs, batchSize = 200 } = options;
  let running: Promise<number> | null = null;
  let stopped = false;

  /** Fires the target's alert if it is due and no one else did; the alert goes out once committed. */
  async function fire(targetId: string, now: Date): Promise<SlaAlertMessage | null> {
    return inTransaction({ prisma, realtime }, async (tx) => {
      const target = await tx.slaTarget.findUnique({
        where: { id: targetId },
        include: { calendar: true, ticket: { select: { priority: true, tierId: true } } },
      });
      if (!target) return null;
      const kind = alertDue(target, now);
      if (!kind) {
        // Nothing owed (met, paused, or a stale check time): recompute when to look again.
        const next =
          target.metAt || target.pausedAt || target.breachedAt ? null : schedule(calendarRules(target.calendar), target).nextCheckAt;
        await tx.slaTarget.updateMany({ where: { id: target.id, nextCheckAt: target.nextCheckAt }, data: { nextCheckAt: next } });
        return null;
      }
      const claim =
        kind === "WARNING"
          ? await tx.slaTarget.updateMany({
              where: { id: target.id, warnedAt: null, breachedAt: null, metAt: null, pausedAt: null },
              data: { warnedAt: now, nextCheckAt: target.dueAt },
            })
          : await tx.slaTarget.updateMany({
              where: { id: target.id, breachedAt: null, metAt: null, pausedAt: null },
              data: { breachedAt: now, nextCheckAt: null, ...(target.warnedAt ? {} : { warnedAt: now }) },
            });
      if (claim.count === 0) return null; // another instance fired it
      const dueAt = kind === "WARNING" ? target.warnAt! : target.dueAt!;
      // The event's statement also reads the case's access facts; escalating a tier below does not change them.
      const facts = await recordEvent(tx, null, target.ticketId, now, {
        type: kind === "WARNING" ? "SLA_WARNING" : "SLA_BREACHED",
        after: { target: target.kind, cycle: target.cycle, dueAt: target.dueAt!.toISOString() },
      });
      if (kind === "BREACH") {
        // Whether a breach escalates is the domain's policy (escalationFor).
        await autoEscalate(
          tx,
          { id: target.ticketId, tierId: target.ticket.tierId },
          { kind: "slaBreach", target: target.kind as SlaKind, priority: target.ticket.priority },
          now,
        );
      }
      const message: SlaAlertMessage = {
        id: `${target.id}:${kind}`,
        ticketId: target.ticketId,
        kind,
        target: target.kind as SlaKind,
        dueAt: dueAt.toISOString(),
        at: now.toISOString(),
        facts,
      };
      publishAfterCommit(tx, (live) => live.pubsub.publish("sla-alert", message));
      return message;
    });
  }

  async function scan(): Promise<number> {
    const now = clock.now();
    const due = await prisma.slaTarget.findMany({
      where: { nextCheckAt: { lte: now } },
      orderBy: { nextCheckAt: "asc" },
      take: batchSize,
      select: { id: true },
    });
    const fired: SlaAlertMessage[] = [];
    for (const { id } of due) {
      try {
        const message = await fire(id, now);
        if (message) {
          fired.push(message);
          options.onFired?.(message, clock.now());
        }
      } catch (error) {
        logger.error({ err: error, targetId: id }, "SLA check failed; it is retried on the next scan");
      }
    }
    if (fired.length) logger.info({ alerts: fired.map((m) => m.id) }, "SLA alerts fired");
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
