// Automatic acknowledgements: a public reply from a per-channel template when a case
// arrives, so the customer knows it was received and under which number.
import type { Context } from "../context.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import { freeText, parseInput } from "../domain/input.js";
import { redact } from "../domain/privacy.js";
import { renderTemplate, unknownPlaceholders } from "../domain/templates.js";
import { ValidationError } from "../errors.js";
import type { Channel } from "../generated/prisma/enums.js";
import { recordEvent } from "./audit.js";

export function checkTemplate(template: string, field: string): string {
  const body = parseInput(freeText(5000), template, field);
  const unknown = unknownPlaceholders(body);
  if (unknown.length) {
    throw ValidationError.of(field, `unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `{{${n}}}`).join(", ")}`);
  }
  return body;
}

export async function upsertAutoReply(ctx: Context, args: { channel: Channel; template: string; enabled?: boolean | null }) {
  const template = checkTemplate(args.template, "input.template");
  const enabled = args.enabled ?? true;
  await inTransaction(ctx, (tx) =>
    tx.autoReply.upsert({
      where: { channel: args.channel },
      create: { channel: args.channel, template, enabled },
      update: { template, enabled },
    }),
  );
  return { channel: args.channel };
}

/**
 * A template filled in with the case as it is now inside the write. Template and values
 * were each redacted when written, but a number can be put together from them (digits
 * ending the template's text, more starting the title), so the result is redacted too.
 */
export async function renderForTicket(tx: Tx, ticketId: string, template: string, agentName: string | null) {
  const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: ticketId }, include: { customer: true } });
  const rendered = renderTemplate(template, {
    "customer.name": ticket.customer?.name ?? ticket.accountId,
    "customer.accountId": ticket.accountId,
    "ticket.number": ticket.number,
    "ticket.title": ticket.title,
    "ticket.status": ticket.status,
    "ticket.priority": ticket.priority,
    "ticket.dueAt": ticket.dueAt?.toISOString() ?? "",
    "agent.name": agentName ?? "",
  });
  return redact(rendered).text;
}

/** Posts the channel's acknowledgement on a new case, inside the creating transaction. */
export async function acknowledge(tx: Tx, ticketId: string, channel: Channel, at: Date) {
  const reply = await tx.autoReply.findUnique({ where: { channel } });
  if (!reply?.enabled) return;
  const body = await renderForTicket(tx, ticketId, reply.template, null);
  const comment = await tx.comment.create({
    data: { ticketId, body, visibility: "PUBLIC", kind: "SYSTEM", createdAt: at },
    select: { id: true },
  });
  await recordEvent(tx, null, ticketId, at, {
    type: "COMMENTED",
    after: { commentId: comment.id, visibility: "PUBLIC", kind: "SYSTEM", autoReply: true },
  });
}
