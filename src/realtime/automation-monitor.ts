// Fires time-in-status automations when they fall due, exactly once per stay with any
// number of instances. The SLA monitor's scan calls fireDueAutomations after its own
// targets, so the same timer, claim-set size and injected clock drive both. A scan claims
// due checks in sets: one statement locks up to a set of due checks that no other scan
// holds (FOR UPDATE SKIP LOCKED) and flips their firedAt from NULL, in the transaction
// that acts on them and records their RULE_FIRED events (one statement for the set), so
// a check is owned by exactly one transaction; a move out of the status deletes the
// check, so a stay that ended is never acted on. What an automation does is decided by
// src/domain/automations.ts.
import type { Logger } from "pino";
import { inTransaction, type Tx } from "../db/transaction.js";
import { type Automation, automationApplies, automationOutcome } from "../domain/automations.js";
import { tierForLevel } from "../domain/rules.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { type CaseEventRecord, recordEvents } from "../resolvers/audit.js";
import { slaOnPolicyChange } from "../resolvers/sla/clocks.js";
import { addCommentRow, ensureTags } from "../resolvers/ticket-rows.js";
import { raiseAlert } from "./alerts.js";
import type { Realtime } from "./pubsub.js";

export interface AutomationMonitorParts {
  prisma: PrismaClient;
  realtime: Realtime;
  logger: Logger;
}

/**
 * Claims up to `size` due checks (only those in `only`, when given) and runs each
 * automation that applies to its case as it is now, all in one transaction. Resolves to
 * how many checks were claimed and how many automations fired.
 */
async function fireSet(parts: AutomationMonitorParts, now: Date, size: number, only?: readonly string[]) {
  return inTransaction(parts, async (tx) => {
    const claimed = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "AutomationCheck" SET "firedAt" = ${now}, "nextCheckAt" = NULL
      WHERE "id" IN (SELECT "id" FROM "AutomationCheck"
                     WHERE "nextCheckAt" <= ${now} ${only ? Prisma.sql`AND "id" = ANY(${only}::uuid[])` : Prisma.empty}
                     ORDER BY "nextCheckAt" LIMIT ${size} FOR UPDATE SKIP LOCKED)
        AND "firedAt" IS NULL
      RETURNING "id"::text AS "id"`;
    if (!claimed.length) return { claimed: 0, fired: 0 };
    const checks = await tx.automationCheck.findMany({
      where: { id: { in: claimed.map((c) => c.id) } },
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
      include: {
        automation: true,
        ticket: {
          include: {
            tier: { select: { level: true } },
            customer: { select: { name: true } },
            tags: { select: { tag: { select: { name: true } } } },
          },
        },
      },
    });
    // A case with two checks in the set: the second reads what the first changed. What
    // the set changes is written per concern for all its cases at once, after the loop.
    const cases = new Map<
      string,
      {
        tags: string[];
        originalTags: string[];
        priority: (typeof checks)[number]["ticket"]["priority"];
        tierId: string | null;
        tierLevel: number;
        teamId: string | null;
        changed: boolean;
        policyChanged: boolean;
      }
    >();
    const notes: { ticketId: string; body: string }[] = [];
    let tiers: Awaited<ReturnType<Tx["tier"]["findMany"]>> | null = null;
    const events: CaseEventRecord[] = [];
    for (const check of checks) {
      const automation = check.automation as unknown as Automation;
      const { ticket } = check;
      const tagsNow = ticket.tags.map((t) => t.tag.name).sort();
      const current = cases.get(ticket.id) ?? {
        tags: tagsNow,
        originalTags: tagsNow,
        priority: ticket.priority,
        tierId: ticket.tierId,
        tierLevel: ticket.tier?.level ?? 1,
        teamId: ticket.teamId,
        changed: false,
        policyChanged: false,
      };
      cases.set(ticket.id, current);
      const facts = {
        status: ticket.status,
        teamId: ticket.teamId,
        priority: current.priority,
        type: ticket.type,
        tags: current.tags,
        tierLevel: current.tierLevel,
      };
      // Conditions are read at the due instant; when they do not hold the stay is done with it.
      if (!automation.enabled || !automationApplies(automation, facts)) continue;
      const outcome = automationOutcome(automation.actions, facts, {
        "ticket.number": ticket.number,
        "ticket.title": ticket.title,
        "customer.accountId": ticket.accountId,
        "customer.name": ticket.customer?.name ?? ticket.accountId,
      });
      if (outcome.tierLevel !== facts.tierLevel) tiers ??= await tx.tier.findMany({ orderBy: { level: "asc" } });
      const tier = outcome.tierLevel !== facts.tierLevel ? (tierForLevel(tiers!, outcome.tierLevel) ?? null) : null;
      if (outcome.changes.length) {
        current.changed = true;
        if (tier || outcome.priority !== facts.priority) current.policyChanged = true;
        current.tags = [...outcome.tags].sort();
        current.priority = outcome.priority;
        if (tier) Object.assign(current, { tierId: tier.id, tierLevel: tier.level });
      }
      if (outcome.note) notes.push({ ticketId: ticket.id, body: outcome.note });
      events.push({
        ticketId: ticket.id,
        type: "RULE_FIRED",
        before: Object.fromEntries(outcome.changes.map((c) => [c.field, c.before])) as Prisma.InputJsonValue,
        after: {
          ...Object.fromEntries(outcome.changes.map((c) => [c.field, c.after])),
          automationId: automation.id,
          status: automation.status,
          enteredAt: check.enteredAt.toISOString(),
          ...(outcome.tagsLeftOff.length ? { tagsLeftOff: outcome.tagsLeftOff } : {}),
          ...(outcome.note ? { notePosted: true } : {}),
          // Who was alerted: an assignee alert needs an assignee.
          alerted: [
            ...(outcome.alertSupervisors ? ["supervisors"] : []),
            ...(outcome.alertAssignee && ticket.assigneeId ? ["assignee"] : []),
          ],
        } as Prisma.InputJsonValue,
        note: `Automation "${automation.name}"`,
      });
      const message = `${ticket.number} has been ${automation.status} for ${automation.afterSeconds} s (automation "${automation.name}")`;
      if (outcome.alertSupervisors)
        raiseAlert(tx, {
          kind: "AUTOMATION_ALERT",
          audience: "SUPERVISORS",
          teamIds: [ticket.teamId],
          ticketId: ticket.id,
          message,
          at: now,
        });
      if (outcome.alertAssignee && ticket.assigneeId) {
        raiseAlert(tx, {
          kind: "AUTOMATION_ALERT",
          audience: "ASSIGNEE",
          teamIds: [ticket.teamId],
          userIds: [ticket.assigneeId],
          ticketId: ticket.id,
          message,
          at: now,
        });
      }
    }
    const changed = [...cases.entries()].filter(([, c]) => c.changed);
    // Tags the set adds, for all its cases at once (automations only add; a removal is per case).
    const adding = changed.flatMap(([id, c]) => c.tags.filter((n) => !c.originalTags.includes(n)).map((name) => ({ id, name })));
    if (adding.length) {
      const tags = new Map((await ensureTags(tx, [...new Set(adding.map((a) => a.name))])).map((t) => [t.name, t.id]));
      await tx.ticketTag.createMany({
        data: adding.map((a) => ({ ticketId: a.id, tagId: tags.get(a.name)!, addedAt: now })),
        skipDuplicates: true,
      });
    }
    for (const [id, c] of changed) {
      const removing = c.originalTags.filter((n) => !c.tags.includes(n));
      if (removing.length) await tx.ticketTag.deleteMany({ where: { ticketId: id, tag: { name: { in: removing } } } });
    }
    // The changed cases' priority and tier, one statement for the set.
    if (changed.length)
      await tx.$executeRaw`
        UPDATE "Ticket" t SET "priority" = v."priority"::"Priority", "tierId" = v."tierId",
                              "version" = t."version" + 1, "updatedAt" = ${now}
        FROM unnest(${changed.map(([id]) => id)}::uuid[], ${changed.map(([, c]) => c.priority)}::text[],
                    ${changed.map(([, c]) => c.tierId)}::uuid[]) AS v("id", "priority", "tierId")
        WHERE t."id" = v."id"`;
    for (const [id, c] of changed)
      if (c.policyChanged) await slaOnPolicyChange(tx, { id, teamId: c.teamId, priority: c.priority, tierId: c.tierId });
    for (const note of notes)
      await addCommentRow(tx, null, { ticketId: note.ticketId, at: now, body: note.body, visibility: "INTERNAL", kind: "SYSTEM" });
    // The audit events of the whole set (and their webhook messages) in one statement each.
    await recordEvents(tx, null, now, events);
    return { claimed: claimed.length, fired: events.length };
  });
}

/**
 * Fires every check due at `now`, a set of at most `setSize` per transaction, until fewer
 * than a full set is due; resolves to how many automations fired. A set that fails is
 * rolled back and its checks are tried one at a time, so one bad check cannot hold back
 * the others (it stays due and is retried on the next scan).
 */
export async function fireDueAutomations(parts: AutomationMonitorParts, now: Date, setSize: number): Promise<number> {
  // Most scans find nothing due: one read of the index says so without a transaction.
  if (!(await parts.prisma.automationCheck.findFirst({ where: { nextCheckAt: { lte: now } }, select: { id: true } }))) return 0;
  let fired = 0;
  for (;;) {
    try {
      const set = await fireSet(parts, now, setSize);
      fired += set.fired;
      if (set.claimed < setSize) break;
    } catch (error) {
      parts.logger.error({ err: error }, "automation set failed; its checks are tried one at a time");
      const due = await parts.prisma.automationCheck.findMany({
        where: { nextCheckAt: { lte: now } },
        orderBy: { nextCheckAt: "asc" },
        take: setSize,
        select: { id: true },
      });
      for (const { id } of due) {
        try {
          fired += (await fireSet(parts, now, 1, [id])).fired;
        } catch (error) {
          parts.logger.error({ err: error, checkId: id }, "automation check failed; it is retried on the next scan");
        }
      }
      break;
    }
  }
  if (fired) parts.logger.info({ fired }, "automations fired");
  return fired;
}
