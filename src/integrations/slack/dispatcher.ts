// Posts due Slack deliveries from the outbox with chat.postMessage, on the outbox's one
// claim-and-retry loop (integrations/dispatcher.ts): at least once, each claimed by one
// instance, retried with backoff, and after a 429 exactly as long as Slack's Retry-After.
// Threads: a case's first message in a channel is posted at the top and its `ts` stored
// (SlackThread); later ones reply with that `thread_ts`. A reply that comes due before the
// first message went out waits a second and tries again; if the first message was given
// up, the reply starts the thread itself.
import type { Logger } from "pino";
import type { Clock } from "../../clock.js";
import type { SlackConfig } from "../../config.js";
import { type SlackPayload, slackMessage } from "../../domain/slack.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { SLACK_CHANNEL } from "../../resolvers/slack/enqueue.js";
import { type OutboxDispatcher, startOutboxDispatcher } from "../dispatcher.js";
import type { AttemptResult, ClaimedDelivery } from "../outbox.js";
import { failedCall, type SlackApi } from "./api.js";

export interface SlackDispatcherOptions {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  api: SlackApi;
  config: SlackConfig;
  intervalMs: number;
  random?: () => number;
}

const waitForThread: AttemptResult = {
  ok: false,
  statusCode: null,
  latencyMs: null,
  error: "waiting for the case's first message in this channel",
  retryAfter: "1",
};

export function startSlackDispatcher(options: SlackDispatcherOptions): OutboxDispatcher {
  const { prisma, api, config } = options;

  /** The thread to reply in; null to post at the top (and start the thread); "wait" while the first message is on its way. */
  async function threadOf(payload: Extract<SlackPayload, { kind: "case" }>): Promise<string | null | "wait"> {
    if (payload.startsThread) return null;
    const thread = await prisma.slackThread.findUnique({
      where: { ticketId_channel: { ticketId: payload.ticketId, channel: payload.channel } },
    });
    if (!thread) return null;
    if (thread.ts) return thread.ts;
    const first = await prisma.outboundDelivery.findFirst({
      where: { channel: SLACK_CHANNEL, messageId: thread.rootMessageId },
      select: { status: true },
    });
    return first?.status === "PENDING" ? "wait" : null;
  }

  async function attempt(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const payload = delivery.payload as SlackPayload;
    const threadTs = payload.kind === "case" ? await threadOf(payload) : null;
    if (threadTs === "wait") return waitForThread;
    const message = slackMessage(payload, config.caseLinkTemplate);
    const started = performance.now();
    let ts: string | undefined;
    try {
      const answer = await api.chat.postMessage({
        channel: payload.channel,
        text: message.text,
        blocks: message.blocks as never,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      ts = answer.ts;
    } catch (error) {
      return failedCall(error, Math.round(performance.now() - started));
    }
    if (payload.kind === "case" && !threadTs && ts) {
      // This message heads the case's thread now (the first one, or one standing in for a first that was given up).
      await prisma.slackThread.updateMany({
        where: { ticketId: payload.ticketId, channel: payload.channel, ts: null },
        data: { ts, rootMessageId: delivery.messageId },
      });
    }
    return { ok: true, statusCode: 200, latencyMs: Math.round(performance.now() - started), error: null, retryAfter: null };
  }

  return startOutboxDispatcher({
    prisma,
    clock: options.clock,
    logger: options.logger,
    intervalMs: options.intervalMs,
    random: options.random,
    sender: { channel: SLACK_CHANNEL, timeoutMs: config.timeoutMs, attempt },
  });
}
