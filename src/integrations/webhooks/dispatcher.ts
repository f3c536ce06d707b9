// Sends due webhook deliveries from the outbox, signed as Standard Webhooks asks, at
// least once, each message id once per endpoint across all instances. The claim, retry
// and backoff loop is the outbox's (integrations/dispatcher.ts); this is the webhook
// channel's sender: one signed POST, and an endpoint failing without a break for
// WEBHOOK_DISABLE_AFTER_HOURS is disabled and its teams' supervisors are alerted.
import type { Logger } from "pino";
import type { ContactCipher } from "../../auth/secrets.js";
import type { Clock } from "../../clock.js";
import type { WebhookConfig } from "../../config.js";
import { inTransaction } from "../../db/transaction.js";
import { failedTooLong, signatureHeader, signingSecrets } from "../../domain/webhooks.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { raiseAlert } from "../../realtime/alerts.js";
import type { Realtime } from "../../realtime/pubsub.js";
import { WEBHOOK_CHANNEL } from "../../resolvers/webhooks/enqueue.js";
import { type OutboxDispatcher, startOutboxDispatcher } from "../dispatcher.js";
import type { AttemptResult, ClaimedDelivery } from "../outbox.js";
import { postWebhook } from "./post.js";

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

export type WebhookDispatcher = OutboxDispatcher;

export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { prisma, realtime, clock, cipher, logger, config, batchSize, random } = options;

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

  return startOutboxDispatcher({
    prisma,
    clock,
    logger,
    intervalMs: config.dispatchIntervalMs,
    leaseMarginMs: config.leaseMarginMs,
    batchSize,
    random,
    sender: {
      channel: WEBHOOK_CHANNEL,
      timeoutMs: config.timeoutMs,
      attempt,
      afterAttempt: (delivery, result, now) => trackEndpoint(delivery.endpointId!, result.ok, now),
    },
  });
}
