// Creating a case: one transaction that routes it by the rules, numbers it, and writes
// it whole with its CREATED event and each rule's firing. A retry with the same
// idempotency key gets the case the first attempt created.
import type { Context } from "../../context.js";
import type { Tx } from "../../db/transaction.js";
import type { Viewer } from "../../domain/access.js";
import { createTicketInput, parseInput } from "../../domain/input.js";
import { formatTicketNumber, numberingDay } from "../../domain/numbering.js";
import { redactionsIn } from "../../domain/privacy.js";
import { evaluateRules, tierForLevel } from "../../domain/rules.js";
import type { Channel, Priority, TicketType } from "../../generated/prisma/enums.js";
import { recordEvent } from "../audit.js";
import { acknowledge } from "../auto-replies.js";
import { automationsOnStatusChange } from "../automations/schedule.js";
import { autoEscalateNewCase } from "../escalation.js";
import { decodeId } from "../ids.js";
import { enabledRules, recordFirings } from "../rules/apply.js";
import { ensureTags } from "../ticket-rows.js";
import { type TicketResult, viewerOf, write } from "../write-frame.js";
import { upsertCustomer } from "./customer.js";
import { assertAssignable, assertTeamExists, assertWithinTokenTeams } from "./team-checks.js";

/** The next number of the channel's day. The counter row is locked until commit, so it never repeats or skips. */
export async function nextTicketNumber(ctx: Pick<Context, "numberingTimeZone">, tx: Tx, channel: Channel, at: Date): Promise<string> {
  const day = numberingDay(at, ctx.numberingTimeZone);
  const rows = await tx.$queryRaw<{ last: number }[]>`
    INSERT INTO "TicketSequence" ("channel", "day", "last") VALUES (${channel}::"Channel", ${day}, 1)
    ON CONFLICT ("channel", "day") DO UPDATE SET "last" = "TicketSequence"."last" + 1
    RETURNING "last"`;
  return formatTicketNumber(channel, day, Number(rows[0]!.last));
}

export interface CreateTicketArgs {
  title: string;
  accountId: string;
  externalRef?: string | null;
  channel: Channel;
  type: TicketType;
  subcategory?: string | null;
  priority: Priority;
  severity?: number | null;
  teamId?: string | null;
  description?: string | null;
  details?: string | null;
  requester?: { name?: string | null; contact?: string | null } | null;
  tags?: string[] | null;
  assigneeId?: string | null;
  attachments?: { name: string; kind: string; size: number; url?: string | null }[] | null;
  idempotencyKey?: string | null;
  dueAt?: Date | null;
  /** A practice case for training (src/domain/training.ts). */
  practice?: boolean | null;
}

function idempotencyScope(viewer: Viewer, key: string) {
  return viewer.kind === "user" ? `user:${viewer.userId}:${key}` : `token:${viewer.tokenId}:${key}`;
}

export async function createTicket(ctx: Context, args: CreateTicketArgs): Promise<TicketResult> {
  const viewer = viewerOf(ctx);
  const input = parseInput(createTicketInput, args);
  const teamId = args.teamId ? decodeId("input.teamId", args.teamId, "Team") : null;
  const assigneeId = args.assigneeId ? decodeId("input.assigneeId", args.assigneeId, "User") : null;
  const idempotencyKey = input.idempotencyKey ? idempotencyScope(viewer, input.idempotencyKey) : null;

  // A retried request gets the case its first attempt created.
  const replay = async () => (idempotencyKey ? ctx.prisma.ticket.findUnique({ where: { idempotencyKey }, select: { id: true } }) : null);
  const earlier = await replay();
  if (earlier) return { ticketId: earlier.id };

  try {
    const ticketId = await write(ctx, async (w) => {
      const { tx, now } = w;
      if (teamId) await assertTeamExists(tx, teamId, "input.teamId");
      // Routing rules and tag triggers decide team, tier, priority, tags and flags
      // before the case exists, so it is written once, whole.
      const [rules, tiers] = await Promise.all([
        enabledRules(tx),
        tx.tier.findMany({ orderBy: { level: "asc" }, select: { id: true, level: true } }),
      ]);
      const evaluation = evaluateRules(
        rules,
        {
          type: args.type,
          channel: args.channel,
          priority: args.priority,
          tags: input.tags ?? [],
          teamId,
          tierLevel: tiers[0]?.level ?? 1,
          atRisk: false,
        },
        "CREATED",
        { teamFixed: teamId !== null, assigned: assigneeId !== null },
      );
      const { facts } = evaluation;
      const owningTeam = facts.teamId;
      assertWithinTokenTeams(viewer, owningTeam);
      if (assigneeId) await assertAssignable(tx, assigneeId, owningTeam, "input.assigneeId");

      const tier = tierForLevel(tiers, facts.tierLevel);
      const [customerId, number, tagRows] = await Promise.all([
        upsertCustomer(ctx, tx, input.accountId, input.requester),
        nextTicketNumber(ctx, tx, args.channel, now),
        ensureTags(tx, facts.tags),
      ]);
      const ticket = await tx.ticket.create({
        data: {
          number,
          title: input.title,
          accountId: input.accountId,
          externalRef: input.externalRef,
          channel: args.channel,
          type: args.type,
          subcategory: input.subcategory,
          priority: facts.priority,
          severity: input.severity,
          description: input.description,
          details: input.details,
          teamId: owningTeam,
          tierId: tier?.id,
          atRisk: facts.atRisk,
          assigneeId,
          customerId,
          dueAt: input.dueAt,
          practice: args.practice ?? false,
          idempotencyKey,
          submittedById: viewer.kind === "user" ? viewer.userId : null,
          submittedByTokenId: viewer.kind === "token" ? viewer.tokenId : null,
          createdAt: now,
          updatedAt: now,
          tags: { create: tagRows.map((tag) => ({ tagId: tag.id, addedAt: now })) },
          attachments: { create: (input.attachments ?? []).map((a) => ({ ...a, createdAt: now })) },
        },
        select: { id: true, number: true, teamId: true, version: true, practice: true },
      });
      // The CREATED event shows the case as the submitter sent it; each rule's change follows as its own event.
      await recordEvent(tx, viewer, ticket.id, now, {
        type: "CREATED",
        after: {
          number,
          status: "NEW",
          priority: args.priority,
          teamId,
          assigneeId,
          tags: [...(input.tags ?? [])].sort(),
          ...(args.practice ? { practice: true } : {}),
          ...redactionsIn(
            input.title,
            input.externalRef,
            input.subcategory,
            input.description,
            input.details,
            input.requester?.name,
            ...(input.attachments ?? []).flatMap((a) => [a.name, a.kind, a.url]),
          ),
        },
      });
      await recordFirings(w, ticket, evaluation);
      await autoEscalateNewCase(
        tx,
        { id: ticket.id, accountId: input.accountId, type: args.type, tierId: tier?.id ?? null, practice: args.practice ?? false },
        now,
      );
      await acknowledge(tx, ticket.id, args.channel, now);
      // A new case begins its stay in NEW.
      await automationsOnStatusChange(tx, ticket, "NEW", now);
      return ticket.id;
    });
    return { ticketId };
  } catch (error) {
    // Two attempts with one key raced; the loser returns the winner's case.
    const earlier = (error as { code?: string }).code === "P2002" ? await replay() : null;
    if (earlier) return { ticketId: earlier.id };
    throw error;
  }
}
