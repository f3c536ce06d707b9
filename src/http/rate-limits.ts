// Request rates: a token bucket per credential or client address. One instance keeps its
// buckets in memory; with REDIS_URL the buckets live in Redis, so a client spreading its
// requests over several instances behind a load balancer gets the same allowance as one
// talking to a single instance. Redis being unreachable must not stop the API: each
// instance then falls back to its own buckets until Redis answers again.
import { Redis } from "ioredis";

/** How long start-up waits for Redis before counting locally (and connecting on in the background). */
const CONNECT_PATIENCE_MS = 1000;

/** Resolves when `redis` is ready or after `patienceMs` of trying, whichever comes first. */
export function waitUntilReady(redis: Redis, patienceMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, patienceMs);
    redis.on("ready", done);
  });
}

/** Seconds to wait before the next request may go ahead; 0 when it may go now. */
export type Wait = number;

/** A token bucket per key: `perMinute` requests, refilled evenly. */
export class LocalBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): Wait {
    const now = this.now();
    const rate = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 50_000) this.sweep(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
  }

  /** Forgets full buckets, which behave exactly like absent ones. */
  private sweep(now: number) {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000) >= this.perMinute) this.buckets.delete(key);
    }
  }
}

/**
 * The same bucket as LocalBuckets, computed inside Redis in one atomic step. Time comes
 * from Redis (TIME), so instances with drifting clocks agree. A bucket untouched for a
 * minute is full again and expires.
 */
const TAKE_TOKEN = `
local perMinute = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = perMinute / 60000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or perMinute
local at = tonumber(bucket[2]) or now
tokens = math.min(perMinute, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate / 1000))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 61000)
return wait`;

type RedisWithTakeToken = Redis & { takeToken(key: string, perMinute: number): Promise<number> };

export interface RateLimits {
  /** Where the buckets are kept. */
  readonly kind: "memory" | "redis";
  /** Takes one request from the credential's bucket (hashed credential) or the address's. */
  take(kind: "credential" | "address", key: string): Promise<Wait>;
  close(): Promise<void>;
}

export interface RateLimitOptions {
  perMinute: number;
  anonymousPerMinute: number;
  redisUrl?: string;
  /** Prefix of the Redis keys, shared with the event channels' prefix. */
  redisPrefix?: string;
  /** How long a request waits for Redis before this instance's own buckets decide. */
  redisTimeoutMs?: number;
  /** Told once each time Redis stops answering, and once when it answers again. */
  onRedisFallback?: (failing: boolean, error?: unknown) => void;
  /** Told of each refusal (for the metrics), whichever store decided it. */
  onRefused?: (kind: "credential" | "address") => void;
}

/**
 * Rate limits in memory, or in Redis when a URL is given. Waits (a bounded time) for
 * Redis to connect, so the first requests after start are already counted together.
 */
export async function createRateLimits(options: RateLimitOptions): Promise<RateLimits> {
  const limits = await openRateLimits(options);
  const onRefused = options.onRefused;
  if (!onRefused) return limits;
  return {
    ...limits,
    take: async (kind, key) => {
      const wait = await limits.take(kind, key);
      if (wait > 0) onRefused(kind);
      return wait;
    },
  };
}

async function openRateLimits(options: RateLimitOptions): Promise<RateLimits> {
  const local = { credential: new LocalBuckets(options.perMinute), address: new LocalBuckets(options.anonymousPerMinute) };
  const perMinute = { credential: options.perMinute, address: options.anonymousPerMinute };
  if (!options.redisUrl) {
    return { kind: "memory", take: async (kind, key) => local[kind].take(key), close: async () => {} };
  }
  const redis = new Redis(options.redisUrl, {
    // Fail fast instead of queueing while disconnected: the local buckets answer meanwhile.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.redisTimeoutMs ?? 250,
  }) as RedisWithTakeToken;
  redis.on("error", () => {}); // reconnects by itself; failures are handled per request
  redis.defineCommand("takeToken", { numberOfKeys: 1, lua: TAKE_TOKEN });
  await waitUntilReady(redis, CONNECT_PATIENCE_MS);
  const prefix = `${options.redisPrefix ?? "caseflow:"}rate:`;
  let failing = false;
  return {
    kind: "redis",
    async take(kind, key) {
      try {
        const wait = await redis.takeToken(`${prefix}${kind}:${key}`, perMinute[kind]);
        if (failing) {
          failing = false;
          options.onRedisFallback?.(false);
        }
        return Number(wait);
      } catch (error) {
        if (!failing) {
          failing = true;
          options.onRedisFallback?.(true, error);
        }
        return local[kind].take(key);
      }
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
