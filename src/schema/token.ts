import type { Context } from "../context.js";
import { listableTokensWhere, TOKEN_SCOPES } from "../domain/access.js";
import { createApiToken, revokeApiToken } from "../resolvers/admin.js";
import { viewerOf } from "../resolvers/write-frame.js";
import { builder, maxPageSize, totalCountField } from "./builder.js";
import { commonErrors } from "./errors.js";
import { TeamRef } from "./team.js";

builder.prismaNode("ApiToken", {
  description: "A credential for a bot or integration. The secret itself is never shown again after creation.",
  id: { field: "id" },
  // Any administrator reads a token it is shown (the one an admin token limited to teams
  // just made); which tokens it may list is apiTokens' listableTokensWhere.
  authScopes: { admin: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "What the token is for." }),
    prefix: t.exposeString("prefix", { description: "First characters of the secret, to recognise it." }),
    scopes: t.exposeStringList("scopes", { description: `What it may do: ${TOKEN_SCOPES.join(", ")}.` }),
    teams: t.field({
      type: [TeamRef],
      description: "Teams it is limited to; empty means all teams.",
      select: { teams: { select: { team: true } } },
      resolve: (token) => token.teams.map((t) => t.team),
    }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true, description: "Last request, to the minute." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "When it stops working by itself." }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true, description: "When it was revoked; it stopped working then." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was made." }),
  }),
});

builder.queryField("apiTokens", (t) =>
  t.prismaConnection(
    {
      type: "ApiToken",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 50,
      description:
        "API tokens, newest first. Administrators; an admin token limited to teams lists the tokens limited to its own teams only.",
      authScopes: { admin: true },
      args: { includeRevoked: t.arg.boolean({ description: "Also revoked tokens (default false)." }) },
      totalCount: (_connection, { includeRevoked }, ctx) => ctx.prisma.apiToken.count({ where: tokenWhere(ctx, includeRevoked) }),
      resolve: (query, _root, { includeRevoked }, ctx) =>
        ctx.prisma.apiToken.findMany({
          ...query,
          where: tokenWhere(ctx, includeRevoked),
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        }),
    },
    { name: "ApiTokenConnection", description: "A page of API tokens.", fields: totalCountField("tokens") },
    { name: "ApiTokenEdge", description: "An API token and its cursor." },
  ),
);

const tokenWhere = (ctx: Context, includeRevoked: boolean | null | undefined) => ({
  ...listableTokensWhere(viewerOf(ctx)),
  ...(includeRevoked ? {} : { revokedAt: null }),
});

const CreateApiTokenPayload = builder.objectRef<{ token: string; apiTokenId: string }>("CreateApiTokenPayload").implement({
  description: "A new token. Store `token` now: it is shown only this once.",
  fields: (t) => ({
    token: t.exposeString("token", { description: "The secret, for `Authorization: Bearer <token>`." }),
    apiToken: t.prismaField({
      type: "ApiToken",
      description: "The token's record.",
      resolve: (query, { apiTokenId }, _args, ctx) => ctx.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: apiTokenId } }),
    }),
  }),
});

const RevokeApiTokenPayload = builder.objectRef<{ apiTokenId: string }>("RevokeApiTokenPayload").implement({
  description: "A revoked token.",
  fields: (t) => ({
    apiToken: t.prismaField({
      type: "ApiToken",
      description: "The token's record, with revokedAt set.",
      resolve: (query, { apiTokenId }, _args, ctx) => ctx.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: apiTokenId } }),
    }),
  }),
});

const CreateApiTokenInput = builder.inputType("CreateApiTokenInput", {
  description: "A new token for a bot or integration.",
  fields: (t) => ({
    name: t.string({ required: true, description: "What the token is for." }),
    scopes: t.stringList({ required: true, description: `What it may do: ${TOKEN_SCOPES.join(", ")}.` }),
    teamIds: t.idList({ description: "Limit it to these teams' cases; omit for all teams." }),
    expiresAt: t.field({ type: "DateTime", description: "When it stops working by itself." }),
  }),
});

const RevokeApiTokenInput = builder.inputType("RevokeApiTokenInput", {
  description: "The token to revoke.",
  fields: (t) => ({ id: t.id({ required: true, description: "The token." }) }),
});

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreateApiTokenPayload,
    description: "Creates an API token; its secret is returned once. Administrators only.",
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: CreateApiTokenInput, required: true, description: "The token." }) },
    resolve: (_root, { input }, ctx) => createApiToken(ctx, { ...input, teamIds: input.teamIds?.map(String) }),
  }),
  revokeApiToken: t.field({
    type: RevokeApiTokenPayload,
    description: "Revokes an API token; requests with it fail from this moment. Administrators only.",
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: RevokeApiTokenInput, required: true, description: "Which token." }) },
    resolve: (_root, { input }, ctx) => revokeApiToken(ctx, { id: input.id }),
  }),
}));
