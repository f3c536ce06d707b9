// Sends due webhook deliveries from the outbox, signed as Standard Webhooks asks, at
// least once, each message id once per endpoint across all instances (claims in
// integrations/outbox.ts). A failed attempt is retried with backoff and jitter, or after
// the receiver's Retry-After, for at least 24 hours; an endpoint failing without a break
// for WEBHOOK_DISABLE_AFTER_HOURS is disabled and its teams' supervisors are alerted.
import type { Logger } from "pino";
import type { ContactCipher } from "../../auth/secrets.js";
import type { Clock } from "../../clock.js";
import type { WebhookConfig } from "../../config.js";
import { inTransaction } from "../../db/transaction.js";
import { failedTooLong, nextAttemptAt, retryAfterMs, signatureHeader, signingSecrets } from "../../domain/webhooks.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { raiseAlert } from "../../realtime/alerts.js";
import type { Realtime } from "../../realtime/pubsub.js";
import { WEBHOOK_CHANNEL } from "../../resolvers/webhooks/enqueue.js";
import { type AttemptOutcome, type ClaimedDelivery, claimDue, recordAttempt } from "../outbox.js";
import { type AttemptResult, postWebhook } from "./post.js";

export interface WebhookDispatcherOptions {
  prisma: PrismaClient;
  realtime: Realtime;
  clock: Clock;
  cipher: ContactCipher;
  logger: Logger;
  config: WebhookConfig;
  /** How many due deliveries one scan takes. */
  batchSize?: number;
  /** Jitter source, [0, 1). */
  random?: () => number;
}

export interface WebhookDispatcher {
  /** One scan: makes every due attempt; resolves to the number of attempts this instance made. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/** Past the attempt's timeout by this much, a claim is taken to be abandoned. */
const LEASE_MARGIN_MS = 60_000;

export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { prisma, realtime, clock, cipher, logger, config, batchSize = 50, random = Math.random } = options;
  // Scans run one after another: a tick asked for during a scan runs once it ends, so it
  // sees whatever was committed before it was asked for.
  let chain: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let stopped = false;

  async function attempt(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id: delivery.endpointId! } });
    if (!endpoint) return { ok: false, statusCode: null, latencyMs: null, error: "the endpoint was deleted", retryAfter: null };
    const secrets = signingSecrets(
      cipher.decrypt(endpoint.secretEncrypted),
      endpoint.previousSecretEncrypted ? cipher.decrypt(endpoint.previousSecretEncrypted) : null,
      endpoint.previousSecretExpiresAt,
      clock.now(),
    );
    const body = JSON.stringify(delivery.payload);
    // The receiver checks the timestamp against its own clock to refuse replays: wall time.
    const timestamp = Math.floor(Date.now() / 1000);
    return postWebhook({
      url: endpoint.url,
      body,
      timeoutMs: config.timeoutMs,
      allowPrivateNetworks: config.allowPrivateNetworks,
      headers: {
        "content-type": "application/json",
        "user-agent": "caseflow-webhooks",
        "webhook-id": delivery.messageId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signatureHeader(secrets, delivery.messageId, timestamp, body),
      },
    });
  }

  /** A failure run starts, continues or ends; long enough, the endpoint is disabled and supervisors told. */
  async function trackEndpoint(endpointId: string, ok: boolean, now: Date) {
    if (ok) {
      await prisma.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: { not: null } }, data: { failingSince: null } });
      return;
    }
    await inTransaction({ prisma, realtime }, async (tx) => {
      await tx.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: null }, data: { failingSince: now } });
      const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: endpointId } });
      if (!endpoint?.enabled || !failedTooLong(endpoint.failingSince, now, config.disableAfterMs)) return;
      const hours = Math.round(config.disableAfterMs / 3600_000);
      const { count } = await tx.webhookEndpoint.updateMany({
        where: { id: endpointId, enabled: true },
        data: { enabled: false, disabledAt: now, disabledReason: `every attempt failed for ${hours} h` },
      });
      if (count === 0) return; // another instance disabled it and alerted
      raiseAlert(tx, {
        kind: "WEBHOOK_DISABLED",
        audience: "SUPERVISORS",
        teamIds: endpoint.teamIds,
        message: `Webhook endpoint ${new URL(endpoint.url).host} failed for ${hours} h and was disabled; fix it and enable it again`,
        at: now,
      });
      logger.warn({ endpointId }, "webhook endpoint disabled after failing continuously");
    });
  }

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    let result: AttemptResult;
    try {
      result = await attempt(delivery);
    } catch (error) {
      logger.error({ err: error, deliveryId: delivery.id }, "webhook attempt failed unexpectedly");
      result = { ok: false, statusCode: null, latencyMs: null, error: "internal error", retryAfter: null };
    }
    const now = clock.now();
    const outcome: AttemptOutcome = {
      ...result,
      nextAttemptAt: result.ok
        ? null
        : nextAttemptAt({
            now,
            attempt: delivery.attempts,
            expiresAt: delivery.expiresAt,
            retryAfterMs: retryAfterMs(result.retryAfter, now),
            random: random(),
          }),
    };
    if (await recordAttempt(prisma, delivery, outcome, now)) await trackEndpoint(delivery.endpointId!, result.ok, now);
  }

  async function scan(): Promise<number> {
    const now = clock.now();
    const claimed = await claimDue(prisma, WEBHOOK_CHANNEL, now, config.timeoutMs + LEASE_MARGIN_MS, batchSize);
    // Attempts go out together: one slow receiver does not hold up the others.
    const results = await Promise.allSettled(claimed.map((delivery) => deliver(delivery)));
    for (const result of results) {
      if (result.status === "rejected")
        logger.error({ err: result.reason }, "webhook delivery could not be recorded; retried after its lease");
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
    if (!stopped && pending === 0) tick().catch((error) => logger.error({ err: error }, "webhook scan failed"));
  }, config.dispatchIntervalMs);
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
