// Live streams for subscriptions: they end, with UNAUTHENTICATED, the moment the
// credentials they were opened with stop being valid on any instance.
import { Repeater } from "graphql-yoga";
import type { Context } from "../context.js";
import { canSeeTicket, type Viewer } from "../domain/access.js";
import type { TicketFacts, Topics } from "./pubsub.js";

/** What a subscriber asked for; omitted (null) parts match everything. */
export interface LiveFilter {
  teamId?: string | null;
  ticketId?: string | null;
  statuses?: readonly string[] | null;
  priorities?: readonly string[] | null;
  assigneeId?: string | null;
}

/** Whether a case's event goes to this subscriber: it may see the case, and the filter matches. */
export function wantedBy(viewer: Viewer | null, ticketId: string, facts: TicketFacts, filter: LiveFilter): boolean {
  return (
    canSeeTicket(viewer, { ...facts, id: ticketId }) &&
    (!filter.teamId || facts.teamId === filter.teamId) &&
    (!filter.ticketId || ticketId === filter.ticketId) &&
    (!filter.statuses?.length || filter.statuses.includes(facts.status)) &&
    (!filter.priorities?.length || filter.priorities.includes(facts.priority)) &&
    (!filter.assigneeId || facts.assigneeId === filter.assigneeId)
  );
}

/**
 * A subscription's stream: `consume` reads the topic and yields what the subscriber
 * gets. The stream ends when the client stops, when the topic ends, or, with
 * UNAUTHENTICATED, the moment the credentials it was opened with are revoked on any
 * instance. It owns the topic subscription so it can end a consumer that is waiting.
 */
export function liveStream<K extends keyof Topics, T>(
  ctx: Context,
  topic: K,
  consume: (live: AsyncIterable<Topics[K][0]>) => AsyncGenerator<T>,
): AsyncIterable<T> {
  const live = listenNow(ctx.realtime.pubsub.subscribe(topic as never) as Repeater<Topics[K][0]>);
  return untilRevoked(ctx, consume(live), () => live.return());
}

/**
 * Ends `items` (and runs `cleanup`) when the client stops or the viewer's credentials
 * stop being valid (revoked, logged out, deactivated, expired: credentials.ts).
 */
export function untilRevoked<T>(ctx: Context, items: AsyncIterable<T>, cleanup: () => unknown = () => {}): AsyncIterable<T> {
  return new Repeater<T>((push, stop) => {
    const unwatch = ctx.credentialWatch.watch({ viewer: ctx.viewer, expiresAt: ctx.credentialsExpireAt }, (error) => stop(error));
    const iterator = items[Symbol.asyncIterator]();
    void stop.then(() => Promise.allSettled([cleanup(), unwatch(), iterator.return?.()]));
    void (async () => {
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) await push(next.value);
        stop();
      } catch (error) {
        stop(error);
      }
    })();
  });
}

/** A subscriber this far behind is cut off rather than allowed to grow without bound. */
const MAX_BACKLOG = 10_000;

/**
 * Starts listening at once and keeps what arrives until it is read. yoga's topic
 * subscriptions attach their listener on the first read, which would drop the events
 * that commit while a stream is still replaying its backlog.
 */
function listenNow<T>(source: Repeater<T>): Repeater<T> & AsyncIterable<T> {
  const queue: T[] = [];
  const reader: { wake: (() => void) | null } = { wake: null };
  let ended = false;
  let failure: unknown = null;
  void (async () => {
    try {
      for await (const value of source) {
        if (queue.length >= MAX_BACKLOG) throw new Error("The subscriber fell too far behind");
        queue.push(value);
        reader.wake?.();
      }
    } catch (error) {
      failure = error;
    } finally {
      ended = true;
      reader.wake?.();
    }
  })();
  return new Repeater<T>(async (push, stop) => {
    void stop.then(() => source.return());
    for (;;) {
      if (queue.length) {
        await push(queue.shift()!);
        continue;
      }
      if (ended) return failure ? stop(failure) : stop();
      await new Promise<void>((resolve) => (reader.wake = resolve));
      reader.wake = null;
    }
  }) as Repeater<T> & AsyncIterable<T>;
}

/**
 * Subscribers of one instance that select the same fields share one load per event:
 * a value is kept for a few seconds under its key.
 */
export class ShortLivedCache {
  private readonly entries = new Map<string, { value: Promise<unknown>; expires: number }>();
  constructor(private readonly ttlMs = 5_000) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (this.entries.size > 5_000) {
      for (const [k, entry] of this.entries) if (entry.expires <= now) this.entries.delete(k);
    }
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    value.catch(() => this.entries.delete(key));
    return value;
  }
}
