// Turns an Authorization header into a Viewer. A missing header is an anonymous
// viewer; a header that names no live session or token is refused outright, so a
// bot with a revoked token learns it at once instead of seeing an empty world.
import type { Clock } from "../clock.js";
import type { TokenScope, Viewer } from "../domain/access.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { bearerKind, hashToken } from "./secrets.js";

/** `expiresAt`: when the credentials stop working on their own (null: never, or anonymous). */
export type Authentication = { ok: true; viewer: Viewer | null; expiresAt: Date | null } | { ok: false; reason: string };

/** lastUsedAt is advisory; writing it on every request would double the write load. */
const LAST_USED_RESOLUTION_MS = 60_000;

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
    const session = await prisma.session.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        expiresAt: true,
        revokedAt: true,
        user: {
          select: {
            id: true,
            role: true,
            active: true,
            canViewContact: true,
            memberships: { select: { teamId: true } },
            swarmMemberships: { where: { leftAt: null, swarm: { status: "OPEN" } }, select: { swarm: { select: { ticketId: true } } } },
          },
        },
      },
    });
    if (!session || session.revokedAt || session.expiresAt <= now || !session.user.active) {
      return { ok: false, reason: "The session is invalid or has expired; sign in again" };
    }
    const { user } = session;
    return {
      ok: true,
      expiresAt: session.expiresAt,
      viewer: {
        kind: "user",
        userId: user.id,
        sessionId: session.id,
        role: user.role,
        canViewContact: user.canViewContact,
        teamIds: user.memberships.map((m) => m.teamId),
        swarmTicketIds: user.swarmMemberships.map((m) => m.swarm.ticketId),
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
