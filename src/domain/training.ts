// Training mode: practice cases and replies held for review. Which cases count in
// production figures is decided here once; reports, SLA attainment, live metrics, the
// CSV export and webhooks all take their condition from this module.

/** The condition on a case for every production figure, as a query condition on Ticket. */
export const PRODUCTION_CASES = { practice: false } as const;

/** Whether a case counts in production figures (reports, SLA attainment, live metrics, exports, webhooks). */
export function countsInProduction(ticket: { practice: boolean }): boolean {
  return ticket.practice === PRODUCTION_CASES.practice;
}

/**
 * The cases that count together with this one, as a query condition on Ticket: production
 * cases with production cases, practice cases with practice cases. Assignment's load is
 * counted this way, so practice never makes a person look busy to real customers, and a
 * training queue still spreads its practice cases by the practice each trainee holds.
 */
export function casesLike(ticket: { practice: boolean }): typeof PRODUCTION_CASES | { NOT: typeof PRODUCTION_CASES } {
  return countsInProduction(ticket) ? PRODUCTION_CASES : { NOT: PRODUCTION_CASES };
}

/**
 * The same condition for SQL over a table alias: each column of PRODUCTION_CASES with
 * its value. Returned as column/value pairs so the caller binds the values as parameters.
 */
export function productionColumns(): readonly (readonly [column: string, value: boolean])[] {
  return Object.entries(PRODUCTION_CASES);
}

/**
 * Whether a comment is held for review before the customer sees it: a public reply by a
 * person whose replies need review. Internal notes, the customer's own words and
 * caseflow's automatic replies are never held.
 */
export function holdsReply(kind: "NOTE" | "REPLY" | "CUSTOMER_REPLY" | "SYSTEM", author: { reviewRequired: boolean } | null): boolean {
  return kind === "REPLY" && author?.reviewRequired === true;
}

/** What may still happen to a reply in a review state: only a held one is approved or rejected. */
export function reviewable(state: "PENDING_REVIEW" | "APPROVED" | "REJECTED" | null): boolean {
  return state === "PENDING_REVIEW";
}
