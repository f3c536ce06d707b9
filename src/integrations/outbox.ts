// The durable outbox of outgoing integrations (OutboundDelivery): rows are written in
// the transaction of the change they tell of; a dispatcher per channel claims due rows,
// makes one attempt each and records the outcome. Any number of instances scan; a row is
// claimed by the conditional UPDATE that moves its next attempt past a lease, so one
// instance makes each attempt. An attempt whose instance died (SIGKILL, power loss)
// leaves the row due again when the lease ends, and the next scan anywhere retries it.
import type { PrismaClient } from "../generated/prisma/client.js";

export interface ClaimedDelivery {
  id: string;
  endpointId: string | null;
  messageId: string;
  eventType: string;
  payload: unknown;
  /** This attempt's number (1 for the first); fences the outcome against a stale claim. */
  attempts: number;
  expiresAt: Date;
}

/**
 * Claims up to `limit` due deliveries of a channel for `leaseMs`. A delivery of a disabled
 * webhook endpoint is not due: it waits until the endpoint is enabled again.
 */
export async function claimDue(prisma: PrismaClient, channel: string, now: Date, leaseMs: number, limit: number) {
  const due = await prisma.outboundDelivery.findMany({
    where: {
      channel,
      status: "PENDING",
      nextAttemptAt: { lte: now },
      OR: [{ endpointId: null }, { endpoint: { enabled: true } }],
    },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: { id: true, attempts: true },
  });
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const claimed: ClaimedDelivery[] = [];
  for (const row of due) {
    // Whoever moves the row first owns the attempt; the others' UPDATE matches nothing.
    const { count } = await prisma.outboundDelivery.updateMany({
      where: { id: row.id, status: "PENDING", attempts: row.attempts, nextAttemptAt: { lte: now } },
      data: { attempts: row.attempts + 1, nextAttemptAt: leaseUntil, leaseUntil, lastAttemptAt: now },
    });
    if (count === 0) continue;
    const delivery = await prisma.outboundDelivery.findUnique({
      where: { id: row.id },
      select: { id: true, endpointId: true, messageId: true, eventType: true, payload: true, attempts: true, expiresAt: true },
    });
    if (delivery) claimed.push(delivery);
  }
  return claimed;
}

/** What one attempt of a sender (webhook POST, Slack API call) came to. */
export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  /** Why it failed, for the delivery log: never a secret, never the response body. */
  error: string | null;
  /** The receiver's Retry-After header, as sent. */
  retryAfter: string | null;
  /** The receiver's own code for the failure (Slack's `channel_not_found`…), when it gives one. */
  errorCode?: string | null;
  /** Trying again cannot mend it (the receiver said so): the delivery fails now, not after its window. */
  giveUp?: boolean;
}

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  errorCode?: string | null;
  /** When to try again after a failure; null gives up. */
  nextAttemptAt: Date | null;
}

/**
 * Records an attempt's outcome, unless the claim was lost meanwhile (the lease ran out
 * and another instance made a newer attempt): then that attempt's outcome counts.
 */
export async function recordAttempt(prisma: PrismaClient, delivery: ClaimedDelivery, outcome: AttemptOutcome, now: Date) {
  const { count } = await prisma.outboundDelivery.updateMany({
    where: { id: delivery.id, attempts: delivery.attempts, status: "PENDING" },
    data: {
      status: outcome.ok ? "DELIVERED" : outcome.nextAttemptAt ? "PENDING" : "FAILED",
      nextAttemptAt: outcome.ok ? null : outcome.nextAttemptAt,
      leaseUntil: null,
      lastStatusCode: outcome.statusCode,
      lastLatencyMs: outcome.latencyMs,
      lastError: outcome.error,
      lastErrorCode: outcome.ok ? null : (outcome.errorCode ?? null),
      ...(outcome.ok ? { deliveredAt: now } : {}),
    },
  });
  return count === 1;
}
