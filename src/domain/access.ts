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

export function hasScope(viewer: Viewer | null, scope: TokenScope): boolean {
  if (!viewer) return false;
  if (viewer.kind === "user") return true;
  return viewer.scopes.includes(scope) || viewer.scopes.includes("admin");
}

/** The facts about a case that decide who may see it. */
export interface TicketAccessFacts {
  teamId: string | null;
  assigneeId: string | null;
  submittedById: string | null;
}

/** Managers and admins see every case; others see their teams' cases and their own. */
export function canSeeTicket(viewer: Viewer | null, ticket: TicketAccessFacts): boolean {
  if (!viewer) return false;
  if (viewer.kind === "token") {
    if (!hasScope(viewer, "tickets:read") && !hasScope(viewer, "tickets:write")) return false;
    return viewer.teamIds.length === 0 || (ticket.teamId !== null && viewer.teamIds.includes(ticket.teamId));
  }
  if (hasRole(viewer, "MANAGER")) return true;
  return (
    (ticket.teamId !== null && viewer.teamIds.includes(ticket.teamId)) ||
    ticket.assigneeId === viewer.userId ||
    ticket.submittedById === viewer.userId
  );
}

export function canEditTicket(viewer: Viewer | null, ticket: TicketAccessFacts): boolean {
  if (!viewer || !canSeeTicket(viewer, ticket)) return false;
  return viewer.kind === "user" || hasScope(viewer, "tickets:write");
}

export function canComment(viewer: Viewer | null, ticket: TicketAccessFacts): boolean {
  if (!viewer || !canSeeTicket(viewer, ticket)) return false;
  return viewer.kind === "user" || hasScope(viewer, "comments:write") || hasScope(viewer, "tickets:write");
}

/** Whether the viewer acts as a member of the team that owns the case. */
export function actsForTeam(viewer: Viewer | null, teamId: string | null): boolean {
  if (!viewer || teamId === null) return false;
  if (viewer.kind === "token") return viewer.teamIds.length === 0 || viewer.teamIds.includes(teamId);
  return viewer.teamIds.includes(teamId);
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
