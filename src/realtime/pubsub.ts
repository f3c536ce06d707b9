// The event bus between writes and live subscribers. In one process it is in memory;
// with REDIS_URL it goes through Redis, so every instance behind a load balancer sees
// every event. Messages carry ids and the access facts of the case; subscribers load
// the entity again under their own permissions.
import { setMaxListeners } from "node:events";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub, type PubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import type { TicketAccessFacts } from "../domain/access.js";
import type { SlaKind } from "../domain/sla.js";
import type { Priority, TicketStatus } from "../generated/prisma/enums.js";
import { ShortLivedCache } from "./streams.js";

/** What a subscriber needs to decide, without a query, whether an event is for it. */
export interface TicketFacts extends TicketAccessFacts {
  status: TicketStatus;
  priority: Priority;
}

export interface TicketEventMessage {
  /** TicketEvent.seq as a string (JSON has no bigint). */
  seq: string;
  ticketId: string;
  type: string;
  facts: TicketFacts;
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
export type AlertAudience = "SUPERVISORS" | "MANAGERS";

export interface AlertMessage {
  id: string;
  kind: string;
  audience: AlertAudience;
  teamIds: string[];
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

/**
 * Channel names get a prefix, so deployments (or test runs) that share one Redis do not
 * hear each other.
 */
function prefixed(target: EventTarget, prefix: string): EventTarget {
  return {
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) => target.addEventListener(prefix + type, listener),
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject | null) => target.removeEventListener(prefix + type, listener),
    dispatchEvent: (event: Event) =>
      target.dispatchEvent(new CustomEvent(prefix + event.type, { detail: (event as CustomEvent).detail })),
  };
}

export function createRealtime(redisUrl?: string, channelPrefix = "caseflow:"): Realtime {
  if (!redisUrl) {
    // Every live subscription is one listener; thousands are expected, not a leak.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return { pubsub: createPubSub<Topics>({ eventTarget: eventTarget as never }), cache: new ShortLivedCache(), kind: "memory", close: async () => {} };
  }
  const options = { maxRetriesPerRequest: null, lazyConnect: false } as const;
  const publishClient = new Redis(redisUrl, options);
  const subscribeClient = new Redis(redisUrl, options);
  // ioredis reconnects by itself; an unhandled 'error' event would end the process.
  publishClient.on("error", () => {});
  subscribeClient.on("error", () => {});
  // The event target subscribes, unsubscribes and publishes without awaiting the reply;
  // a stream that starts or ends while the app stops gets a reply that can only fail
  // (the connection is closing), and that must not surface as an unhandled rejection.
  for (const [client, command] of [[subscribeClient, "subscribe"], [subscribeClient, "unsubscribe"], [publishClient, "publish"]] as const) {
    const send = (client[command] as (...args: string[]) => Promise<unknown>).bind(client);
    (client as unknown as Record<string, (...args: string[]) => Promise<unknown>>)[command] = (...args: string[]) => {
      const reply = send(...args);
      reply.catch(() => {});
      return reply;
    };
  }
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<Topics>({ eventTarget: prefixed(eventTarget as unknown as EventTarget, channelPrefix) as never }),
    cache: new ShortLivedCache(),
    kind: "redis",
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
