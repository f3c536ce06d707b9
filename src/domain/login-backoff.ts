// How failed logins slow down the next attempt. Two counters guard every login: one per
// target account (against guessing one person's password from many addresses) and one
// per client address (against trying one common password on many accounts). Each allows
// a few free failures, then doubles the wait after every further failure up to a cap.
// Counters forget after a quiet hour; a success clears its account's counter only, so
// signing in to one's own account does not wipe an address's record of guessing at others.

export interface BackoffPolicy {
  /** Failures that cost nothing; the next attempt after them waits `firstDelaySeconds`. */
  freeFailures: number;
  firstDelaySeconds: number;
  maxDelaySeconds: number;
}

export const LOGIN_LIMITS = {
  account: { freeFailures: 5, firstDelaySeconds: 1, maxDelaySeconds: 15 * 60 },
  // Higher: many people may share one address (an office, a mobile carrier's NAT).
  address: { freeFailures: 20, firstDelaySeconds: 1, maxDelaySeconds: 15 * 60 },
  /** A counter with no failure for this long starts from zero again. */
  forgetAfterSeconds: 60 * 60,
} as const satisfies { account: BackoffPolicy; address: BackoffPolicy; forgetAfterSeconds: number };

export type LoginScope = "account" | "address";

/** Seconds the next attempt must wait after `failures` failures. */
export function backoffSeconds(failures: number, policy: BackoffPolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = failures - policy.freeFailures;
  // 2 ** 60 would still be finite, but there is no need to compute past the cap.
  return Math.min(policy.maxDelaySeconds, policy.firstDelaySeconds * 2 ** Math.min(doublings, 40));
}

/**
 * The whole schedule, `schedule[n]` = wait after n failures, until it reaches the cap
 * (the last entry holds for every larger n). Redis applies the rule from this table, so
 * the rule is written only here.
 */
export function backoffSchedule(policy: BackoffPolicy): number[] {
  const schedule: number[] = [];
  for (let failures = 0; ; failures++) {
    schedule.push(backoffSeconds(failures, policy));
    if (schedule[failures] === policy.maxDelaySeconds) return schedule;
  }
}

/** One counter: failures so far and when the last one happened (epoch ms). */
export interface FailureCount {
  failures: number;
  lastFailureAt: number;
}

/** The counter as it stands at `now`: forgotten after a quiet hour. */
export function currentCount(count: FailureCount | undefined, now: number): FailureCount {
  if (!count || now - count.lastFailureAt >= LOGIN_LIMITS.forgetAfterSeconds * 1000) return { failures: 0, lastFailureAt: now };
  return count;
}

/** Whole seconds until an attempt is allowed at `now`; 0 when it is. */
export function secondsToWait(count: FailureCount, now: number, policy: BackoffPolicy): number {
  const openAt = count.lastFailureAt + backoffSeconds(count.failures, policy) * 1000;
  return openAt > now ? Math.ceil((openAt - now) / 1000) : 0;
}

/** The e-mail as accounts are looked up by it. */
export function normalizedEmail(email: string): string {
  return email.trim().toLowerCase();
}
