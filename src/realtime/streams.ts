// Live streams for subscriptions: they end, with UNAUTHENTICATED, the moment the
// credentials they were opened with are revoked on any instance.
import { Repeater } from "graphql-yoga";
import { unauthenticatedError, type Context } from "../context.js";
import type { Viewer } from "../domain/access.js";
import type { RevocationMessage } from "./pubsub.js";

export function isRevoked(viewer: Viewer | null, message: RevocationMessage): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") return message.tokenId === viewer.tokenId;
  return message.sessionId === viewer.sessionId || message.userId === viewer.userId;
}

export function untilRevoked<T>(ctx: Context, source: AsyncGenerator<T>): AsyncIterable<T> {
  return new Repeater<T>(async (push, stop) => {
    const revocations = ctx.realtime.pubsub.subscribe("credentials-revoked");
    void stop.then(() => {
      void revocations.return?.();
      void source.return(undefined);
    });
    void (async () => {
      for await (const message of revocations) {
        if (isRevoked(ctx.viewer, message)) {
          stop(unauthenticatedError("These credentials were revoked"));
          return;
        }
      }
    })();
    try {
      for await (const item of source) await push(item);
      stop();
    } catch (error) {
      stop(error);
    }
  });
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
