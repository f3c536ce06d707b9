import { likeLiteral } from "../domain/search.js";
import { addTeamMember, createTeam, removeTeamMember } from "../resolvers/admin.js";
import { builder, maxPageSize, totalCountField } from "./builder.js";
import { commonErrors } from "./errors.js";

export const TeamRef = builder.prismaNode("Team", {
  description: "A queue that owns cases, such as CS-Payment.",
  id: { field: "id" },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique team name." }),
    description: t.exposeString("description", { nullable: true, description: "What the team handles." }),
  }),
});

builder.prismaObject("Tier", {
  description: "A support level: L1 (simple, minutes) to L4 (experts, no committed time).",
  fields: (t) => ({
    level: t.exposeInt("level", { description: "1 to 4." }),
    name: t.exposeString("name", { description: "L1 … L4." }),
    description: t.exposeString("description", { nullable: true, description: "Who works at this level." }),
  }),
});

builder.prismaObject("Tag", {
  description: "A label on cases, used in filters, routing and reports.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Lower-case tag name." }),
    description: t.exposeString("description", { nullable: true, description: "What the tag means." }),
  }),
});

const tagWhere = (prefix: string | null | undefined) =>
  prefix?.trim() ? { name: { startsWith: likeLiteral(prefix.trim().toLowerCase()) } } : undefined;

builder.queryFields((t) => ({
  teams: t.prismaConnection(
    {
      type: "Team",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 100,
      description: "Teams, by name.",
      authScopes: { authenticated: true },
      totalCount: (_connection, _args, ctx) => ctx.prisma.team.count(),
      resolve: (query, _root, _args, ctx) => ctx.prisma.team.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    },
    { name: "TeamConnection", description: "A page of teams.", fields: totalCountField("teams") },
    { name: "TeamEdge", description: "A team and its cursor." },
  ),
  tiers: t.prismaField({
    type: ["Tier"],
    description: "The four support tiers, lowest first (a fixed, short list).",
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.tier.findMany({ ...query, orderBy: { level: "asc" } }),
  }),
  tags: t.prismaConnection(
    {
      type: "Tag",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 100,
      description: "Tags in use, by name.",
      authScopes: { authenticated: true },
      args: { prefix: t.arg.string({ description: "Only tags starting with this (case-insensitive)." }) },
      totalCount: (_connection, { prefix }, ctx) => ctx.prisma.tag.count({ where: tagWhere(prefix) }),
      resolve: (query, _root, { prefix }, ctx) =>
        ctx.prisma.tag.findMany({ ...query, where: tagWhere(prefix), orderBy: [{ name: "asc" }, { id: "asc" }] }),
    },
    { name: "TagConnection", description: "A page of tags.", fields: totalCountField("tags") },
    { name: "TagEdge", description: "A tag and its cursor." },
  ),
}));

const TeamPayload = builder.objectRef<{ id: string }>("TeamPayload").implement({
  description: "A team after the change.",
  fields: (t) => ({
    team: t.prismaField({
      type: "Team",
      description: "The team.",
      resolve: (query, { id }, _args, ctx) => ctx.prisma.team.findUniqueOrThrow({ ...query, where: { id } }),
    }),
  }),
});

const TeamMembershipPayload = builder.objectRef<{ teamId: string; userId: string }>("TeamMembershipPayload").implement({
  description: "A team and a person after a membership change.",
  fields: (t) => ({
    team: t.prismaField({
      type: "Team",
      description: "The team.",
      resolve: (query, { teamId }, _args, ctx) => ctx.prisma.team.findUniqueOrThrow({ ...query, where: { id: teamId } }),
    }),
    user: t.prismaField({
      type: "User",
      description: "The person.",
      resolve: (query, { userId }, _args, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: userId } }),
    }),
  }),
});

const CreateTeamInput = builder.inputType("CreateTeamInput", {
  description: "A new team.",
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique name, 2-64 characters." }),
    description: t.string({ description: "What the team handles." }),
  }),
});

const TeamMemberInput = builder.inputType("TeamMemberInput", {
  description: "A team and a person.",
  fields: (t) => ({
    teamId: t.id({ required: true, description: "The team." }),
    userId: t.id({ required: true, description: "The person." }),
  }),
});

builder.mutationFields((t) => ({
  createTeam: t.field({
    type: TeamPayload,
    description: "Creates a team. Administrators only.",
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: CreateTeamInput, required: true, description: "The team." }) },
    resolve: (_root, { input }, ctx) => createTeam(ctx, input),
  }),
  addTeamMember: t.field({
    type: TeamMembershipPayload,
    description: "Adds a person to a team; adding a member twice changes nothing. Administrators only.",
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: TeamMemberInput, required: true, description: "Who joins which team." }) },
    resolve: (_root, { input }, ctx) => addTeamMember(ctx, { teamId: input.teamId, userId: input.userId }),
  }),
  removeTeamMember: t.field({
    type: TeamMembershipPayload,
    description: "Removes a person from a team. Administrators only.",
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: TeamMemberInput, required: true, description: "Who leaves which team." }) },
    resolve: (_root, { input }, ctx) => removeTeamMember(ctx, { teamId: input.teamId, userId: input.userId }),
  }),
}));
