// Request rates are counted per credential or address; with Redis every instance counts
// into the same buckets, and without an answer from Redis each instance counts alone.
import { randomUUID } from "node:crypto";
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRateLimits, type RateLimits } from "../src/http/rate-limits.js";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";

const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisUp = await new Promise<boolean>((resolve) => {
  const url = new URL(REDIS);
  const socket = net.connect(Number(url.port || 6379), url.hostname, () => (socket.end(), resolve(true)));
  socket.on("error", () => resolve(false));
});
if (!redisUp && process.env.CI) throw new Error(`The shared rate limit tests need Redis (${REDIS})`);
if (!redisUp) console.warn(`shared rate limit tests skipped: Redis at ${REDIS} is not reachable`);

const opened: RateLimits[] = [];
async function limits(options: Partial<Parameters<typeof createRateLimits>[0]>) {
  const created = await createRateLimits({ perMinute: 60, anonymousPerMinute: 60, ...options });
  opened.push(created);
  return created;
}
afterAll(() => Promise.all(opened.map((l) => l.close())));

describe.runIf(redisUp)("rate limits shared through Redis", () => {
  it("give a credential one allowance across instances, refilled evenly, with a retry hint", async () => {
    const redisPrefix = `caseflow-test-${randomUUID()}:`;
    const [first, second] = [await limits({ redisUrl: REDIS, redisPrefix }), await limits({ redisUrl: REDIS, redisPrefix })];
    expect(first.kind).toBe("redis");
    const waits: number[] = [];
    for (let i = 0; i < 60; i++) waits.push(await (i % 2 ? second : first).take("credential", "token-a"));
    expect(waits.every((w) => w === 0)).toBe(true);
    // The 61st request is refused on either instance; another credential is untouched.
    expect(await second.take("credential", "token-a")).toBe(1);
    expect(await first.take("credential", "token-a")).toBe(1);
    expect(await first.take("credential", "token-b")).toBe(0);
    // 60 a minute is one a second: a second later there is room for one more. The bucket
    // runs on Redis's clock, so the second passes by moving the bucket's last refill
    // (milliseconds of Redis time) back by one second instead of waiting for it.
    const redis = new Redis(REDIS);
    try {
      await redis.hincrbyfloat(`${redisPrefix}rate:credential:token-a`, "at", -1000);
    } finally {
      await redis.quit();
    }
    expect(await second.take("credential", "token-a")).toBe(0);
    expect(await first.take("credential", "token-a")).toBe(1);
  });

  it("count anonymous requests to two instances of the API into one bucket per address", async () => {
    const redisChannelPrefix = `caseflow-test-${randomUUID()}:`;
    const config = {
      slaMonitor: false,
      redisUrl: REDIS,
      redisChannelPrefix,
      limits: { ...testConfig().limits, anonymousRateLimitPerMinute: 3 },
    };
    const apps: TestApp[] = [await createTestApp(config), await createTestApp(config)];
    try {
      const statuses = [];
      for (const app of [apps[0]!, apps[1]!, apps[0]!, apps[1]!]) statuses.push((await app.gql(`{ health }`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });
});

describe("rate limits when Redis does not answer", () => {
  it("fall back to each instance's own count at once, and say so once", async () => {
    const told: boolean[] = [];
    // Nothing listens on port 1: every command fails at once.
    const unreachable = await limits({ redisUrl: "redis://127.0.0.1:1", perMinute: 2, onRedisFallback: (failing) => told.push(failing) });
    const waits = [
      await unreachable.take("credential", "t"),
      await unreachable.take("credential", "t"),
      await unreachable.take("credential", "t"),
    ];
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThanOrEqual(1);
    // The third was refused by the local count, and the fallback was told once.
    expect(told).toEqual([true]);
  });
});
