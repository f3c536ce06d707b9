// The one claim-and-retry loop of the outbox, shared by every outgoing channel (webhooks,
// Slack): each scan claims the channel's due deliveries (integrations/outbox.ts, once
// across instances), hands each to the channel's sender for one attempt, and records the
// outcome; a failure is retried with backoff and jitter, or after the receiver's
// Retry-After, until the delivery's window ends (domain/webhooks.ts nextAttemptAt), unless
// the sender says trying again cannot mend it (giveUp): then it fails at once.
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { nextAttemptAt, retryAfterMs } from "../domain/webhooks.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { type AttemptOutcome, type AttemptResult, type ClaimedDelivery, claimDue, recordAttempt } from "./outbox.js";

/** What a channel brings to the loop: its name in the outbox and how to make one attempt. */
export interface ChannelSender {
  /** OutboundDelivery.channel. */
  channel: string;
  /** How long an attempt may take: the claim's lease is this plus a margin. */
  timeoutMs: number;
  /** One attempt; a throw counts as a failed attempt ("internal error"). */
  attempt(delivery: ClaimedDelivery): Promise<AttemptResult>;
  /** After an outcome was recorded by this instance (not when the claim was lost). */
  afterAttempt?(delivery: ClaimedDelivery, result: AttemptResult, now: Date): Promise<void>;
}

export interface OutboxDispatcherOptions {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  sender: ChannelSender;
  intervalMs: number;
  /** How many due deliveries one scan takes. */
  batchSize?: number;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /**
   * How long past the attempt's timeout a claim is held: an instance killed mid-attempt
   * leaves a claim that another instance takes over once it lapses. Default 60 s.
   */
  leaseMarginMs?: number;
}

export interface OutboxDispatcher {
  /** One scan: makes every due attempt; resolves to the number of attempts this instance made. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/** Past the attempt's timeout by this much, a claim is taken to be abandoned (the default). */
const LEASE_MARGIN_MS = 60_000;

export function startOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const { prisma, clock, logger, sender, intervalMs, batchSize = 50, random = Math.random, leaseMarginMs = LEASE_MARGIN_MS } = options;
  const log = logger.child({ outbox: sender.channel });
  // Scans run one after another: a tick asked for during a scan runs once it ends, so it
  // sees whatever was committed before it was asked for.
  let chain: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let stopped = false;

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    let result: AttemptResult;
    try {
      result = await sender.attempt(delivery);
    } catch (error) {
      log.error({ err: error, deliveryId: delivery.id }, "outbox attempt failed unexpectedly");
      result = { ok: false, statusCode: null, latencyMs: null, error: "internal error", retryAfter: null };
    }
    const now = clock.now();
    const outcome: AttemptOutcome = {
      ...result,
      nextAttemptAt:
        result.ok || result.giveUp
          ? null
          : nextAttemptAt({
              now,
              attempt: delivery.attempts,
              expiresAt: delivery.expiresAt,
              retryAfterMs: retryAfterMs(result.retryAfter, now),
              random: random(),
            }),
    };
    if ((await recordAttempt(prisma, delivery, outcome, now)) && sender.afterAttempt) await sender.afterAttempt(delivery, result, now);
  }

  async function scan(): Promise<number> {
    const now = clock.now();
    const claimed = await claimDue(prisma, sender.channel, now, sender.timeoutMs + leaseMarginMs, batchSize);
    // Attempts go out together: one slow receiver does not hold up the others.
    const results = await Promise.allSettled(claimed.map((delivery) => deliver(delivery)));
    for (const result of results) {
      if (result.status === "rejected") log.error({ err: result.reason }, "outbox delivery could not be recorded; retried after its lease");
    }
    return claimed.length;
  }

  function tick(): Promise<number> {
    pending++;
    const next = chain.then(scan).finally(() => pending--);
    chain = next.catch(() => 0);
    return next;
  }

  const timer = setInterval(() => {
    // A slow scan is not stacked on.
    if (!stopped && pending === 0) tick().catch((error) => log.error({ err: error }, "outbox scan failed"));
  }, intervalMs);
  timer.unref();

  return {
    tick,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await chain;
    },
  };
}
