// Slack messages enter the outbox (OutboundDelivery, channel "slack") inside the
// transaction of the change they tell of, like webhooks: committed together or not at
// all, then sent and retried by the Slack sender (src/integrations/slack/). Every case
// event passes recordEvent (resolvers/audit.ts) and every incident entry addToTimeline
// (resolvers/incidents.ts); those call in here. A case's first message in a channel
// claims the case's thread there (SlackThread), so later ones reply in it.
import { randomUUID } from "node:crypto";
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Tx } from "../../db/transaction.js";
import { visibleCommentsWhere } from "../../domain/access.js";
import {
  routedEvent,
  type SlackCase,
  type SlackPayload,
  slackEventOfIncidentUpdate,
  slackEventsOfTicketEvent,
  slackNoteOfTicketEvent,
} from "../../domain/slack.js";
import { countsInProduction } from "../../domain/training.js";
import { RETRY_WINDOW_MS } from "../../domain/webhooks.js";
import type { Prisma } from "../../generated/prisma/client.js";

/** The channel of Slack deliveries in the outbox. */
export const SLACK_CHANNEL = "slack";

/** One audit event as recordEvent hands it over. */
export interface SlackCaseEvent {
  ticketId: string;
  teamId: string | null;
  type: string;
  after?: unknown;
  note?: string | null;
}

const person = (user: { name: string; slackUserId: string | null } | null) =>
  user ? { name: user.name, slackUserId: user.slackUserId } : null;

/** A case as its Slack messages show it, read in the transaction as the change left it. */
export async function slackCase(tx: Tx, ticketId: string): Promise<SlackCase> {
  const ticket = await tx.ticket.findUniqueOrThrow({
    where: { id: ticketId },
    select: {
      id: true,
      number: true,
      title: true,
      status: true,
      priority: true,
      team: { select: { name: true } },
      assignee: { select: { name: true, slackUserId: true } },
      submittedBy: { select: { name: true, slackUserId: true } },
      customer: { select: { contactMasked: true } },
      slaTargets: {
        where: { metAt: null, pausedAt: null, dueAt: { not: null } },
        orderBy: { dueAt: "asc" },
        take: 1,
        select: { dueAt: true },
      },
      // The latest comment everyone may read: never a reply still held for review.
      comments: { where: visibleCommentsWhere(null), orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1, select: { id: true } },
      practice: true,
    },
  });
  const comment = ticket.comments[0];
  return {
    id: encodeGlobalID("Ticket", ticket.id),
    number: ticket.number,
    title: ticket.title,
    status: ticket.status,
    priority: ticket.priority,
    team: ticket.team?.name ?? null,
    assignee: person(ticket.assignee),
    submittedBy: person(ticket.submittedBy),
    contactMasked: ticket.customer?.contactMasked ?? null,
    slaDueAt: ticket.slaTargets[0]?.dueAt?.toISOString() ?? null,
    markerCommentId: comment ? encodeGlobalID("Comment", comment.id) : null,
    practice: ticket.practice,
  };
}

const newMessageId = () => `slack_${randomUUID().replaceAll("-", "")}`;

/** Queues a message for a team's routed channel; `teamId` is whose list (slackDeliveries) it shows in. */
async function enqueue(tx: Tx, messageId: string, payload: SlackPayload, at: Date, teamId: string) {
  await tx.outboundDelivery.create({
    data: {
      channel: SLACK_CHANNEL,
      teamIds: [teamId],
      messageId,
      eventType: payload.event,
      payload: payload as unknown as Prisma.InputJsonValue,
      nextAttemptAt: at,
      expiresAt: new Date(at.getTime() + RETRY_WINDOW_MS),
      createdAt: at,
    },
  });
}

/**
 * Queues the messages of a write's case events for the channels of the cases' teams that
 * route them: the case as the change left it, the message itself is drawn when sent
 * (domain/slack.ts slackMessage). No query when none of the events is one Slack hears of.
 */
export async function enqueueTicketSlack(tx: Tx, events: readonly SlackCaseEvent[], at: Date) {
  const wanted = events
    .map((event) => ({ ...event, candidates: slackEventsOfTicketEvent(event.type, event.after) }))
    .filter((event) => event.teamId !== null && event.candidates.length > 0);
  if (!wanted.length) return;
  const routes = await tx.slackChannel.findMany({
    where: { teamId: { in: [...new Set(wanted.map((e) => e.teamId!))] } },
    select: { teamId: true, channel: true, eventTypes: true },
    orderBy: { channel: "asc" },
  });
  if (!routes.length) return;
  // null: a practice case, which no team channel hears of (domain/training.ts).
  const cases = new Map<string, SlackCase | null>();
  for (const event of wanted) {
    for (const route of routes) {
      if (route.teamId !== event.teamId) continue;
      const type = routedEvent(event.candidates, route.eventTypes);
      if (!type) continue;
      if (!cases.has(event.ticketId)) {
        const read = await slackCase(tx, event.ticketId);
        cases.set(event.ticketId, countsInProduction(read) ? read : null);
      }
      const shown = cases.get(event.ticketId);
      if (!shown) continue;
      const messageId = newMessageId();
      // The first message of a case in a channel starts its thread; a concurrent write
      // waits here for the first to commit and then replies.
      const { count } = await tx.slackThread.createMany({
        data: [{ ticketId: event.ticketId, channel: route.channel, rootMessageId: messageId, createdAt: at }],
        skipDuplicates: true,
      });
      const payload: SlackPayload = {
        kind: "case",
        event: type,
        channel: route.channel,
        ticketId: event.ticketId,
        startsThread: count === 1,
        case: shown,
        note: slackNoteOfTicketEvent(event.type, event.after, event.note),
      };
      await enqueue(tx, messageId, payload, at, route.teamId);
    }
  }
}

/** Queues an incident's declaration or resolution (severity 3 and up) for the channels of its teams. */
export async function enqueueIncidentSlack(tx: Tx, incidentId: string, kind: string, entry: string, at: Date) {
  // Only declarations and resolutions are told, whatever the severity: other entries cost no query.
  if (!slackEventOfIncidentUpdate(kind, Number.POSITIVE_INFINITY)) return;
  const incident = await tx.incident.findUniqueOrThrow({
    where: { id: incidentId },
    select: { title: true, severity: true, status: true, teams: { select: { team: { select: { id: true, name: true } } } } },
  });
  const type = slackEventOfIncidentUpdate(kind, incident.severity);
  if (!type) return;
  const routes = await tx.slackChannel.findMany({
    where: { teamId: { in: incident.teams.map((t) => t.team.id) }, eventTypes: { has: type } },
    select: { channel: true, teamId: true },
    orderBy: { channel: "asc" },
  });
  if (!routes.length) return;
  const shown = { ...incident, teams: incident.teams.map((t) => t.team.name).sort((a, b) => a.localeCompare(b)) };
  for (const route of routes) {
    await enqueue(tx, newMessageId(), { kind: "incident", event: type, channel: route.channel, incident: shown, entry }, at, route.teamId);
  }
}
