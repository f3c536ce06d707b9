// Changing a case's fields: one UPDATED event with each changed field's value before and
// after. A team change drops the assignee; a priority or team change re-reads the SLA
// policy; the UPDATED rules then run in the same write.
import type { Context } from "../../context.js";
import { parseInput, updateTicketInput } from "../../domain/input.js";
import { redactionsIn } from "../../domain/privacy.js";
import { dropsAssignee, titleProblem } from "../../domain/workflow.js";
import { ValidationError } from "../../errors.js";
import type { Prisma, Ticket } from "../../generated/prisma/client.js";
import type { Priority, TicketType } from "../../generated/prisma/enums.js";
import { recordEvent } from "../audit.js";
import { decodeId } from "../ids.js";
import { runRules } from "../rules/apply.js";
import { slaOnPolicyChange } from "../sla/clocks.js";
import { saveTicket } from "../ticket-rows.js";
import { loadForWrite, type TicketResult, type Write, write } from "../write-frame.js";
import { upsertCustomer } from "./customer.js";
import { assertTeamExists, assertWithinTokenTeams } from "./team-checks.js";

export interface TicketFieldChanges {
  title?: string | null;
  accountId?: string | null;
  externalRef?: string | null;
  type?: TicketType | null;
  subcategory?: string | null;
  priority?: Priority | null;
  severity?: number | null;
  teamId?: string | null;
  description?: string | null;
  details?: string | null;
  requester?: { name?: string | null; contact?: string | null } | null;
  dueAt?: Date | null;
}

export interface UpdateTicketArgs extends TicketFieldChanges {
  id: string;
  expectedVersion?: number | null;
}

const AUDITED_FIELDS = [
  "title",
  "accountId",
  "externalRef",
  "type",
  "subcategory",
  "priority",
  "severity",
  "teamId",
  "description",
  "details",
  "dueAt",
] as const;

/** Changes a case's fields (teamId already decoded), with one UPDATED event. */
export async function updateStep(w: Write, ticket: Ticket, changes: TicketFieldChanges, expectedVersion?: number | null) {
  const { tx, ctx, viewer, now } = w;
  // The case's texts this update leaves alone are read with the new ones (a number split across writes).
  const kept = (["title", "description", "details", "externalRef", "subcategory"] as const).filter((field) => changes[field] == null);
  const input = parseInput(updateTicketInput, changes, "input", [...kept.map((field) => ticket[field]), ticket.resolution]);
  const teamId = changes.teamId ?? undefined;
  if (teamId) await assertTeamExists(tx, teamId, "input.teamId");
  const candidate: Partial<Record<(typeof AUDITED_FIELDS)[number], unknown>> = {
    title: input.title ?? undefined,
    accountId: input.accountId ?? undefined,
    externalRef: input.externalRef ?? undefined,
    type: changes.type ?? undefined,
    subcategory: input.subcategory ?? undefined,
    priority: changes.priority ?? undefined,
    severity: input.severity ?? undefined,
    teamId,
    description: input.description ?? undefined,
    details: input.details ?? undefined,
    dueAt: input.dueAt ?? undefined,
  };
  const title = (candidate.title as string | undefined) ?? ticket.title;
  const accountId = (candidate.accountId as string | undefined) ?? ticket.accountId;
  const problem = titleProblem(title, accountId);
  if (problem) {
    throw ValidationError.of(candidate.title ? "input.title" : "input.accountId", `the title ${problem}`);
  }
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const field of AUDITED_FIELDS) {
    const next = candidate[field];
    const current = ticket[field];
    const same = next instanceof Date && current instanceof Date ? next.getTime() === current.getTime() : next === current;
    if (next !== undefined && !same) {
      before[field] = current instanceof Date ? current.toISOString() : current;
      after[field] = next instanceof Date ? next.toISOString() : next;
    }
  }
  const customerChanged = Boolean(input.requester?.name || input.requester?.contact);
  if (!Object.keys(after).length && !customerChanged) {
    throw ValidationError.of("input", "changes nothing: send at least one field with a new value");
  }
  if (teamId) assertWithinTokenTeams(viewer, teamId);
  if (dropsAssignee(ticket, teamId)) {
    before.assigneeId = ticket.assigneeId;
    after.assigneeId = null;
  }
  const customerId = customerChanged ? await upsertCustomer(ctx, tx, accountId, input.requester) : undefined;
  await saveTicket(tx, ticket, expectedVersion, {
    ...(after as Prisma.TicketUncheckedUpdateManyInput),
    ...(customerId ? { customerId } : {}),
    updatedAt: now,
  } as Prisma.TicketUncheckedUpdateManyInput);
  if (after.priority !== undefined || after.teamId !== undefined) {
    await slaOnPolicyChange(tx, {
      id: ticket.id,
      tierId: ticket.tierId,
      priority: (after.priority as Priority | undefined) ?? ticket.priority,
      teamId: (after.teamId as string | undefined) ?? ticket.teamId,
    });
  }
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "UPDATED",
    before: before as Prisma.InputJsonValue,
    after: {
      ...after,
      ...(customerChanged ? { requester: "changed" } : {}),
      ...redactionsIn(input.title, input.externalRef, input.subcategory, input.description, input.details, input.requester?.name),
    } as Prisma.InputJsonValue,
  });
}

export async function updateTicket(ctx: Context, args: UpdateTicketArgs): Promise<TicketResult> {
  const teamId = args.teamId ? decodeId("input.teamId", args.teamId, "Team") : undefined;
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.id, args.expectedVersion);
    await updateStep(w, ticket, { ...args, teamId }, args.expectedVersion);
    await runRules(w, ticket.id);
    return { ticketId: ticket.id };
  });
}
