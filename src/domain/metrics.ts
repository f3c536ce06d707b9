// Report arithmetic that is not SQL's to decide: how shares and ratios behave when a
// period has nothing to divide by.

/** A share from 0 to 1, or null when there is nothing to measure. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Weeks over which the backlog ratio averages resolved cases. */
export const BACKLOG_WEEKS = 4;

/**
 * Open cases ÷ average cases resolved per week over the last four weeks: how many weeks
 * the team needs to clear its backlog at its recent pace. Null when nothing was resolved.
 */
export function backlogRatio(open: number, resolvedInWindow: number): number | null {
  const perWeek = resolvedInWindow / BACKLOG_WEEKS;
  return perWeek > 0 ? open / perWeek : null;
}
