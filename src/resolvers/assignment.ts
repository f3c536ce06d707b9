// Assignment helpers: the next person of a team by round-robin, or the one with the
// fewest open cases, among those who can take work now.

import type { Tx } from "../db/transaction.js";
import type { OpeningWindow } from "../domain/business-time.js";
import { canTakeWork, leastLoaded, nextInRotation } from "../domain/people.js";
import type { AssignmentStrategy } from "../domain/rules.js";
import { casesLike, PRODUCTION_CASES } from "../domain/training.js";
import { OPEN_STATUSES } from "../domain/workflow.js";

/**
 * Open cases assigned to each of these people (absent: none); what "load" means for
 * assignment and the expert finder. By default production cases only, as the reports'
 * agent load (src/domain/training.ts): a trainee's practice neither keeps real customers
 * from them nor makes them look busy to the expert finder. `like` counts other cases.
 */
export async function openCasesOf(
  db: Pick<Tx, "ticket">,
  userIds: readonly string[],
  like: ReturnType<typeof casesLike> = PRODUCTION_CASES,
): Promise<Map<string, number>> {
  const loads = await db.ticket.groupBy({
    by: ["assigneeId"],
    where: { AND: [{ assigneeId: { in: [...userIds] }, status: { in: [...OPEN_STATUSES] } }, like] },
    _count: { _all: true },
  });
  return new Map(loads.map((l) => [l.assigneeId!, l._count._all]));
}

/**
 * The member of the team the strategy picks for a case, or null when nobody can take work
 * now. LEAST_LOADED counts the open cases of the case's kind (casesLike): production for a
 * real case, practice for a practice one.
 */
export async function pickAssignee(
  tx: Tx,
  teamId: string,
  strategy: AssignmentStrategy,
  now: Date,
  forCase: { practice: boolean },
): Promise<string | null> {
  // The team row is locked so that concurrent round-robins take turns, not the same person.
  await tx.$queryRaw`SELECT 1 FROM "Team" WHERE "id" = ${teamId}::uuid FOR UPDATE`;
  const team = await tx.team.findUniqueOrThrow({
    where: { id: teamId },
    select: {
      lastAssignedUserId: true,
      members: {
        select: { user: { select: { id: true, name: true, active: true, availability: true, timeZone: true, workingHours: true } } },
      },
    },
  });
  const people = team.members
    .map((m) => ({ ...m.user, workingHours: m.user.workingHours as unknown as OpeningWindow[] }))
    .filter((p) => p.active && canTakeWork(p, now));
  if (!people.length) return null;
  const chosen =
    strategy === "ROUND_ROBIN"
      ? nextInRotation(people, team.lastAssignedUserId)
      : leastLoaded(
          people,
          await openCasesOf(
            tx,
            people.map((p) => p.id),
            casesLike(forCase),
          ),
        );
  if (chosen) await tx.team.update({ where: { id: teamId }, data: { lastAssignedUserId: chosen.id } });
  return chosen?.id ?? null;
}
