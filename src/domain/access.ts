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

/** Managers and admins see every case; others their teams' cases and their own. */
function worksOn(viewer: Viewer | null, ticket: TicketAccessFacts): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") {
    if (!hasScope(viewer, "tickets:read")) return false;
    return viewer.teamIds.length === 0 || (ticket.teamId !== null && viewer.teamIds.includes(ticket.teamId));
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
  if (viewer.kind === "token") return viewer.teamIds.length === 0 || viewer.teamIds.includes(teamId);
  return viewer.teamIds.includes(teamId);
}

/** Supervisors and above, and tokens acting for the case's team: who escalate cases and hand them to others. */
export function directsTicket(viewer: Viewer | null, ticket: { teamId: string | null }): boolean {
  return hasRole(viewer, "SUPERVISOR") || (viewer?.kind === "token" && actsForTeam(viewer, ticket.teamId));
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
export function receivesAlert(viewer: Viewer | null, audience: "SUPERVISORS" | "MANAGERS", teamIds: readonly string[]): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") {
    return hasScope(viewer, "tickets:read") && (viewer.teamIds.length === 0 || teamIds.some((id) => viewer.teamIds.includes(id)));
  }
  if (hasRole(viewer, "MANAGER")) return true;
  return audience === "SUPERVISORS" && hasRole(viewer, "SUPERVISOR") && teamIds.some((id) => viewer.teamIds.includes(id));
}
