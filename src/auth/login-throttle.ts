// Failed-login counters (rules in domain/login-backoff.ts), kept in this process or, with
// REDIS_URL, in Redis so that every instance behind a load balancer sees the same
// counts. While Redis does not answer, each instance counts on its own, as the request
// rate limits do (http/rate-limits.ts), rather than refusing every login.
//
// An attempt is counted as a failure before the password is checked and given back on
// success: checking first and counting after would let a burst of concurrent attempts
// all pass the check before the first failure is recorded.
import { Redis } from "ioredis";
import { backoffSchedule, currentCount, type FailureCount, LOGIN_LIMITS, type LoginScope, secondsToWait } from "../domain/login-backoff.js";
import { waitUntilReady } from "../http/rate-limits.js";

/** What a login is counted against: the target account's digest and the client's address. */
export interface LoginKeys {
  account: string;
  address: string;
}

export type LoginVerdict = { ok: true } | { ok: false; scope: LoginScope; retryAfterSeconds: number };

export interface LoginThrottle {
  readonly kind: "memory" | "redis";
  /** Counts an attempt against both keys, or says how long to wait (counting nothing). */
  attempt(keys: LoginKeys, now: Date): Promise<LoginVerdict>;
  /** Gives back a successful attempt: clears the account's counter, takes one off the address's. */
  succeeded(keys: LoginKeys): Promise<void>;
  close(): Promise<void>;
}

const SCOPES: LoginScope[] = ["account", "address"];

export class LocalLoginThrottle implements LoginThrottle {
  readonly kind = "memory";
  private readonly counts = new Map<string, FailureCount>();

  async attempt(keys: LoginKeys, now: Date): Promise<LoginVerdict> {
    const at = now.getTime();
    const counts = SCOPES.map((scope) => currentCount(this.counts.get(`${scope}:${keys[scope]}`), at));
    const waits = SCOPES.map((scope, i) => secondsToWait(counts[i]!, at, LOGIN_LIMITS[scope]));
    const worst = waits[0]! >= waits[1]! ? 0 : 1;
    if (waits[worst]! > 0) return { ok: false, scope: SCOPES[worst]!, retryAfterSeconds: waits[worst]! };
    for (const [i, scope] of SCOPES.entries())
      this.counts.set(`${scope}:${keys[scope]}`, { failures: counts[i]!.failures + 1, lastFailureAt: at });
    if (this.counts.size > 100_000) this.sweep(at);
    return { ok: true };
  }

  async succeeded(keys: LoginKeys): Promise<void> {
    this.counts.delete(`account:${keys.account}`);
    const address = this.counts.get(`address:${keys.address}`);
    if (address) address.failures = Math.max(0, address.failures - 1);
  }

  async close(): Promise<void> {}

  /** Forgets counters that have gone quiet, which behave exactly like absent ones. */
  private sweep(now: number) {
    for (const [key, count] of this.counts) if (currentCount(count, now) !== count) this.counts.delete(key);
  }
}

/**
 * LocalLoginThrottle.attempt in one atomic step inside Redis, for both keys at once. The
 * waits come from the domain's schedule tables (ARGV), the time from the app's clock.
 */
const ATTEMPT = `
local now = tonumber(ARGV[1])
local forget = tonumber(ARGV[2])
local schedules = { cjson.decode(ARGV[3]), cjson.decode(ARGV[4]) }
local failures = {}
local worst, worstWait = 0, 0
for i = 1, 2 do
  local stored = redis.call('HMGET', KEYS[i], 'failures', 'at')
  local count = tonumber(stored[1]) or 0
  local at = tonumber(stored[2]) or now
  if now - at >= forget then count = 0; at = now end
  local schedule = schedules[i]
  local openAt = at + schedule[math.min(count, #schedule - 1) + 1] * 1000
  if openAt > now then
    local wait = math.ceil((openAt - now) / 1000)
    if wait > worstWait then worst = i; worstWait = wait end
  end
  failures[i] = count
end
if worstWait > 0 then return { worst, worstWait } end
for i = 1, 2 do
  redis.call('HSET', KEYS[i], 'failures', failures[i] + 1, 'at', now)
  redis.call('PEXPIRE', KEYS[i], forget)
end
return { 0, 0 }`;

const SUCCEEDED = `
redis.call('DEL', KEYS[1])
local failures = tonumber(redis.call('HGET', KEYS[2], 'failures'))
if failures and failures > 0 then redis.call('HSET', KEYS[2], 'failures', failures - 1) end
return 0`;

type RedisWithLoginCommands = Redis & {
  loginAttempt(
    account: string,
    address: string,
    now: number,
    forgetMs: number,
    accountSchedule: string,
    addressSchedule: string,
  ): Promise<[number, number]>;
  loginSucceeded(account: string, address: string): Promise<number>;
};

export interface LoginThrottleOptions {
  redisUrl?: string;
  /** Prefix of the Redis keys, shared with the event channels' prefix. */
  redisPrefix?: string;
  redisTimeoutMs?: number;
  /** Told once each time Redis stops answering, and once when it answers again. */
  onRedisFallback?: (failing: boolean, error?: unknown) => void;
}

export async function createLoginThrottle(options: LoginThrottleOptions): Promise<LoginThrottle> {
  const local = new LocalLoginThrottle();
  if (!options.redisUrl) return local;
  const redis = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.redisTimeoutMs ?? 250,
  }) as RedisWithLoginCommands;
  redis.on("error", () => {}); // reconnects by itself; failures are handled per call
  redis.defineCommand("loginAttempt", { numberOfKeys: 2, lua: ATTEMPT });
  redis.defineCommand("loginSucceeded", { numberOfKeys: 2, lua: SUCCEEDED });
  await waitUntilReady(redis, 1000);
  const prefix = `${options.redisPrefix ?? "caseflow:"}login:`;
  const accountKey = (keys: LoginKeys) => `${prefix}account:${keys.account}`;
  const addressKey = (keys: LoginKeys) => `${prefix}address:${keys.address}`;
  const schedules = [JSON.stringify(backoffSchedule(LOGIN_LIMITS.account)), JSON.stringify(backoffSchedule(LOGIN_LIMITS.address))] as const;
  let failing = false;
  const answered = () => {
    if (!failing) return;
    failing = false;
    options.onRedisFallback?.(false);
  };
  const failed = (error: unknown) => {
    if (failing) return;
    failing = true;
    options.onRedisFallback?.(true, error);
  };
  return {
    kind: "redis",
    async attempt(keys, now) {
      try {
        const [scope, wait] = await redis.loginAttempt(
          accountKey(keys),
          addressKey(keys),
          now.getTime(),
          LOGIN_LIMITS.forgetAfterSeconds * 1000,
          ...schedules,
        );
        answered();
        return scope === 0 ? { ok: true } : { ok: false, scope: SCOPES[scope - 1]!, retryAfterSeconds: Number(wait) };
      } catch (error) {
        failed(error);
        return local.attempt(keys, now);
      }
    },
    async succeeded(keys) {
      try {
        await redis.loginSucceeded(accountKey(keys), addressKey(keys));
        answered();
      } catch (error) {
        failed(error);
      }
      // The local counters may hold attempts made while Redis was away.
      await local.succeeded(keys);
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
