// Who may see and do what. Pure functions of the viewer and the case, used by the
// schema's auth scopes, by list filters and by subscriptions, so the rule lives once.
import type { Role } from "../generated/prisma/enums.js";

/** The token scopes an integration can be granted. */
export const TOKEN_SCOPES = [
  "tickets:read",
  "tickets:write",
  "comments:write",
  "reports:read",
  "contacts:read",
  "webhooks:manage",
  "admin",
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export type Viewer =
  | {
      kind: "user";
      userId: string;
      sessionId: string;
      role: Role;
      teamIds: readonly string[];
      canViewContact: boolean;
      /** Cases of the open swarms the person has joined: they may read them, not change them. */
      swarmTicketIds?: readonly string[];
    }
  | {
      kind: "token";
      tokenId: string;
      scopes: readonly TokenScope[];
      /** Empty means every team. */
      teamIds: readonly string[];
    };

const RANK: Record<Role, number> = { AGENT: 0, SUPERVISOR: 1, MANAGER: 2, ADMIN: 3 };

/** Roles are ordered: each includes what the ones below it may do. */
export function hasRole(viewer: Viewer | null, role: Role): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") return viewer.scopes.includes("admin");
  return RANK[viewer.role] >= RANK[role];
}

/**
 * Whether `viewer` administers the whole installation: a person with the ADMIN role, or
 * an `admin` token limited to no team. What is shared by every team (routing rules, SLA
 * policies and calendars, automations, acknowledgements, teams,
 * Slack links, imports) is theirs alone: an `admin` token limited to teams administers
 * people and tokens of its teams only (mayDelegate), and could otherwise reach other
 * teams' cases through a rule, or act as anyone by linking them to its own Slack member.
 */
export function administersEverything(viewer: Viewer | null): boolean {
  if (!hasRole(viewer, "ADMIN")) return false;
  return viewer!.kind === "user" || viewer!.teamIds.length === 0;
}

/**
 * The API tokens `viewer` may list: every one for an administrator of everything; for an
 * `admin` token limited to teams, the tokens limited to some of its own teams (the ones it
 * may revoke), never an unlimited token or another team's.
 */
export function listableTokensWhere(viewer: Viewer) {
  if (administersEverything(viewer)) return {};
  return { teams: { some: {}, every: { teamId: { in: [...viewer.teamIds] } } } };
}

/** Scopes that include others: writing cases includes reading and commenting; commenting needs reading. */
const IMPLIED: Partial<Record<TokenScope, readonly TokenScope[]>> = {
  "tickets:write": ["tickets:read", "comments:write"],
  "comments:write": ["tickets:read"],
};

/** People are limited by role, not scopes; a token by its scopes (admin includes all). */
export function hasScope(viewer: Viewer | null, scope: TokenScope): boolean {
  if (!viewer) return false;
  if (viewer.kind === "user") return true;
  return viewer.scopes.some((granted) => granted === scope || granted === "admin" || IMPLIED[granted]?.includes(scope));
}

/** The facts about a case that decide who may see it. */
export interface TicketAccessFacts {
  /** Needed only to recognise the case of a swarm the viewer joined. */
  id?: string;
  teamId: string | null;
  assigneeId: string | null;
  submittedById: string | null;
}

/**
 * The one rule for a token's team limit: a token limited to no team acts for every team,
 * one limited to teams for those only (and never for a case with no team).
 */
export function tokenReachesTeam(token: { teamIds: readonly string[] }, teamId: string | null): boolean {
  return token.teamIds.length === 0 || (teamId !== null && token.teamIds.includes(teamId));
}

/** Managers and admins see every case; others their teams' cases and their own. */
function worksOn(viewer: Viewer | null, ticket: TicketAccessFacts): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") {
    if (!hasScope(viewer, "tickets:read")) return false;
    return tokenReachesTeam(viewer, ticket.teamId);
  }
  if (hasRole(viewer, "MANAGER")) return true;
  return (
    (ticket.teamId !== null && viewer.teamIds.includes(ticket.teamId)) ||
    ticket.assigneeId === viewer.userId ||
    ticket.submittedById === viewer.userId
  );
}

/** Whoever works on the case, and experts in its open swarm (who help; the owner stays responsible). */
export function canSeeTicket(viewer: Viewer | null, ticket: TicketAccessFacts): boolean {
  if (worksOn(viewer, ticket)) return true;
  return viewer?.kind === "user" && ticket.id !== undefined && (viewer.swarmTicketIds ?? []).includes(ticket.id);
}

export function canEditTicket(viewer: Viewer | null, ticket: TicketAccessFacts): boolean {
  return worksOn(viewer, ticket) && hasScope(viewer, "tickets:write");
}

export function canComment(viewer: Viewer | null, ticket: TicketAccessFacts): boolean {
  return worksOn(viewer, ticket) && hasScope(viewer, "comments:write");
}

/** Whether the viewer acts as a member of the team that owns the case. */
export function actsForTeam(viewer: Viewer | null, teamId: string | null): boolean {
  if (!viewer || teamId === null) return false;
  if (viewer.kind === "token") return tokenReachesTeam(viewer, teamId);
  return viewer.teamIds.includes(teamId);
}

/** Supervisors and above, and tokens acting for the case's team: who escalate cases and hand them to others. */
export function directsTicket(viewer: Viewer | null, ticket: { teamId: string | null }): boolean {
  return hasRole(viewer, "SUPERVISOR") || (viewer?.kind === "token" && actsForTeam(viewer, ticket.teamId));
}

/** A change of assignee: a named person or nobody, or whoever a strategy picks from the owning team. */
export type AssigneeChange = { assigneeId: string | null } | { byStrategy: true };

/**
 * Who may change a case's assignee. Those who direct the case (directsTicket) hand it to
 * anyone and hand it out by strategy; someone acting for the owning team may take the
 * case themselves, or drop it while it is theirs. Handing a case to someone else is a
 * supervisor's call. Whether the new assignee may work the case is another rule (an
 * active member of the owning team, checked against the database).
 */
export function mayAssign(
  viewer: Viewer | null,
  ticket: { teamId: string | null; assigneeId: string | null },
  change: AssigneeChange,
): boolean {
  if (directsTicket(viewer, ticket)) return true;
  if (viewer?.kind !== "user" || "byStrategy" in change) return false;
  const selfService = change.assigneeId === viewer.userId || (change.assigneeId === null && ticket.assigneeId === viewer.userId);
  return selfService && actsForTeam(viewer, ticket.teamId);
}

export function canViewContact(viewer: Viewer | null): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") return hasScope(viewer, "contacts:read");
  return viewer.canViewContact;
}

/** The teams whose cases a list may show, or "all". */
export function visibleTeams(viewer: Viewer): "all" | readonly string[] {
  if (viewer.kind === "token") return viewer.teamIds.length === 0 ? "all" : viewer.teamIds;
  return hasRole(viewer, "MANAGER") ? "all" : viewer.teamIds;
}

/**
 * canSeeTicket as a query condition, for lists and look-ups. Kept beside canSeeTicket
 * so the two forms of the rule change together.
 */
export function visibleTicketsWhere(viewer: Viewer) {
  const teams = visibleTeams(viewer);
  if (viewer.kind === "token") return teams === "all" ? {} : { teamId: { in: [...teams] } };
  if (teams === "all") return {};
  const swarms = viewer.swarmTicketIds ?? [];
  return {
    OR: [
      { teamId: { in: [...teams] } },
      { assigneeId: viewer.userId },
      { submittedById: viewer.userId },
      ...(swarms.length ? [{ id: { in: [...swarms] } }] : []),
    ],
  };
}

/**
 * Whether an alert for these teams reaches the viewer: supervisors of one of the teams
 * and everyone above them for SUPERVISORS, managers and above for MANAGERS; a token that
 * reads cases of one of the teams gets both, for the bots that relay alerts to chat.
 */
export function receivesAlert(
  viewer: Viewer | null,
  audience: "SUPERVISORS" | "MANAGERS" | "ASSIGNEE" | "PEOPLE",
  teamIds: readonly string[],
  userIds: readonly string[] = [],
): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") {
    return hasScope(viewer, "tickets:read") && (viewer.teamIds.length === 0 || teamIds.some((id) => tokenReachesTeam(viewer, id)));
  }
  if (hasRole(viewer, "MANAGER")) return true;
  // An alert for the case's assignee, or for named people (a mentor, a reply's author), reaches them whatever their role.
  if (audience === "ASSIGNEE" || audience === "PEOPLE") return userIds.includes(viewer.userId);
  return audience === "SUPERVISORS" && hasRole(viewer, "SUPERVISOR") && teamIds.some((id) => viewer.teamIds.includes(id));
}

// ─── delegation ─────────────────────────────────────────────────────────────

/** A credential to create, or a person or token as a change would leave them. */
export type Grant =
  | { kind: "token"; scopes: readonly TokenScope[]; teamIds: readonly string[] }
  | { kind: "user"; role: Role; teamIds: readonly string[]; canViewContact: boolean };

/** What a credential reaches: every scope it holds (implied ones included) and the teams whose cases it sees. */
interface Reach {
  scopes: ReadonlySet<TokenScope>;
  teams: "all" | readonly string[];
  /** The role it acts with; tokens with `admin` act as administrators, others as no role. */
  rank: number;
}

function tokenReach(scopes: readonly TokenScope[], teamIds: readonly string[]): Reach {
  const held = scopes.includes("admin") ? TOKEN_SCOPES : scopes.flatMap((s) => [s, ...(IMPLIED[s] ?? [])]);
  return { scopes: new Set(held), teams: teamIds.length ? teamIds : "all", rank: scopes.includes("admin") ? RANK.ADMIN : -1 };
}

/** A person's role and contact permission, as the scopes a token would need to do the same. */
function personReach(role: Role, teamIds: readonly string[], canViewContact: boolean): Reach {
  const scopes: TokenScope[] = ["tickets:read", "tickets:write", "comments:write"];
  if (RANK[role] >= RANK.SUPERVISOR) scopes.push("reports:read");
  if (canViewContact) scopes.push("contacts:read");
  if (role === "ADMIN") scopes.push("webhooks:manage", "admin");
  return { scopes: new Set(scopes), teams: RANK[role] >= RANK.MANAGER ? "all" : teamIds, rank: RANK[role] };
}

function reachOf(who: Viewer | Grant): Reach {
  if (who.kind === "token") return tokenReach(who.scopes, who.teamIds);
  return personReach(who.role, who.teamIds, who.canViewContact);
}

/** The input field that asks for a scope: a person gets scopes through role and contact permission. */
function fieldOf(grant: Grant, scope: TokenScope): "scopes" | "role" | "canViewContact" {
  if (grant.kind === "token") return "scopes";
  return scope === "contacts:read" ? "canViewContact" : "role";
}

export interface DelegationRefusal {
  /** The input field that asks for more than the credential has: scopes, teamIds, role or canViewContact. */
  field: "scopes" | "teamIds" | "role" | "canViewContact";
  message: string;
}

/**
 * Whether `viewer` may create `grant`, or leave a person or token as `grant` describes:
 * never more scopes, teams or role than the viewer has itself, so a credential cannot
 * mint a wider one and widen itself through it. Empty means allowed; otherwise one
 * refusal per input field, saying why.
 */
export function mayDelegate(viewer: Viewer, grant: Grant): DelegationRefusal[] {
  const own = reachOf(viewer);
  const wanted = reachOf(grant);
  const refusals: DelegationRefusal[] = [];
  const refuse = (field: DelegationRefusal["field"], message: string) => {
    if (!refusals.some((r) => r.field === field)) refusals.push({ field, message });
  };
  if (grant.kind === "user" && wanted.rank > own.rank) refuse("role", `${grant.role} is above your own role`);
  // A token's refusal names the scopes it was asked for, not the ones they imply.
  const holds = (scopes: Iterable<TokenScope>) => [...scopes].every((scope) => own.scopes.has(scope));
  const missing =
    grant.kind === "token"
      ? grant.scopes.filter((scope) => !holds(tokenReach([scope], []).scopes))
      : [...wanted.scopes].filter((scope) => !own.scopes.has(scope));
  for (const scope of missing) {
    refuse(
      fieldOf(grant, scope),
      scope === "contacts:read" ? "grants contact access, which you do not have" : `grants "${scope}", which you do not have`,
    );
  }
  if (own.teams !== "all") {
    const limit = own.teams;
    if (wanted.teams === "all") {
      if (grant.kind === "user") refuse("role", `${grant.role} sees every team's cases; you are limited to teams`);
      else refuse("teamIds", "name teams: you are limited to teams, so what you create must be too");
    } else if (wanted.teams.some((team) => !limit.includes(team))) {
      refuse("teamIds", "names a team outside your own");
    }
  }
  return refusals;
}

// ─── incident timelines ─────────────────────────────────────────────────────

export const HIDDEN_CASE_ENTRY = "A case you may not see was linked";

/**
 * An incident timeline entry's text for this viewer. Incidents are shared by teams, the
 * cases linked to them are not: an entry about a case the viewer may not see keeps its
 * kind, time and author (that a case was linked) but not which case.
 */
export function timelineBody(viewer: Viewer | null, entry: { body: string; ticket: TicketAccessFacts | null }): string {
  return entry.ticket && !canSeeTicket(viewer, entry.ticket) ? HIDDEN_CASE_ENTRY : entry.body;
}

// ─── reviewed replies (training mode) ───────────────────────────────────────

/** The facts about a comment that decide who may read it. */
export interface CommentAccessFacts {
  reviewState: "PENDING_REVIEW" | "APPROVED" | "REJECTED" | null;
  authorId: string | null;
  /** The author's mentor (when the comment was read), who reviews it. */
  authorMentorId: string | null;
}

/** Supervisors of the case's team and everyone above them (managers, administrators): people, not tokens. */
function supervisesTeam(viewer: Viewer | null, teamId: string | null): boolean {
  if (viewer?.kind !== "user" || !hasRole(viewer, "SUPERVISOR")) return false;
  return hasRole(viewer, "MANAGER") || (teamId !== null && viewer.teamIds.includes(teamId));
}

/**
 * Whether the viewer may read a comment of a case they may see. A reply held for review
 * (PENDING_REVIEW) or sent back (REJECTED) never reached the customer: only its author,
 * the author's mentor and the team's supervisors (and above) read it; no token, no other
 * agent. Ordinary and APPROVED comments follow the case.
 */
export function canSeeComment(viewer: Viewer | null, comment: CommentAccessFacts, ticket: { teamId: string | null }): boolean {
  if (comment.reviewState === null || comment.reviewState === "APPROVED") return true;
  if (viewer?.kind !== "user") return false;
  return comment.authorId === viewer.userId || comment.authorMentorId === viewer.userId || supervisesTeam(viewer, ticket.teamId);
}

/**
 * canSeeComment as a query condition on the comments of visible cases. Kept beside
 * canSeeComment so the two forms of the rule change together.
 */
export function visibleCommentsWhere(viewer: Viewer | null) {
  const released = [{ reviewState: null }, { reviewState: "APPROVED" as const }];
  if (viewer?.kind !== "user") return { OR: released };
  if (hasRole(viewer, "MANAGER")) return {};
  return {
    OR: [
      ...released,
      { authorId: viewer.userId },
      { author: { mentorId: viewer.userId } },
      ...(hasRole(viewer, "SUPERVISOR") ? [{ ticket: { teamId: { in: [...viewer.teamIds] } } }] : []),
    ],
  };
}

/**
 * Whether the viewer may read an audit event of a case they may see. An event about a
 * reply held for review (REPLY_HELD, REPLY_APPROVED, REPLY_REJECTED name it) tells that
 * the reply exists and, for a rejection, why it was sent back: it is read by whoever may
 * read the reply (canSeeComment), on every road (the case's events, live events and their
 * replay). Every other event follows the case.
 */
export function canSeeEvent(
  viewer: Viewer | null,
  // Absent from the live messages of an instance still running the release before this rule.
  event: { comment?: CommentAccessFacts | null },
  ticket: { teamId: string | null },
): boolean {
  return !event.comment || canSeeComment(viewer, event.comment, ticket);
}

/** canSeeEvent as a query condition on TicketEvent, built from visibleCommentsWhere. */
export function visibleEventsWhere(viewer: Viewer | null) {
  const comments = visibleCommentsWhere(viewer);
  // Every comment readable (managers and up): no condition (`comment: {}` matched none of
  // the review events on PGlite).
  if (Object.keys(comments).length === 0) return {};
  return { OR: [{ commentId: null }, { comment: comments }] };
}

/**
 * Who may approve or reject a held reply: the author's mentor, or a supervisor of the
 * case's team (or above). Never its author, and never a token: a person answers for
 * what the customer reads.
 */
export function mayReviewReply(viewer: Viewer | null, comment: CommentAccessFacts, ticket: { teamId: string | null }): boolean {
  if (viewer?.kind !== "user" || comment.authorId === viewer.userId) return false;
  return comment.authorMentorId === viewer.userId || supervisesTeam(viewer, ticket.teamId);
}

/**
 * mayReviewReply as a query condition: the held replies waiting for this viewer, on cases
 * they may see (visibleTicketsWhere), never their own. Kept beside mayReviewReply so the
 * two forms of the rule change together.
 */
export function reviewableRepliesWhere(viewer: Viewer) {
  if (viewer.kind !== "user") return { id: { in: [] as string[] } };
  const reviewers = hasRole(viewer, "MANAGER")
    ? []
    : [
        {
          OR: [
            { author: { mentorId: viewer.userId } },
            ...(hasRole(viewer, "SUPERVISOR") ? [{ ticket: { teamId: { in: [...viewer.teamIds] } } }] : []),
          ],
        },
      ];
  return {
    AND: [
      { reviewState: "PENDING_REVIEW" as const, authorId: { not: viewer.userId } },
      { ticket: visibleTicketsWhere(viewer) },
      ...reviewers,
    ],
  };
}

/**
 * Who may set a person's mentor and review requirement: administrators and managers for
 * anyone, supervisors for the members of their own teams. People only.
 */
export function mayMentor(viewer: Viewer | null, trainee: { teamIds: readonly string[] }): boolean {
  if (viewer?.kind !== "user" || !hasRole(viewer, "SUPERVISOR")) return false;
  return hasRole(viewer, "MANAGER") || trainee.teamIds.some((id) => viewer.teamIds.includes(id));
}
