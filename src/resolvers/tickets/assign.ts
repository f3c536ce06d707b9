// Who works a case: assigning by hand, and handing it out by an assignment strategy.
import type { Context } from "../../context.js";
import { mayAssign } from "../../domain/access.js";
import { type AssignmentStrategy, STRATEGY_NAMES } from "../../domain/rules.js";
import { ForbiddenError, ValidationError } from "../../errors.js";
import type { Ticket } from "../../generated/prisma/client.js";
import { pickAssignee } from "../assignment.js";
import { recordEvent } from "../audit.js";
import { decodeId } from "../ids.js";
import { saveTicket } from "../ticket-rows.js";
import { loadForWrite, type TicketResult, type Write, write } from "../write-frame.js";
import { assertAssignable } from "./team-checks.js";

/** Assigns or unassigns: agents take or drop cases themselves; handing a case to someone else is a supervisor's call. */
export async function assignStep(w: Write, ticket: Ticket, assigneeId: string | null, expectedVersion?: number | null, note?: string) {
  const { tx, viewer, now } = w;
  if (!mayAssign(viewer, ticket, { assigneeId }))
    throw new ForbiddenError("Only supervisors assign cases to others; agents of the owning team may take or drop a case themselves");
  if (assigneeId === ticket.assigneeId) throw ValidationError.of("input.assigneeId", "is already the assignee");
  if (assigneeId) await assertAssignable(tx, assigneeId, ticket.teamId, "input.assigneeId");
  await saveTicket(tx, ticket, expectedVersion, { assigneeId, updatedAt: now });
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "ASSIGNED",
    before: { assigneeId: ticket.assigneeId },
    after: { assigneeId },
    note: note ?? null,
  });
}

export function assignTicket(
  ctx: Context,
  args: { id: string; assigneeId?: string | null; expectedVersion?: number | null },
): Promise<TicketResult> {
  const assigneeId = args.assigneeId ? decodeId("input.assigneeId", args.assigneeId, "User") : null;
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.id, args.expectedVersion);
    await assignStep(w, ticket, assigneeId, args.expectedVersion);
    return { ticketId: ticket.id };
  });
}

/** Hands an unassigned (or reassigned) case to the next person of its team. Supervisors and team tokens. */
export function autoAssignTicket(
  ctx: Context,
  args: { id: string; strategy: AssignmentStrategy; expectedVersion?: number | null },
): Promise<TicketResult> {
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.id, args.expectedVersion);
    if (!mayAssign(w.viewer, ticket, { byStrategy: true })) {
      throw new ForbiddenError("Only supervisors, managers and tokens of the owning team hand out cases");
    }
    if (!ticket.teamId) throw ValidationError.of("input.id", "the case has no owning team to pick from");
    const assigneeId = await pickAssignee(w.tx, ticket.teamId, args.strategy, w.now, ticket);
    if (!assigneeId) throw ValidationError.of("input.strategy", "nobody in the team is available and inside their working hours");
    await assignStep(w, ticket, assigneeId, args.expectedVersion, `Automatic: ${STRATEGY_NAMES[args.strategy]}`);
    return { ticketId: ticket.id };
  });
}
