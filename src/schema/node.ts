// `node` and `nodes`: any object by its global id, shown only when the object's own
// type would show it. Hidden, unknown and malformed ids all answer null, so the answer
// never tells whether something exists that the viewer may not see.

import { resolveNodes } from "@pothos/plugin-relay";
import { RequestCache } from "@pothos/plugin-scope-auth";
import { GraphQLError, type GraphQLResolveInfo, isObjectType } from "graphql";
import type { Context } from "../context.js";
import { parseGlobalId } from "../resolvers/ids.js";
import { builder } from "./builder.js";

const MAX_IDS = 100;

/** Prisma's answer when a node's row is gone ("record not found"). */
const isNotFound = (error: unknown) => (error as { code?: string }).code === "P2025";

/**
 * Whether the type's own auth scopes let the viewer read this object: the same rule
 * its fields enforce (Ticket: canSeeTicket, Macro: canUseMacro, …), evaluated here so a
 * refusal is a null instead of a FORBIDDEN that would confirm the object exists.
 */
async function typeShows(ctx: Context, info: GraphQLResolveInfo, typename: string, node: unknown): Promise<boolean> {
  const authScopes = builder.configStore.getTypeConfig(typename, "Object").pothosOptions.authScopes;
  if (!authScopes) return true;
  const scopes = RequestCache.fromContext(ctx, builder);
  const failure =
    typeof authScopes === "function"
      ? await scopes.evaluateTypeScopeFunction(authScopes as never, typename, node, info)
      : await scopes.evaluateScopeMap(authScopes as never, info);
  return failure === null;
}

async function visibleNode(ctx: Context, info: GraphQLResolveInfo, globalId: string): Promise<unknown> {
  const parsed = parseGlobalId(globalId);
  if (!parsed) return null;
  const type = info.schema.getType(parsed.typename);
  if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === "Node")) return null;
  let node: unknown;
  try {
    [node] = await resolveNodes(builder, ctx, info, [parsed]);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  if (node === null || node === undefined) return null;
  return (await typeShows(ctx, info, parsed.typename, node)) ? node : null;
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description:
      "Fetches any object by its global id; null when it does not exist, is hidden from the viewer or the id is malformed, alike.",
    args: { id: t.arg.id({ required: true, description: "A global id." }) },
    resolve: (_root, { id }, ctx, info) => visibleNode(ctx, info, id),
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: "Fetches objects by their global ids, in the same order; null for each one `node` would answer null for.",
    args: { ids: t.arg.idList({ required: true, description: `Global ids; at most ${MAX_IDS}.` }) },
    resolve: (_root, { ids }, ctx, info) => {
      if (ids.length > MAX_IDS) {
        throw new GraphQLError(`"ids" must hold at most ${MAX_IDS} ids, got ${ids.length}`, {
          extensions: { code: "VALIDATION", field: "ids" },
        });
      }
      return Promise.all(ids.map((id) => visibleNode(ctx, info, id)));
    },
  }),
}));
