// The case workflow of the domain, enforced by the server:
//
//   NEW → NOT_STARTED → TEAM_CHECKING → INFORM_CUSTOMER → DONE → BACKLOG
//              ▲                               │              │
//              └──────── customer replied ─────┘              │
//              └──────────────── reopened ─────────────────────┘
import { type FieldIssue, InvalidTransitionError, ValidationError } from "../errors.js";
import type { TicketStatus } from "../generated/prisma/enums.js";
import { actsForTeam, hasRole, type TicketAccessFacts, type Viewer } from "./access.js";

const NEXT: Record<TicketStatus, readonly TicketStatus[]> = {
  NEW: ["NOT_STARTED"],
  NOT_STARTED: ["TEAM_CHECKING"],
  TEAM_CHECKING: ["INFORM_CUSTOMER"],
  INFORM_CUSTOMER: ["DONE", "NOT_STARTED"],
  DONE: ["BACKLOG", "NOT_STARTED"],
  BACKLOG: [],
};

/** Statuses in which the case is still open work. */
export const OPEN_STATUSES: readonly TicketStatus[] = ["NEW", "NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER"];

/** What leaving NEW requires, with the names clients use for the fields. */
export const MANDATORY_FIELDS = ["accountId", "externalRef", "priority", "channel", "description", "details", "teamId"] as const;

export interface WorkflowFacts extends TicketAccessFacts {
  status: TicketStatus;
  accountId: string | null;
  externalRef: string | null;
  priority: string | null;
  channel: string | null;
  description: string | null;
  details: string | null;
}

export interface TransitionRequest {
  to: TicketStatus;
  /** Free text kept as a comment: the answer, the customer's reply, the reason. */
  note?: string | null;
  resolution?: string | null;
}

/** Why this viewer may not make this move, or null when the move is theirs to make. */
function refusal(viewer: Viewer | null, ticket: WorkflowFacts, to: TicketStatus): string | null {
  if (!NEXT[ticket.status].includes(to)) return `Cannot move a case from ${ticket.status} to ${to}`;
  if (to === "TEAM_CHECKING" && !actsForTeam(viewer, ticket.teamId) && !hasRole(viewer, "SUPERVISOR")) {
    return "Only members of the owning team, supervisors and managers take a case into TEAM_CHECKING";
  }
  if (to === "BACKLOG" && !hasRole(viewer, "SUPERVISOR")) {
    return "Only supervisors and managers archive a case to BACKLOG";
  }
  return null;
}

/** The statuses this viewer may move the case to now. */
export function availableTransitions(viewer: Viewer | null, ticket: WorkflowFacts): TicketStatus[] {
  return NEXT[ticket.status].filter((to) => refusal(viewer, ticket, to) === null);
}

const blank = (value: string | null | undefined) => value === null || value === undefined || value.trim() === "";

/**
 * Throws InvalidTransitionError when the move is not allowed (naming the allowed ones),
 * or ValidationError when it is allowed but the case or the request lacks what it needs.
 */
export function assertTransition(viewer: Viewer | null, ticket: WorkflowFacts, request: TransitionRequest): void {
  const reason = refusal(viewer, ticket, request.to);
  if (reason) {
    throw new InvalidTransitionError(ticket.status, request.to, availableTransitions(viewer, ticket), reason);
  }
  const issues: FieldIssue[] = [];
  if (ticket.status === "NEW") {
    for (const field of MANDATORY_FIELDS) {
      if (blank(ticket[field])) issues.push({ field, message: "is required before the case leaves NEW" });
    }
  }
  if (request.to === "DONE" && blank(request.resolution)) {
    issues.push({ field: "input.resolution", message: "is required to close a case: what the customer was told" });
  }
  if (ticket.status === "TEAM_CHECKING" && request.to === "INFORM_CUSTOMER" && blank(request.note)) {
    issues.push({ field: "input.note", message: "is required: the team's answer for the customer" });
  }
  if (ticket.status === "INFORM_CUSTOMER" && request.to === "NOT_STARTED" && blank(request.note)) {
    issues.push({ field: "input.note", message: "is required: what the customer replied" });
  }
  if (issues.length) throw new ValidationError(issues);
}

/** Whether the workflow has an arrow from one status to the other. */
export function isWorkflowMove(from: TicketStatus, to: TicketStatus): boolean {
  return NEXT[from].includes(to);
}

/** Something done to a case that may answer the customer on behalf of the owning team. */
export type ResponseAct = { kind: "move"; to: TicketStatus } | { kind: "publicReply"; byOwningTeam: boolean };

/**
 * Whether the act is the case's first response: the owning team takes the case into
 * TEAM_CHECKING (only its members and supervisors may) or someone acting for the owning
 * team replies publicly, and nothing responded before. The automatic acknowledgement is
 * a SYSTEM comment, never a reply, so it is no response. `respondedBefore` is what the
 * caller keeps of earlier responses: the case's `firstRespondedAt` for its milestone, a
 * FIRST_RESPONSE target that is no longer open for the SLA clock. The one rule for moves,
 * comments and the SLA.
 */
export function isFirstResponse(act: ResponseAct, respondedBefore: boolean): boolean {
  if (respondedBefore) return false;
  return act.kind === "move" ? act.to === "TEAM_CHECKING" : act.byOwningTeam;
}

/** The timestamps and counters a move sets on the case. */
export function transitionEffects(from: TicketStatus, to: TicketStatus, now: Date, firstRespondedAt: Date | null) {
  return {
    status: to,
    ...(isFirstResponse({ kind: "move", to }, firstRespondedAt !== null) ? { firstRespondedAt: now } : {}),
    ...(to === "INFORM_CUSTOMER" ? { answeredAt: now } : {}),
    ...(to === "DONE" ? { doneAt: now } : {}),
    ...(to === "BACKLOG" ? { archivedAt: now } : {}),
    ...(from === "DONE" && to === "NOT_STARTED" ? { reopenCount: { increment: 1 }, doneAt: null } : {}),
  };
}

/**
 * Whether a change of team drops the case's assignee: they work for the old team, so a
 * case that really moves to another team loses them. Naming the case's own team, or no
 * team, changes nothing. The one rule for every writer (updateTicket, routing rules).
 */
export function dropsAssignee(
  current: { teamId: string | null; assigneeId: string | null },
  nextTeamId: string | null | undefined,
): boolean {
  return nextTeamId !== undefined && nextTeamId !== null && nextTeamId !== current.teamId && current.assigneeId !== null;
}

/**
 * A case's title names the customer's account, so the case is found from either; the
 * problem with a title, or null. The one rule for creating and for editing a case.
 */
export function titleProblem(title: string, accountId: string): string | null {
  return title.includes(accountId) ? null : `must contain the account ID (${accountId})`;
}
