import { likeLiteral } from "../domain/search.js";
import { createUser, updateUser } from "../resolvers/admin.js";
import { decodeId } from "../resolvers/ids.js";
import { builder, maxPageSize, totalCountField } from "./builder.js";
import { AvailabilityEnum, RoleEnum } from "./enums.js";
import { commonErrors } from "./errors.js";
import { TeamRef } from "./team.js";

export const UserRef = builder.prismaNode("User", {
  description: "A person who works cases.",
  id: { field: "id" },
  // Any signed-in viewer may see colleagues; a login payload grants its own user.
  authScopes: { authenticated: true, $granted: "readUser" },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Display name." }),
    email: t.exposeString("email", { description: "Sign-in e-mail address." }),
    role: t.expose("role", { type: RoleEnum, description: "What the person may do." }),
    active: t.exposeBoolean("active", { description: "Deactivated users cannot sign in." }),
    availability: t.expose("availability", { type: AvailabilityEnum, description: "Whether the person can take work now." }),
    onCall: t.exposeBoolean("onCall", { description: "Pulled into incidents of their teams." }),
    canViewContact: t.exposeBoolean("canViewContact", { description: "May read customers' contact data unmasked." }),
    teams: t.field({
      type: [TeamRef],
      description: "Teams the person belongs to.",
      select: { memberships: { select: { team: true }, orderBy: { team: { name: "asc" } } } },
      resolve: (user) => user.memberships.map((m) => m.team),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the account was made." }),
  }),
});

// Declared here rather than in team.ts so that user.ts → team.ts is the only import.
builder.prismaObjectField(TeamRef, "members", (t) =>
  t.field({
    type: [UserRef],
    description: "People in the team, by name.",
    select: { members: { select: { user: true }, orderBy: { user: { name: "asc" } } } },
    resolve: (team) => team.members.map((m) => m.user),
  }),
);

builder.queryFields((t) => ({
  me: t.prismaField({
    type: "User",
    nullable: true,
    description: "The signed-in person, or null for anonymous callers and API tokens.",
    resolve: (query, _root, _args, ctx) =>
      ctx.viewer?.kind === "user" ? ctx.prisma.user.findUnique({ ...query, where: { id: ctx.viewer.userId } }) : null,
  }),
  users: t.prismaConnection(
    {
      type: "User",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 50,
      description: "People, by name. Any signed-in viewer may list colleagues.",
      authScopes: { authenticated: true },
      args: {
        search: t.arg.string({ description: "Part of a name or e-mail address." }),
        teamId: t.arg.id({ description: "Only members of this team." }),
        includeInactive: t.arg.boolean({ description: "Also deactivated people (default false)." }),
      },
      totalCount: (_parent, args, ctx) => ctx.prisma.user.count({ where: userWhere(args) }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.user.findMany({ ...query, where: userWhere(args), orderBy: [{ name: "asc" }, { id: "asc" }] }),
    },
    {
      name: "UserConnection",
      description: "A page of people.",
      fields: totalCountField("people"),
    },
    { name: "UserEdge", description: "A person and their cursor." },
  ),
}));

function userWhere(args: { search?: string | null; teamId?: string | null; includeInactive?: boolean | null }) {
  const search = args.search?.trim() ? likeLiteral(args.search.trim()) : undefined;
  return {
    ...(args.includeInactive ? {} : { active: true }),
    ...(search
      ? {
          OR: [{ name: { contains: search, mode: "insensitive" as const } }, { email: { contains: search, mode: "insensitive" as const } }],
        }
      : {}),
    ...(args.teamId ? { memberships: { some: { teamId: decodeId("teamId", args.teamId, "Team") } } } : {}),
  };
}

const UserPayload = builder.objectRef<{ id: string }>("UserPayload").implement({
  description: "A person after the change.",
  fields: (t) => ({
    user: t.prismaField({
      type: "User",
      description: "The person.",
      resolve: (query, { id }, _args, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id } }),
    }),
  }),
});

const CreateUserInput = builder.inputType("CreateUserInput", {
  description: "A new person.",
  fields: (t) => ({
    email: t.string({ required: true, description: "Sign-in e-mail address; unique." }),
    name: t.string({ required: true, description: "Display name." }),
    password: t.string({ required: true, description: "At least 10 characters." }),
    role: t.field({ type: RoleEnum, required: true, description: "What the person may do." }),
    teamIds: t.idList({ description: "Teams to join." }),
    canViewContact: t.boolean({ description: "May read customers' contact data unmasked (default false)." }),
  }),
});

const UpdateUserInput = builder.inputType("UpdateUserInput", {
  description: "Changes to a person; omitted fields stay as they are.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The person." }),
    name: t.string({ description: "Display name." }),
    role: t.field({ type: RoleEnum, description: "What the person may do." }),
    active: t.boolean({ description: "False signs the person out everywhere and blocks sign-in." }),
    canViewContact: t.boolean({ description: "May read customers' contact data unmasked." }),
    availability: t.field({ type: AvailabilityEnum, description: "Whether the person can take work now." }),
    onCall: t.boolean({ description: "Pulled into incidents of their teams." }),
    password: t.string({ description: "A new password; ends every open session." }),
  }),
});

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserPayload,
    description: "Creates a person. Administrators only.",
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: CreateUserInput, required: true, description: "The person." }) },
    resolve: (_root, { input }, ctx) => createUser(ctx, { ...input, teamIds: input.teamIds?.map(String) }),
  }),
  updateUser: t.field({
    type: UserPayload,
    description: "Changes a person. Administrators only.",
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpdateUserInput, required: true, description: "The changes." }) },
    resolve: (_root, { input }, ctx) => updateUser(ctx, input),
  }),
}));
