// The event bus between writes and live subscribers. In one process it is in memory;
// with REDIS_URL it also goes through Redis, so every instance behind a load balancer
// sees every event. An instance's own subscribers get its events directly, never by way
// of Redis, so they keep getting them while Redis is down. Messages carry ids and the
// access facts of the case; subscribers load the entity again under their own permissions.
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub, type PubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import type { CommentAccessFacts, TicketAccessFacts } from "../domain/access.js";
import type { SlaKind } from "../domain/sla.js";
import type { Priority, TicketStatus } from "../generated/prisma/enums.js";
import { ShortLivedCache } from "./streams.js";

/** What a subscriber needs to decide, without a query, whether an event is for it. */
export interface TicketFacts extends TicketAccessFacts {
  status: TicketStatus;
  priority: Priority;
}

export interface TicketEventMessage {
  /** TicketEvent.seq as a string (JSON has no bigint): the row's key. */
  seq: string;
  /**
   * TicketEvent.position as a string: the order of commits. Every lower position was
   * already visible in the table when this event was published.
   */
  position: string;
  ticketId: string;
  type: string;
  facts: TicketFacts;
  /** For an event about a reply held for review: who may read that reply (canSeeEvent). */
  comment: CommentAccessFacts | null;
}

export interface SlaAlertMessage {
  /** `<targetId>:<kind>`: one per target, cycle and kind. */
  id: string;
  ticketId: string;
  kind: "WARNING" | "BREACH";
  target: SlaKind;
  dueAt: string;
  at: string;
  facts: TicketFacts;
}

/** Who an alert is for: supervisors of its teams (and everyone above), or managers. */
export type AlertAudience = "SUPERVISORS" | "MANAGERS" | "ASSIGNEE" | "PEOPLE";

export interface AlertMessage {
  id: string;
  kind: string;
  audience: AlertAudience;
  teamIds: string[];
  /** For ASSIGNEE and PEOPLE: the people it is for. */
  userIds?: string[];
  ticketId: string | null;
  incidentId: string | null;
  message: string;
  at: string;
}

/** A change to an incident; subscribers reload it under their own permissions. */
export interface IncidentEventMessage {
  /** The timeline entry (IncidentUpdate) the change wrote. */
  updateId: string;
  incidentId: string;
  kind: string;
  teamIds: string[];
  responderIds: string[];
}

/** Credentials that stopped being valid: live streams opened with them end. */
export interface RevocationMessage {
  tokenId?: string;
  sessionId?: string;
  userId?: string;
}

export type Topics = {
  "ticket-event": [TicketEventMessage];
  "sla-alert": [SlaAlertMessage];
  "credentials-revoked": [RevocationMessage];
  alert: [AlertMessage];
  "incident-event": [IncidentEventMessage];
};

export interface Realtime {
  pubsub: PubSub<Topics>;
  /** Loads shared by this instance's subscribers of one event. */
  cache: ShortLivedCache;
  kind: "memory" | "redis";
  close(): Promise<void>;
}

/** Every live subscription is one listener; thousands are expected, not a leak. */
function localTarget(): EventTarget {
  const eventTarget = new EventTarget();
  setMaxListeners(0, eventTarget);
  return eventTarget;
}

/**
 * This instance's listeners hear its events at once, from `local`; Redis carries them to
 * the other instances, and back from them. Each message is stamped with the instance it
 * came from, so an instance does not hear its own events twice. Channel names get a
 * prefix, so deployments (or test runs) that share one Redis do not hear each other.
 */
function localFirst(local: EventTarget, redis: EventTarget, prefix: string, onRelayed?: RealtimeOptions["onRelayed"]): EventTarget {
  const origin = randomUUID();
  const relayed = new Set<string>();
  return {
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) => {
      local.addEventListener(type, listener);
      if (relayed.has(type)) return;
      // One Redis subscription per topic, kept for the app's life (there are a handful).
      relayed.add(type);
      redis.addEventListener(prefix + type, (event) => {
        const message = (event as CustomEvent<{ origin: string; sentAt?: number; detail: unknown }>).detail;
        if (message?.origin === origin) return;
        if (typeof message?.sentAt === "number") onRelayed?.(type, Date.now() - message.sentAt);
        local.dispatchEvent(new CustomEvent(type, { detail: message?.detail }));
      });
    },
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) => local.removeEventListener(type, listener),
    dispatchEvent: (event: Event) => {
      const detail = (event as CustomEvent).detail;
      local.dispatchEvent(new CustomEvent(event.type, { detail }));
      return redis.dispatchEvent(new CustomEvent(prefix + event.type, { detail: { origin, sentAt: Date.now(), detail } }));
    },
  };
}

/** Closes a Redis connection, at once when it is not connected (a quit would wait for it). */
async function closeRedis(client: Redis) {
  if (client.status !== "ready") return client.disconnect();
  await client.quit().catch(() => client.disconnect());
}

export interface RealtimeOptions {
  /** Told once each time Redis stops answering (also at start), and once when it answers again. */
  onRedisUnavailable?: (unavailable: boolean, error?: unknown) => void;
  /**
   * Told of each event received from another instance through Redis, with the
   * milliseconds since it was published there (wall clocks of both machines).
   */
  onRelayed?: (topic: string, lagMs: number) => void;
}

export function createRealtime(redisUrl?: string, channelPrefix = "caseflow:", options: RealtimeOptions = {}): Realtime {
  if (!redisUrl) {
    return {
      pubsub: createPubSub<Topics>({ eventTarget: localTarget() as never }),
      cache: new ShortLivedCache(),
      kind: "memory",
      close: async () => {},
    };
  }
  // Publishing does not queue while Redis is away: this instance's subscribers already have
  // the event, and other instances' clients catch up with ticketEvents(after:) on reconnect.
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself (and subscribes again); an unhandled 'error' event would
  // end the process. The operator hears of an outage once, and once of its end.
  let unavailable = false;
  subscribeClient.on("error", (error) => {
    if (unavailable) return;
    unavailable = true;
    options.onRedisUnavailable?.(true, error);
  });
  subscribeClient.on("ready", () => {
    if (!unavailable) return;
    unavailable = false;
    options.onRedisUnavailable?.(false);
  });
  publishClient.on("error", () => {});
  // The event target subscribes, unsubscribes and publishes without awaiting the reply;
  // a stream that starts or ends while the app stops gets a reply that can only fail
  // (the connection is closing), and that must not surface as an unhandled rejection.
  for (const [client, command] of [
    [subscribeClient, "subscribe"],
    [subscribeClient, "unsubscribe"],
    [publishClient, "publish"],
  ] as const) {
    const send = (client[command] as (...args: string[]) => Promise<unknown>).bind(client);
    (client as unknown as Record<string, (...args: string[]) => Promise<unknown>>)[command] = (...args: string[]) => {
      const reply = send(...args);
      reply.catch(() => {});
      return reply;
    };
  }
  const redisTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient }) as unknown as EventTarget;
  return {
    pubsub: createPubSub<Topics>({ eventTarget: localFirst(localTarget(), redisTarget, channelPrefix, options.onRelayed) as never }),
    cache: new ShortLivedCache(),
    kind: "redis",
    close: async () => {
      await Promise.allSettled([closeRedis(publishClient), closeRedis(subscribeClient)]);
    },
  };
}
