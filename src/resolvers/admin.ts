// People, teams and integration tokens. Only administrators reach these (the schema's
// auth scopes say so); the functions here check input and keep invariants.

import { hashPassword, hashToken, newBearerToken } from "../auth/secrets.js";
import type { Context } from "../context.js";
import { inTransaction } from "../db/transaction.js";
import { type DelegationRefusal, type Grant, mayDelegate, TOKEN_SCOPES, type TokenScope, type Viewer } from "../domain/access.js";
import { descriptionText, email as emailRule, label, parseInput, password as passwordRule, personName, teamName } from "../domain/input.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import type { Availability, Role } from "../generated/prisma/enums.js";
import { decodeId, decodeIds } from "./ids.js";

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

async function assertTeamsExist(ctx: Context, teamIds: string[], field: string) {
  const found = await ctx.prisma.team.count({ where: { id: { in: teamIds } } });
  if (found !== teamIds.length) throw ValidationError.of(field, "names a team that does not exist");
}

/** Refuses a credential, or a change to one, that would reach further than the viewer (mayDelegate), naming each field. */
function refuseWidening(viewer: Viewer, grant: Grant, fields: Partial<Record<DelegationRefusal["field"], string>> = {}) {
  const refusals = mayDelegate(viewer, grant);
  if (refusals.length)
    throw new ValidationError(refusals.map((r) => ({ field: fields[r.field] ?? `input.${r.field}`, message: r.message })));
}

/** A credential changes or revokes only what it could have created itself. */
function refuseOutOfReach(viewer: Viewer, current: Grant, what: string) {
  if (mayDelegate(viewer, current).length) {
    throw new ForbiddenError(`This ${what} has access beyond yours; only a credential with at least that access may change it`);
  }
}

const personGrantSelect = { role: true, canViewContact: true, memberships: { select: { teamId: true } } } as const;

function personGrant(user: { role: Role; canViewContact: boolean; memberships: { teamId: string }[] }): Grant & { kind: "user" } {
  return { kind: "user", role: user.role, canViewContact: user.canViewContact, teamIds: user.memberships.map((m) => m.teamId) };
}

export async function createUser(
  ctx: Context,
  args: { email: string; name: string; password: string; role: Role; teamIds?: string[] | null; canViewContact?: boolean | null },
) {
  const email = parseInput(emailRule, args.email, "input.email");
  const name = parseInput(personName, args.name, "input.name");
  const password = parseInput(passwordRule([email, name]), args.password, "input.password");
  const teamIds = decodeIds("input.teamIds", args.teamIds ?? [], "Team");
  await assertTeamsExist(ctx, teamIds, "input.teamIds");
  refuseWidening(ctx.viewer!, { kind: "user", role: args.role, teamIds, canViewContact: args.canViewContact ?? false });
  // Hashed before the transaction, which should hold its connection only for the insert.
  const passwordHash = await hashPassword(password);
  try {
    return await inTransaction(ctx, (tx) =>
      tx.user.create({
        data: {
          email,
          name,
          role: args.role,
          canViewContact: args.canViewContact ?? false,
          passwordHash,
          memberships: { create: teamIds.map((teamId) => ({ teamId })) },
        },
        select: { id: true },
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw ValidationError.of("input.email", "is already in use");
    throw error;
  }
}

export async function updateUser(
  ctx: Context,
  args: {
    id: string;
    name?: string | null;
    role?: Role | null;
    active?: boolean | null;
    canViewContact?: boolean | null;
    availability?: Availability | null;
    onCall?: boolean | null;
    password?: string | null;
  },
) {
  const id = decodeId("input.id", args.id, "User");
  const name = args.name === null || args.name === undefined ? undefined : parseInput(personName, args.name, "input.name");
  // A new password must not be guessable from its owner's e-mail or name.
  const owner = args.password ? await ctx.prisma.user.findUnique({ where: { id }, select: { email: true, name: true } }) : null;
  const password = args.password ? parseInput(passwordRule([owner?.email, owner?.name, name]), args.password, "input.password") : undefined;
  if (ctx.viewer?.kind === "user" && ctx.viewer.userId === id && (args.active === false || (args.role && args.role !== "ADMIN"))) {
    throw ValidationError.of(args.active === false ? "input.active" : "input.role", "administrators cannot lock themselves out");
  }
  const user = await inTransaction(ctx, async (tx) => {
    const current = await tx.user.findUnique({ where: { id }, select: personGrantSelect });
    if (!current) throw new NotFoundError("User", args.id);
    const before = personGrant(current);
    refuseOutOfReach(ctx.viewer!, before, "person");
    refuseWidening(ctx.viewer!, {
      ...before,
      role: args.role ?? before.role,
      canViewContact: args.canViewContact ?? before.canViewContact,
    });
    const user = await tx.user.update({
      where: { id },
      data: {
        name,
        role: args.role ?? undefined,
        active: args.active ?? undefined,
        canViewContact: args.canViewContact ?? undefined,
        availability: args.availability ?? undefined,
        onCall: args.onCall ?? undefined,
        ...(password ? { passwordHash: await hashPassword(password) } : {}),
      },
      select: { id: true },
    });
    // A new password or a deactivation ends every open session at once.
    if (password || args.active === false) {
      await tx.session.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: ctx.clock.now() } });
    }
    return user;
  });
  if (password || args.active === false) ctx.realtime.pubsub.publish("credentials-revoked", { userId: id });
  return user;
}

export async function createTeam(ctx: Context, args: { name: string; description?: string | null }) {
  const name = parseInput(teamName, args.name, "input.name");
  const description = args.description ? parseInput(descriptionText, args.description, "input.description") : null;
  try {
    return await inTransaction(ctx, (tx) => tx.team.create({ data: { name, description }, select: { id: true } }));
  } catch (error) {
    if (isUniqueViolation(error)) throw ValidationError.of("input.name", "is already taken by another team");
    throw error;
  }
}

/** The team and person of a membership change, once the viewer may make it (the person before and after within its reach). */
async function resolveMembership(ctx: Context, args: { teamId: string; userId: string }, change: "join" | "leave") {
  const teamId = decodeId("input.teamId", args.teamId, "Team");
  const userId = decodeId("input.userId", args.userId, "User");
  const [team, user] = await Promise.all([
    ctx.prisma.team.findUnique({ where: { id: teamId }, select: { id: true } }),
    ctx.prisma.user.findUnique({ where: { id: userId }, select: personGrantSelect }),
  ]);
  if (!team) throw new NotFoundError("Team", args.teamId);
  if (!user) throw new NotFoundError("User", args.userId);
  const before = personGrant(user);
  refuseOutOfReach(ctx.viewer!, before, "person");
  const teamIds = change === "join" ? [...before.teamIds, teamId] : before.teamIds.filter((id) => id !== teamId);
  refuseWidening(ctx.viewer!, { ...before, teamIds }, { teamIds: "input.teamId" });
  return { teamId, userId };
}

export async function addTeamMember(ctx: Context, args: { teamId: string; userId: string }) {
  const key = await resolveMembership(ctx, args, "join");
  await inTransaction(ctx, (tx) => tx.teamMember.createMany({ data: [key], skipDuplicates: true }));
  return key;
}

export async function removeTeamMember(ctx: Context, args: { teamId: string; userId: string }) {
  const key = await resolveMembership(ctx, args, "leave");
  const { count } = await inTransaction(ctx, (tx) => tx.teamMember.deleteMany({ where: key }));
  if (count === 0) throw ValidationError.of("input.userId", "is not a member of this team");
  return key;
}

export async function createApiToken(
  ctx: Context,
  args: { name: string; scopes: string[]; teamIds?: string[] | null; expiresAt?: Date | null },
) {
  const name = parseInput(label, args.name, "input.name");
  if (!args.scopes.length) throw ValidationError.of("input.scopes", "grant at least one scope");
  // Named by position, not quoted: an error never echoes free text sent in the wrong place.
  const unknown = args.scopes.findIndex((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
  if (unknown >= 0) throw ValidationError.of("input.scopes", `item ${unknown + 1} is not a scope; use ${TOKEN_SCOPES.join(", ")}`);
  if (args.expiresAt && args.expiresAt <= ctx.clock.now()) throw ValidationError.of("input.expiresAt", "must be in the future");
  const teamIds = decodeIds("input.teamIds", args.teamIds ?? [], "Team");
  await assertTeamsExist(ctx, teamIds, "input.teamIds");
  refuseWidening(ctx.viewer!, { kind: "token", scopes: args.scopes as TokenScope[], teamIds });
  const token = newBearerToken("api");
  const apiToken = await inTransaction(ctx, (tx) =>
    tx.apiToken.create({
      data: {
        name,
        prefix: token.slice(0, 10),
        tokenHash: hashToken(token),
        scopes: [...new Set(args.scopes as TokenScope[])],
        expiresAt: args.expiresAt,
        createdById: ctx.viewer?.kind === "user" ? ctx.viewer.userId : null,
        teams: { create: teamIds.map((teamId) => ({ teamId })) },
      },
      select: { id: true },
    }),
  );
  return { token, apiTokenId: apiToken.id };
}

export async function revokeApiToken(ctx: Context, args: { id: string }) {
  const id = decodeId("input.id", args.id, "ApiToken");
  const target = await ctx.prisma.apiToken.findUnique({ where: { id }, select: { scopes: true, teams: { select: { teamId: true } } } });
  if (!target) throw new NotFoundError("ApiToken", args.id);
  refuseOutOfReach(
    ctx.viewer!,
    { kind: "token", scopes: target.scopes as TokenScope[], teamIds: target.teams.map((t) => t.teamId) },
    "token",
  );
  const { count } = await inTransaction(ctx, (tx) =>
    tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: ctx.clock.now() } }),
  );
  if (count === 0) throw ValidationError.of("input.id", "this token is already revoked");
  // Open live streams of this token end at once, on every instance.
  ctx.realtime.pubsub.publish("credentials-revoked", { tokenId: id });
  return { apiTokenId: id };
}
