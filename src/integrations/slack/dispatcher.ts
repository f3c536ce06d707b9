// Posts due Slack deliveries from the outbox with chat.postMessage, on the outbox's one
// claim-and-retry loop (integrations/dispatcher.ts): at least once, each claimed by one
// instance, retried with backoff, and after a 429 exactly as long as Slack's Retry-After.
// Threads: a case's first message in a channel is posted at the top and its `ts` stored
// (SlackThread); later ones reply with that `thread_ts`. A reply that comes due before the
// first message went out waits a second and tries again; if the first message was given
// up, the reply starts the thread itself. Swarm and incident channels (SlackRoom): the
// opening creates the channel, invites and posts; later steps wait for its id.
// Refusals that trying again cannot mend (domain/slack.ts slackRefusal) fail the message
// at once; a routed channel refused (gone, archived, the app not in it) is marked and its
// team's supervisors alerted once, as for a disabled webhook endpoint, until a message
// to it goes through again. A message whose 24 h window ended before any instance could
// send it (Slack was not configured meanwhile) is failed, not posted late.

import { WebAPIPlatformError } from "@slack/web-api";
import type { Logger } from "pino";
import type { Clock } from "../../clock.js";
import type { SlackConfig } from "../../config.js";
import { inTransaction } from "../../db/transaction.js";
import { type SlackPayload, type SlackRoomPayload, slackMessage, slackMessageTooLate } from "../../domain/slack.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { raiseAlert } from "../../realtime/alerts.js";
import type { Realtime } from "../../realtime/pubsub.js";
import { SLACK_CHANNEL } from "../../resolvers/slack/enqueue.js";
import { type OutboxDispatcher, startOutboxDispatcher } from "../dispatcher.js";
import type { AttemptResult, ClaimedDelivery } from "../outbox.js";
import { failedCall, type SlackApi, type SlackAttemptResult } from "./api.js";

export interface SlackDispatcherOptions {
  prisma: PrismaClient;
  realtime: Realtime;
  clock: Clock;
  logger: Logger;
  api: SlackApi;
  config: SlackConfig;
  intervalMs: number;
  /** How long past an attempt's timeout its claim is held (the outbox loop's default when absent). */
  leaseMarginMs?: number;
  random?: () => number;
}

const done = (latencyMs: number): AttemptResult => ({ ok: true, statusCode: 200, latencyMs, error: null, retryAfter: null });

const waitForRoom: AttemptResult = {
  ok: false,
  statusCode: null,
  latencyMs: null,
  error: "waiting for the channel to be made",
  retryAfter: "1",
};

const waitForThread: AttemptResult = {
  ok: false,
  statusCode: null,
  latencyMs: null,
  error: "waiting for the case's first message in this channel",
  retryAfter: "1",
};

const tooLate: AttemptResult = {
  ok: false,
  statusCode: null,
  latencyMs: null,
  error: "not posted: its 24 h window ended before it could be sent (Slack was not configured, or no dispatcher ran)",
  retryAfter: null,
  giveUp: true,
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
    if (first?.status === "PENDING") return "wait";
    // Posted since the thread was read (by an attempt running beside this one): reply in it.
    // Given up: this message starts the thread itself.
    return (
      (await prisma.slackThread.findUnique({ where: { ticketId_channel: { ticketId: payload.ticketId, channel: payload.channel } } }))
        ?.ts ?? null
    );
  }

  /** One step of a swarm's or incident's channel; every step but the opening waits for the channel. */
  async function attemptRoom(delivery: ClaimedDelivery, payload: SlackRoomPayload): Promise<AttemptResult> {
    const room = await prisma.slackRoom.findUnique({ where: { key: payload.room } });
    if (!room) return done(0); // nothing opened for it: nothing to do
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let channel = room.channelId;
    if (!channel && payload.kind !== "room-open") {
      const opening = await prisma.outboundDelivery.findFirst({
        where: { channel: SLACK_CHANNEL, messageId: room.openMessageId },
        select: { status: true },
      });
      // Still being opened: wait.
      if (opening?.status === "PENDING") return waitForRoom;
      // Opened since the room was read (by an attempt running beside this one), or given up:
      // then this step cannot be made either.
      channel = (await prisma.slackRoom.findUnique({ where: { key: room.key }, select: { channelId: true } }))?.channelId ?? null;
      if (!channel) return { ...waitForRoom, retryAfter: null, error: "the channel was never made", giveUp: true };
    }
    // A room's steps go out in the order they were written: an earlier one still due goes first.
    if (payload.kind !== "room-open") {
      const own = await prisma.outboundDelivery.findUnique({ where: { id: delivery.id }, select: { createdAt: true } });
      const earlier = await prisma.outboundDelivery.count({
        where: {
          channel: SLACK_CHANNEL,
          status: "PENDING",
          createdAt: { lt: own!.createdAt },
          payload: { path: ["room"], equals: payload.room },
        },
      });
      if (earlier) return { ...waitForRoom, error: "waiting for the channel's earlier messages" };
    }
    try {
      if (!channel) {
        const made = await api.conversations.create({ name: room.name });
        channel = made.channel!.id!;
        // Stored at once: a retry after a later step failed does not make a second channel.
        await prisma.slackRoom.update({ where: { key: room.key }, data: { channelId: channel } });
      }
      if ((payload.kind === "room-open" || payload.kind === "room-invite") && payload.users.length) {
        await api.conversations.invite({ channel, users: payload.users.join(",") }).catch((error: unknown) => {
          // Someone already there (an earlier attempt invited them) is no failure.
          if (!(error instanceof WebAPIPlatformError && error.data.error === "already_in_channel")) throw error;
        });
      }
      if (payload.kind !== "room-invite") {
        await api.chat.postMessage({
          channel,
          text: payload.message.text,
          blocks: payload.message.blocks as never,
          unfurl_links: false,
          unfurl_media: false,
        });
      }
      if (payload.kind === "room-close" && payload.archive) await api.conversations.archive({ channel });
    } catch (error) {
      return failedCall(error, elapsed());
    }
    return done(elapsed());
  }

  async function attempt(delivery: ClaimedDelivery): Promise<AttemptResult> {
    if (slackMessageTooLate(options.clock.now(), delivery.expiresAt)) return tooLate;
    const payload = delivery.payload as SlackPayload;
    if (payload.kind !== "case" && payload.kind !== "incident") return attemptRoom(delivery, payload);
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
    return done(Math.round(performance.now() - started));
  }

  /** A routed channel that works again is no longer marked; one refused is marked, and its supervisors alerted once. */
  async function trackChannel(delivery: ClaimedDelivery, result: SlackAttemptResult, now: Date) {
    const payload = delivery.payload as SlackPayload;
    if (payload.kind !== "case" && payload.kind !== "incident") return;
    if (result.ok) {
      await prisma.slackChannel.updateMany({
        where: { channel: payload.channel, refusedAt: { not: null } },
        data: { refusedAt: null, refusal: null },
      });
      return;
    }
    if (result.refusal?.kind === "credentials") {
      options.logger.error(
        { code: result.refusal.code },
        "Slack refuses the bot token: set a valid SLACK_BOT_TOKEN (messages fail until then)",
      );
      return;
    }
    if (result.refusal?.kind !== "channel") return;
    const { code } = result.refusal;
    await inTransaction({ prisma, realtime: options.realtime }, async (tx) => {
      const route = await tx.slackChannel.findUnique({ where: { channel: payload.channel }, select: { id: true, teamId: true } });
      if (!route) return; // unrouted since: nobody to tell
      const { count } = await tx.slackChannel.updateMany({
        where: { id: route.id, refusedAt: null },
        data: { refusedAt: now, refusal: code },
      });
      if (count === 0) return; // already marked (and alerted) by this or another instance
      raiseAlert(tx, {
        kind: "SLACK_CHANNEL_REFUSED",
        audience: "SUPERVISORS",
        teamIds: [route.teamId],
        message: `Slack refused the team's channel ${payload.channel} (${code}); its messages fail until the app is invited back (/invite @caseflow) or the team is routed to another channel (upsertSlackChannel)`,
        at: now,
      });
      options.logger.warn({ channel: payload.channel, code }, "Slack channel refused; its team's supervisors alerted");
    });
  }

  return startOutboxDispatcher({
    prisma,
    clock: options.clock,
    logger: options.logger,
    intervalMs: options.intervalMs,
    leaseMarginMs: options.leaseMarginMs,
    random: options.random,
    sender: { channel: SLACK_CHANNEL, timeoutMs: config.timeoutMs, attempt, afterAttempt: trackChannel },
  });
}
