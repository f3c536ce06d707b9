// Moving a case through the workflow: the move's rules, the SLA clocks it starts or
// stops, its note kept as a comment, and the survey a move to DONE issues.
import type { Context } from "../../context.js";
import type { Tx } from "../../db/transaction.js";
import type { Automation } from "../../domain/automations.js";
import { parseInput, transitionTexts } from "../../domain/input.js";
import { redactionsIn } from "../../domain/privacy.js";
import { slaEffects } from "../../domain/sla.js";
import { assertTransition, transitionEffects } from "../../domain/workflow.js";
import type { Ticket } from "../../generated/prisma/client.js";
import type { TicketStatus } from "../../generated/prisma/enums.js";
import { automationCalendar, automationsColumn, automationWrites } from "../automations/schedule.js";
import { decodeId } from "../ids.js";
import {
  explainBreaches,
  type SettingsRow,
  slaSettingsColumns,
  slaSettingsOf,
  slaTargetsColumn,
  slaTargetsFromJson,
  slaWrites,
} from "../sla/clocks.js";
import { issueSurvey } from "../surveys.js";
import { commentInsert, saveTicketWithEvent } from "../ticket-rows.js";
import { admitForWrite, type TicketResult, type Write, write } from "../write-frame.js";

export interface MoveRequest {
  to: TicketStatus;
  note?: string | null;
  resolution?: string | null;
  breachReason?: string | null;
}

export interface TransitionArgs extends MoveRequest {
  id: string;
  expectedVersion?: number | null;
}

export interface TransitionResult extends TicketResult {
  /** The one-time token of the satisfaction survey a move to DONE issued. */
  surveyToken?: string;
  surveySendAt?: Date;
}

/** What a move reads besides the case: its SLA targets, what decides its SLA policy and calendar, the new status's automations. */
interface MoveFacts extends SettingsRow {
  targets: Record<string, unknown>[];
  automations: Automation[];
}

const factsOf = (row: MoveFacts) => ({ ...row, targets: slaTargetsFromJson(row.targets) });
type Facts = ReturnType<typeof factsOf>;

/** Everything a move needs to know beyond the case, in one statement. */
async function moveFacts(tx: Tx, ticket: Ticket, to: TicketStatus): Promise<Facts> {
  const [row] = await tx.$queryRaw<MoveFacts[]>`
    SELECT ${slaTargetsColumn(ticket.id)} AS "targets", ${automationsColumn(to)} AS "automations", ${slaSettingsColumns(ticket)}`;
  return factsOf(row!);
}

/** The case to move, with the checks of loadForWrite, and what its move needs, in one statement. */
async function loadForMove(w: Write, args: TransitionArgs): Promise<{ ticket: Ticket; facts: Facts }> {
  const [row] = await w.tx.$queryRaw<(Ticket & MoveFacts)[]>`
    SELECT t.*, ${slaTargetsColumn("t")} AS "targets", ${automationsColumn(args.to)} AS "automations", ${slaSettingsColumns("t")}
    FROM "Ticket" t WHERE t."id" = ${decodeId("input.id", args.id, "Ticket")}::uuid`;
  const { targets, automations, tierLevel, policies, teamCalendar, defaultCalendar, ...ticket } = row ?? ({} as Ticket & MoveFacts);
  admitForWrite(w, row ? ticket : null, args.id, args.expectedVersion);
  return { ticket, facts: factsOf({ targets, automations, tierLevel, channel: ticket.channel, policies, teamCalendar, defaultCalendar }) };
}

/**
 * Moves a case through the workflow's rules. The note is kept as a comment (the
 * customer's reply when going back) unless the caller already posted it.
 * One statement reads what the move needs (with the case itself, for transitionTicket);
 * one writes the case with its SLA targets, automation checks, note and audit event.
 */
export async function moveStep(
  w: Write,
  ticket: Ticket,
  request: MoveRequest,
  expectedVersion?: number | null,
  options: { noteIsPosted?: boolean; facts?: Facts } = {},
): Promise<TransitionResult> {
  const { tx, ctx, viewer, now } = w;
  // One input: a number split between note, resolution and reason is found too.
  const texts = parseInput(transitionTexts, {
    note: request.note,
    resolution: request.resolution || undefined,
    breachReason: request.breachReason,
  });
  const note = texts.note ?? null;
  const resolution = texts.resolution ?? request.resolution;
  assertTransition(viewer, ticket, { to: request.to, note, resolution });
  const customerReplied = ticket.status === "INFORM_CUSTOMER" && request.to === "NOT_STARTED";
  // Staff moving a late case on say why; a customer's reply is never held up for it
  // (the reason is still owed at the team's next move).
  const breachReason = texts.breachReason ?? null;
  const facts = options.facts ?? (await moveFacts(tx, ticket, request.to));
  if (!customerReplied) await explainBreaches(tx, facts.targets, breachReason);
  const safeResolution = request.to === "DONE" ? resolution : undefined;
  const slaChanges = slaEffects(ticket.status, request.to, facts.targets, now);
  await saveTicketWithEvent(
    tx,
    viewer,
    ticket,
    expectedVersion,
    {
      ...transitionEffects(ticket.status, request.to, now, ticket.firstRespondedAt),
      ...(safeResolution ? { resolution: safeResolution } : {}),
      updatedAt: now,
    },
    [
      ...(slaChanges.length ? slaWrites(ticket.id, slaSettingsOf(facts, ticket), slaChanges) : []),
      ...automationWrites(ticket.id, request.to, facts.automations, automationCalendar(facts.teamCalendar, facts.defaultCalendar), now),
      ...(note && !options.noteIsPosted
        ? [
            commentInsert(viewer, {
              ticketId: ticket.id,
              at: now,
              body: note,
              visibility: customerReplied ? "PUBLIC" : "INTERNAL",
              kind: customerReplied ? "CUSTOMER_REPLY" : "NOTE",
            }),
          ]
        : []),
    ],
    now,
    {
      type: "STATUS_CHANGED",
      before: { status: ticket.status },
      after: {
        status: request.to,
        ...(safeResolution ? { resolution: safeResolution } : {}),
        ...redactionsIn(note, safeResolution, breachReason),
      },
      note: note ?? breachReason ?? null,
    },
  );
  return { ticketId: ticket.id, ...(request.to === "DONE" ? await issueSurvey(tx, ctx, ticket.id, now) : {}) };
}

export function transitionTicket(ctx: Context, args: TransitionArgs): Promise<TransitionResult> {
  return write(ctx, async (w) => {
    const { ticket, facts } = await loadForMove(w, args);
    return moveStep(w, ticket, args, args.expectedVersion, { facts });
  });
}
