// Turns an Authorization header into a Viewer. A missing header is an anonymous
// viewer; a header that names no live session or token is refused outright, so a
// bot with a revoked token learns it at once instead of seeing an empty world.
import type { Clock } from "../clock.js";
import type { TokenScope, Viewer } from "../domain/access.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Role } from "../generated/prisma/enums.js";
import { bearerKind, hashToken } from "./secrets.js";

/** `expiresAt`: when the credentials stop working on their own (null: never, or anonymous). */
export type Authentication = { ok: true; viewer: Viewer | null; expiresAt: Date | null } | { ok: false; reason: string };

/** lastUsedAt is advisory; writing it on every request would double the write load. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface SessionRow {
  id: string;
  expiresAt: Date;
  revokedAt: Date | null;
  userId: string;
  role: Role;
  active: boolean;
  canViewContact: boolean;
  teamIds: string[];
  swarmTicketIds: string[];
}

export function bearerFrom(header: string | null | undefined): string | null | undefined {
  if (header === null || header === undefined || header === "") return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1] : undefined;
}

export async function authenticate(prisma: PrismaClient, clock: Clock, authorization: string | null | undefined): Promise<Authentication> {
  const token = bearerFrom(authorization);
  if (token === null) return { ok: true, viewer: null, expiresAt: null };
  if (token === undefined) return { ok: false, reason: "The Authorization header must be 'Bearer <token>'" };
  const now = clock.now();
  const kind = bearerKind(token);
  const tokenHash = hashToken(token);

  if (kind === "session") {
    // One plain statement: every request with a session runs it, and Prisma's nested
    // relation reads cost several times its database time in the process.
    const [session] = await prisma.$queryRaw<SessionRow[]>`
      SELECT s."id"::text AS "id", s."expiresAt", s."revokedAt", u."id"::text AS "userId", u."role"::text AS "role",
             u."active", u."canViewContact",
             ARRAY(SELECT m."teamId"::text FROM "TeamMember" m WHERE m."userId" = u."id") AS "teamIds",
             ARRAY(SELECT w."ticketId"::text FROM "SwarmMember" sm JOIN "Swarm" w ON w."id" = sm."swarmId"
                   WHERE sm."userId" = u."id" AND sm."leftAt" IS NULL AND w."status" = 'OPEN') AS "swarmTicketIds"
      FROM "Session" s JOIN "User" u ON u."id" = s."userId"
      WHERE s."tokenHash" = ${tokenHash}`;
    if (!session || session.revokedAt || session.expiresAt <= now || !session.active) {
      return { ok: false, reason: "The session is invalid or has expired; sign in again" };
    }
    return {
      ok: true,
      expiresAt: session.expiresAt,
      viewer: {
        kind: "user",
        userId: session.userId,
        sessionId: session.id,
        role: session.role,
        canViewContact: session.canViewContact,
        teamIds: session.teamIds,
        swarmTicketIds: session.swarmTicketIds,
      },
    };
  }

  if (kind === "api") {
    const apiToken = await prisma.apiToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        scopes: true,
        revokedAt: true,
        expiresAt: true,
        lastUsedAt: true,
        teams: { select: { teamId: true } },
      },
    });
    if (!apiToken || apiToken.revokedAt || (apiToken.expiresAt && apiToken.expiresAt <= now)) {
      return { ok: false, reason: "The API token is invalid, expired or revoked" };
    }
    if (!apiToken.lastUsedAt || now.getTime() - apiToken.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await prisma.apiToken.update({ where: { id: apiToken.id }, data: { lastUsedAt: now } });
    }
    return {
      ok: true,
      expiresAt: apiToken.expiresAt,
      viewer: {
        kind: "token",
        tokenId: apiToken.id,
        scopes: apiToken.scopes as TokenScope[],
        teamIds: apiToken.teams.map((t) => t.teamId),
      },
    };
  }

  return { ok: false, reason: "The bearer token is not a caseflow token" };
}
