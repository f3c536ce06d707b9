// Checks a case write makes of the teams and people it names, before it changes anything.
import type { Tx } from "../../db/transaction.js";
import { actsForTeam, type Viewer } from "../../domain/access.js";
import { ValidationError } from "../../errors.js";

/** A token limited to teams writes only cases of those teams. */
export function assertWithinTokenTeams(viewer: Viewer, teamId: string | null) {
  if (viewer.kind === "token" && !actsForTeam(viewer, teamId)) {
    throw ValidationError.of("input.teamId", "must be one of the teams this token is limited to");
  }
}

export async function assertTeamExists(tx: Tx, teamId: string, field: string) {
  if (!(await tx.team.findUnique({ where: { id: teamId }, select: { id: true } }))) {
    throw ValidationError.of(field, "names no team");
  }
}

/** An assignee must be an active member of the case's owning team. */
export async function assertAssignable(tx: Tx, userId: string, teamId: string | null, field: string) {
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { active: true, memberships: { where: { teamId: teamId ?? undefined }, select: { teamId: true } } },
  });
  if (!user) throw ValidationError.of(field, "names no user");
  if (!user.active) throw ValidationError.of(field, "names a deactivated user");
  if (!teamId || user.memberships.length === 0) {
    throw ValidationError.of(field, "must be a member of the team that owns the case");
  }
}
