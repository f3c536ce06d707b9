// Webhook messages enter the outbox (OutboundDelivery) inside the transaction of the
// change they tell of: committed together, or not at all. Every case event passes
// recordEvent (resolvers/audit.ts), every incident entry addToTimeline
// (resolvers/incidents.ts); those two call in here (recordEvents for a set of events at once), so no mutation enqueues on its own.
// The dispatcher (src/integrations/webhooks/) sends them after the commit.
import { randomUUID } from "node:crypto";
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Tx } from "../../db/transaction.js";
import { countsInProduction } from "../../domain/training.js";
import {
  incidentMessage,
  RETRY_WINDOW_MS,
  ticketMessage,
  type WebhookEventType,
  type WebhookMessage,
  webhookEventOfIncidentUpdate,
} from "../../domain/webhooks.js";
import type { Prisma } from "../../generated/prisma/client.js";

/** The channel of webhook deliveries in the outbox; other integrations use their own. */
export const WEBHOOK_CHANNEL = "webhook";

const named = (typename: string, row: { id: string; name: string } | null) =>
  row ? { id: encodeGlobalID(typename, row.id), name: row.name } : null;

/** One message to the endpoints listening for it. */
interface Enqueued {
  endpointIds: readonly string[];
  message: WebhookMessage;
}

/** Writes the outbox rows of a set of messages in one statement. */
async function enqueue(tx: Tx, messages: readonly Enqueued[], at: Date) {
  const data = messages.flatMap(({ endpointIds, message }) => {
    // One message id for every endpoint: receivers that deduplicate across endpoints can.
    const messageId = `msg_${randomUUID().replaceAll("-", "")}`;
    return endpointIds.map((endpointId) => ({
      channel: WEBHOOK_CHANNEL,
      endpointId,
      messageId,
      eventType: message.type,
      payload: message as unknown as Prisma.InputJsonValue,
      nextAttemptAt: at,
      expiresAt: new Date(at.getTime() + RETRY_WINDOW_MS),
      createdAt: at,
    }));
  });
  if (data.length) await tx.outboundDelivery.createMany({ data });
}

/** A case event for the endpoints recordEvents found listening (enabled, of the case's team, for this event type). */
export interface TicketWebhook {
  endpointIds: readonly string[];
  type: WebhookEventType;
  ticketId: string;
  change: { actor: string; before?: unknown; after?: unknown; note?: string | null };
}

/**
 * Queues case events for their endpoints: the cases are read in the transaction (one
 * statement for the set), as the change left them; their contact only as stored masked.
 */
export async function enqueueTicketWebhooks(tx: Tx, webhooks: readonly TicketWebhook[], at: Date) {
  if (!webhooks.length) return;
  const tickets = await tx.ticket.findMany({
    where: { id: { in: [...new Set(webhooks.map((w) => w.ticketId))] } },
    select: {
      id: true,
      number: true,
      title: true,
      status: true,
      priority: true,
      channel: true,
      type: true,
      dueAt: true,
      createdAt: true,
      updatedAt: true,
      tier: { select: { level: true } },
      team: { select: { id: true, name: true } },
      assignee: { select: { id: true, name: true } },
      customer: { select: { contactMasked: true } },
      practice: true,
    },
  });
  const byId = new Map(tickets.map((ticket) => [ticket.id, ticket]));
  // Practice cases are never told to integrators (src/domain/training.ts).
  const counted = webhooks.filter((w) => {
    const ticket = byId.get(w.ticketId);
    if (!ticket) throw new Error(`No case ${w.ticketId} to send ${w.type} of`);
    return countsInProduction(ticket);
  });
  const messages = counted.map(({ endpointIds, type, ticketId, change }) => {
    const ticket = byId.get(ticketId)!;
    const message = ticketMessage(
      type,
      at,
      {
        ...ticket,
        id: encodeGlobalID("Ticket", ticket.id),
        tierLevel: ticket.tier?.level ?? null,
        team: named("Team", ticket.team),
        assignee: named("User", ticket.assignee),
        contactMasked: ticket.customer?.contactMasked ?? null,
      },
      change,
    );
    return { endpointIds, message };
  });
  await enqueue(tx, messages, at);
}

/** Queues an incident's declaration or resolution for the endpoints of any of its teams. */
export async function enqueueIncidentWebhooks(tx: Tx, incidentId: string, kind: string, entry: string, at: Date) {
  const type = webhookEventOfIncidentUpdate(kind);
  if (!type) return;
  const incident = await tx.incident.findUniqueOrThrow({
    where: { id: incidentId },
    select: {
      id: true,
      title: true,
      severity: true,
      status: true,
      createdAt: true,
      resolvedAt: true,
      teams: { select: { team: { select: { id: true, name: true } } } },
    },
  });
  const teamIds = incident.teams.map((t) => t.team.id);
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { enabled: true, eventTypes: { has: type }, teamIds: { hasSome: teamIds } },
    select: { id: true },
  });
  if (!endpoints.length) return;
  const message = incidentMessage(
    type,
    at,
    {
      ...incident,
      id: encodeGlobalID("Incident", incident.id),
      teams: incident.teams.map((t) => named("Team", t.team)!).sort((a, b) => a.name.localeCompare(b.name)),
    },
    entry,
  );
  await enqueue(tx, [{ endpointIds: endpoints.map((e) => e.id), message }], at);
}
