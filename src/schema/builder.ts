// Schema builder setup only: plugins, scalars, auth scopes and empty root types.
// Each domain's types live in their own file beside this one.
import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { GraphQLError } from "graphql";
import type { Context } from "../context.js";
import type { TokenScope } from "../domain/access.js";
import { administersEverything, hasRole, hasScope } from "../domain/access.js";
import { ForbiddenError } from "../errors.js";
import type PrismaTypes from "../generated/pothos-prisma-types.js";
import { getDatamodel } from "../generated/pothos-prisma-types.js";

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

interface TypeOptions {
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    // GraphQL coerces every ID input to a string, so resolvers never see a number.
    ID: { Input: string; Output: string | number | bigint };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  AuthScopes: {
    authenticated: boolean;
    /** A person signed in (not an integration token). */
    user: boolean;
    supervisor: boolean;
    manager: boolean;
    admin: boolean;
    /** An administrator of everything, not an admin token limited to teams (administersEverything). */
    installationAdmin: boolean;
    scope: TokenScope;
  };
}

export const builder = new SchemaBuilder<TypeOptions>({
  // ErrorsPlugin before ScopeAuthPlugin: a refused scope on a mutation becomes the
  // ForbiddenError member of its result union instead of a top-level error.
  plugins: [ErrorsPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  // Fields are non-null unless they say otherwise: clients can rely on what is always there.
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      authenticated: ctx.viewer !== null,
      user: ctx.viewer?.kind === "user",
      supervisor: hasRole(ctx.viewer, "SUPERVISOR"),
      manager: hasRole(ctx.viewer, "MANAGER"),
      admin: hasRole(ctx.viewer, "ADMIN"),
      installationAdmin: administersEverything(ctx.viewer),
      scope: (scope) => hasScope(ctx.viewer, scope),
    }),
    unauthorizedError: (_parent, ctx) =>
      ctx.viewer === null ? ctx.unauthenticated() : new ForbiddenError("You are not allowed to do this"),
  },
  errors: {
    directResult: true,
    defaultUnionOptions: {
      name: ({ fieldName }) => `${pascal(fieldName)}Result`,
      description: "The outcome of a write: its payload, or an expected error implementing Error.",
    },
    defaultResultOptions: { name: ({ fieldName }) => `${pascal(fieldName)}Success` },
  },
  prisma: {
    // The client is only used for type information and node lookups; every request
    // uses the Prisma client of its own app through the context.
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    idFieldOptions: { description: "Global id: opaque, stable, accepted by `node(id:)`." },
    // node.ts declares `node` and `nodes`: they answer null for hidden, unknown and
    // malformed ids alike, which the plugin's own fields cannot (they fail on a bad id).
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    defaultConnectionTypeOptions: { description: "A page of results." },
    defaultEdgeTypeOptions: { description: "One result and its cursor." },
    pageInfoTypeOptions: { description: "Where this page sits in the whole list." },
    nodeTypeOptions: { description: "An object with a global id." },
    cursorFieldOptions: { description: "Opaque position of this result; pass as `after` or `before`." },
    nodeFieldOptions: { description: "The result.", nullable: false },
    edgesFieldOptions: { description: "The results of this page, each with its cursor.", nullable: false },
    pageInfoFieldOptions: { description: "Where this page sits in the whole list." },
    hasNextPageFieldOptions: { description: "Whether results follow this page." },
    hasPreviousPageFieldOptions: { description: "Whether results precede this page." },
    startCursorFieldOptions: { description: "Cursor of the first result of this page." },
    endCursorFieldOptions: { description: "Cursor of the last result of this page." },
    firstArgOptions: { description: "Return the first n results (at most 100)." },
    lastArgOptions: { description: "Return the last n results (at most 100)." },
    afterArgOptions: { description: "Return results after this cursor." },
    beforeArgOptions: { description: "Return results before this cursor." },
  },
});

/** The builder's resolved schema types, for helpers that take field builders. */
export type Types = typeof builder.$inferSchemaTypes;

builder.queryType({ description: "Reads." });
builder.subscriptionType({ description: "Live events, over graphql-ws or server-sent events." });
builder.mutationType({ description: "Writes: each returns a result union of its payload and typed errors." });

/** prismaConnection hands totalCount over as a number or as a function that counts lazily. */
function totalCountOf(connection: unknown): number | Promise<number> {
  const { totalCount } = connection as { totalCount: number | (() => number | Promise<number>) };
  return typeof totalCount === "function" ? totalCount() : totalCount;
}

const MAX_PAGE_SIZE = 100;

/**
 * Every connection's `maxSize`: asking for more than 100 results is refused with a
 * clear error rather than silently cut to 100, so a client never mistakes a clipped
 * page for the whole list.
 */
export function maxPageSize(args: { first?: number | null; last?: number | null }): number {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    if (value !== null && value !== undefined && value > MAX_PAGE_SIZE) {
      throw new GraphQLError(`"${name}" must be at most ${MAX_PAGE_SIZE}, got ${value}; page with "after"/"before"`, {
        extensions: { code: "VALIDATION", field: name },
      });
    }
  }
  return MAX_PAGE_SIZE;
}

/** The `totalCount` field of a connection whose resolver passes `totalCount`. */
export const totalCountField = (what: string) => (t: PothosSchemaTypes.ObjectFieldBuilder<Types, object>) => ({
  totalCount: t.int({
    description: `How many ${what} match, on all pages.`,
    resolve: (connection) => totalCountOf(connection),
  }),
});
