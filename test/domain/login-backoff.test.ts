import { describe, expect, it } from "vitest";
import {
  backoffSchedule,
  backoffSeconds,
  currentCount,
  LOGIN_LIMITS,
  normalizedEmail,
  secondsToWait,
} from "../../src/domain/login-backoff.js";

const policy = { freeFailures: 3, firstDelaySeconds: 1, maxDelaySeconds: 10 };

describe("login backoff", () => {
  it("lets the free failures pass, then doubles the wait up to the cap", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((failures) => backoffSeconds(failures, policy))).toEqual([0, 0, 0, 1, 2, 4, 8, 10, 10]);
    expect(backoffSeconds(10_000, LOGIN_LIMITS.account)).toBe(LOGIN_LIMITS.account.maxDelaySeconds);
  });

  it("lists the schedule up to the cap, for Redis to apply", () => {
    expect(backoffSchedule(policy)).toEqual([0, 0, 0, 1, 2, 4, 8, 10]);
    expect(backoffSchedule(LOGIN_LIMITS.account).at(-1)).toBe(LOGIN_LIMITS.account.maxDelaySeconds);
  });

  it("waits from the last failure, in whole seconds rounded up", () => {
    const count = { failures: 4, lastFailureAt: 1_000_000 };
    expect(secondsToWait(count, 1_000_000, policy)).toBe(2);
    expect(secondsToWait(count, 1_000_001, policy)).toBe(2);
    expect(secondsToWait(count, 1_001_000, policy)).toBe(1);
    expect(secondsToWait(count, 1_002_000, policy)).toBe(0);
  });

  it("forgets a counter after a quiet hour", () => {
    const count = { failures: 9, lastFailureAt: 0 };
    expect(currentCount(count, LOGIN_LIMITS.forgetAfterSeconds * 1000 - 1)).toBe(count);
    expect(currentCount(count, LOGIN_LIMITS.forgetAfterSeconds * 1000).failures).toBe(0);
    expect(currentCount(undefined, 5)).toEqual({ failures: 0, lastFailureAt: 5 });
  });

  it("compares e-mails in one normalised form", () => {
    expect(normalizedEmail("  Li.Lei@Example.COM ")).toBe("li.lei@example.com");
  });
});
