// Live streams last exactly as long as the credentials they were opened with: they end,
// with UNAUTHENTICATED, when those are revoked, logged out or deactivated (a message on
// any instance) and at the instant they expire. One watcher per instance serves every
// stream (SSE, graphql-ws, grouped or not), so the rule is written once.
import type { GraphQLError } from "graphql";
import type { Clock } from "../clock.js";
import { unauthenticatedError } from "../context.js";
import type { Viewer } from "../domain/access.js";
import type { Realtime, RevocationMessage } from "./pubsub.js";

/** Whether a revocation names these credentials (their token, session or person). */
export function isRevoked(viewer: Viewer | null, message: RevocationMessage): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") return message.tokenId === viewer.tokenId;
  return message.sessionId === viewer.sessionId || message.userId === viewer.userId;
}

interface Watched {
  viewer: Viewer | null;
  expiresAt: number | null;
  end: (error: GraphQLError) => void;
}

/** setTimeout's longest delay is ~24.8 days; farther expiries are re-checked on the way. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export class CredentialWatch {
  private readonly watched = new Set<Watched>();
  private revocations: AsyncIterator<RevocationMessage> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private readonly stopJumps: () => void;

  constructor(
    private readonly realtime: Realtime,
    private readonly clock: Clock,
  ) {
    this.stopJumps = clock.onJump?.(() => this.expire()) ?? (() => {});
  }

  /** Calls `end` once when these credentials stop being valid; returns the unwatch. */
  watch(credentials: { viewer: Viewer | null; expiresAt: Date | null }, end: (error: GraphQLError) => void): () => void {
    if (!credentials.viewer) return () => {};
    const entry: Watched = { viewer: credentials.viewer, expiresAt: credentials.expiresAt?.getTime() ?? null, end };
    this.watched.add(entry);
    this.listen();
    if (entry.expiresAt !== null) {
      if (entry.expiresAt <= this.clock.now().getTime())
        this.finish(entry, unauthenticatedError("These credentials have expired; sign in again"));
      else this.arm(entry.expiresAt);
    }
    return () => void this.watched.delete(entry);
  }

  /** Open watches, for tests. */
  get size(): number {
    return this.watched.size;
  }

  close(): void {
    this.stopJumps();
    if (this.timer) clearTimeout(this.timer);
    void this.revocations?.return?.();
    this.revocations = null;
    this.watched.clear();
  }

  private finish(entry: Watched, error: GraphQLError) {
    if (!this.watched.delete(entry)) return;
    entry.end(error);
  }

  private listen() {
    if (this.revocations) return;
    const revocations = this.realtime.pubsub.subscribe("credentials-revoked");
    this.revocations = revocations;
    void (async () => {
      for await (const message of revocations) {
        for (const entry of [...this.watched]) {
          if (isRevoked(entry.viewer, message)) this.finish(entry, unauthenticatedError("These credentials were revoked"));
        }
      }
    })();
  }

  private arm(at: number) {
    if (at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    const delay = Math.min(LONGEST_TIMER_MS, Math.max(0, at - this.clock.now().getTime()));
    this.timer = setTimeout(() => this.expire(), delay);
    this.timer.unref();
  }

  /** Ends every stream whose credentials have expired by now, and waits for the next. */
  private expire() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    const now = this.clock.now().getTime();
    let next = Infinity;
    for (const entry of [...this.watched]) {
      if (entry.expiresAt === null) continue;
      if (entry.expiresAt <= now) this.finish(entry, unauthenticatedError("These credentials have expired; sign in again"));
      else next = Math.min(next, entry.expiresAt);
    }
    if (next < Infinity) this.arm(next);
  }
}
