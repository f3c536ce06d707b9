// Macros: a saved set of actions and a reply template, applied to a case in one step.
// Who may keep which macro, who may use it, and the fixed order its actions run in.
import { z } from "zod";
import type { MacroVisibility, TicketStatus } from "../generated/prisma/enums.js";
import { hasRole, tokenReachesTeam, type Viewer } from "./access.js";
import { descriptionText, freeText, label, tagList } from "./input.js";

export interface MacroActions {
  addTags?: string[];
  removeTags?: string[];
  priority?: "HIGH" | "MEDIUM" | "LOW";
  /** Escalate to this tier (the macro's name is the reason). */
  tierLevel?: number;
  /** "ME" assigns the person applying it; null in `unassign` drops the assignee. */
  assignToMe?: boolean;
  unassign?: boolean;
  comment?: { template: string; visibility: "INTERNAL" | "PUBLIC" };
  status?: TicketStatus;
  /** Template of the resolution, for a macro that closes the case. */
  resolution?: string;
}

/**
 * The order a macro's actions run in, whatever order they were saved in: tags and
 * fields first, then the assignee, then the reply, and the move last, so the move is
 * judged on the case as the rest of the macro left it. applyMacro runs its steps by this list.
 */
export const MACRO_ACTION_ORDER = ["tags", "priority", "tier", "assignee", "comment", "status"] as const;
export type MacroAction = (typeof MACRO_ACTION_ORDER)[number];

export const macroActions = z
  .object({
    addTags: tagList.optional(),
    removeTags: tagList.optional(),
    priority: z.enum(["HIGH", "MEDIUM", "LOW"]).optional(),
    tierLevel: z.number().int().min(1, "must be 1-4").max(4, "must be 1-4").optional(),
    assignToMe: z.boolean().optional(),
    unassign: z.boolean().optional(),
    comment: z.object({ template: freeText(5000), visibility: z.enum(["INTERNAL", "PUBLIC"]) }).optional(),
    status: z.enum(["NEW", "NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER", "DONE", "BACKLOG"]).optional(),
    resolution: freeText(5000).optional(),
  })
  .superRefine((a, ctx) => {
    const meaningful = Object.entries(a).filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && !v.length));
    if (!meaningful.length) ctx.addIssue({ code: "custom", message: "name at least one action" });
    if (a.assignToMe && a.unassign) ctx.addIssue({ code: "custom", path: ["unassign"], message: "cannot assign and unassign at once" });
    if ((a.addTags ?? []).some((t) => (a.removeTags ?? []).includes(t)))
      ctx.addIssue({ code: "custom", path: ["removeTags"], message: "cannot add and remove the same tag" });
    if (a.resolution && a.status !== "DONE")
      ctx.addIssue({ code: "custom", path: ["resolution"], message: "only a macro that moves the case to DONE takes a resolution" });
    if (a.status === "DONE" && !a.resolution)
      ctx.addIssue({ code: "custom", path: ["resolution"], message: "is required for a macro that closes the case" });
  });

/** A macro as saved: name, description and templates are one input, so their texts are read together. */
export const macroInput = z.object({ name: label, description: descriptionText.nullish(), actions: macroActions });

export interface MacroOwnership {
  visibility: MacroVisibility;
  ownerId: string | null;
  teamId: string | null;
}

/** Who may create, change or delete a macro: its owner; a team's supervisors; managers for global ones. */
export function canManageMacro(viewer: Viewer | null, macro: MacroOwnership): boolean {
  if (viewer?.kind !== "user") return false;
  if (macro.visibility === "PERSONAL") return macro.ownerId === viewer.userId;
  if (macro.visibility === "GLOBAL") return hasRole(viewer, "MANAGER");
  return hasRole(viewer, "MANAGER") || (hasRole(viewer, "SUPERVISOR") && macro.teamId !== null && viewer.teamIds.includes(macro.teamId));
}

/** Who may see and apply a macro: its owner; the team's members; everyone for global ones. */
export function canUseMacro(viewer: Viewer | null, macro: MacroOwnership): boolean {
  if (!viewer) return false;
  if (macro.visibility === "GLOBAL") return true;
  if (macro.visibility === "PERSONAL") return viewer.kind === "user" && macro.ownerId === viewer.userId;
  if (viewer.kind === "token") return tokenReachesTeam(viewer, macro.teamId);
  return hasRole(viewer, "MANAGER") || (macro.teamId !== null && viewer.teamIds.includes(macro.teamId));
}

/** canUseMacro as a query condition, for lists. */
export function usableMacrosWhere(viewer: Viewer) {
  const team =
    viewer.kind === "token"
      ? viewer.teamIds.length
        ? { teamId: { in: [...viewer.teamIds] } }
        : {}
      : hasRole(viewer, "MANAGER")
        ? {}
        : { teamId: { in: [...viewer.teamIds] } };
  return {
    OR: [
      { visibility: "GLOBAL" as const },
      { visibility: "TEAM" as const, ...team },
      ...(viewer.kind === "user" ? [{ visibility: "PERSONAL" as const, ownerId: viewer.userId }] : []),
    ],
  };
}
