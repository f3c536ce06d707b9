// Escalating a case by hand to a higher support tier, with a reason. Automatic
// escalation is src/resolvers/escalation.ts.
import type { Context } from "../../context.js";
import { directsTicket } from "../../domain/access.js";
import { parseInput, reason as reasonText } from "../../domain/input.js";
import { redactionsIn } from "../../domain/privacy.js";
import { ForbiddenError, ValidationError } from "../../errors.js";
import type { Ticket } from "../../generated/prisma/client.js";
import { recordEvent } from "../audit.js";
import { slaOnPolicyChange } from "../sla/clocks.js";
import { saveTicket } from "../ticket-rows.js";
import { loadForWrite, type TicketResult, type Write, write } from "../write-frame.js";

/** Supervisors, managers and tokens of the owning team move a case up to a higher tier. */
export async function escalateStep(
  w: Write,
  ticket: Ticket,
  tierLevel: number,
  why: string,
  expectedVersion?: number | null,
  field = "input.tierLevel",
) {
  const { tx, viewer, now } = w;
  if (!directsTicket(viewer, ticket)) {
    throw new ForbiddenError("Only supervisors and managers escalate cases");
  }
  const [current, target] = await Promise.all([
    ticket.tierId ? tx.tier.findUnique({ where: { id: ticket.tierId } }) : null,
    tx.tier.findUnique({ where: { level: tierLevel } }),
  ]);
  if (!target) throw ValidationError.of(field, "names no support tier");
  if (current && target.level <= current.level) {
    throw ValidationError.of(field, `must be above the current tier (L${current.level})`);
  }
  await saveTicket(tx, ticket, expectedVersion, { tierId: target.id, updatedAt: now });
  await slaOnPolicyChange(tx, { ...ticket, tierId: target.id });
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "ESCALATED",
    before: { tierLevel: current?.level ?? null },
    after: { tierLevel: target.level, ...redactionsIn(why) },
    note: why,
  });
}

export function escalateTicket(
  ctx: Context,
  args: { id: string; tierLevel: number; reason: string; expectedVersion?: number | null },
): Promise<TicketResult> {
  const why = parseInput(reasonText, args.reason, "input.reason");
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.id, args.expectedVersion);
    await escalateStep(w, ticket, args.tierLevel, why, args.expectedVersion);
    return { ticketId: ticket.id };
  });
}
