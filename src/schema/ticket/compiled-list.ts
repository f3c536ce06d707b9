// The case list, compiled: a query whose every root field is `tickets` and whose selection
// holds only fields this module knows is answered by ONE SQL statement that builds the
// response's JSON in the database, without Prisma's result mapping and without running a
// resolver per field. Anything else (another root field, a field not listed here, a
// directive, cursors passed in, an argument the normal path would refuse) runs through
// the normal executor, which also answers every error, so codes and messages stay theirs.
//
// The rules are not copied: the rows are chosen by the same Prisma conditions the normal
// path uses (ticketListWhere, visibleCommentsWhere, TICKET_ORDER, COMMENT_ORDER), translated
// to SQL by src/db/where-sql.ts; the auth scopes are read from the schema's own field and
// type options; SLA state is computed by the same function as Ticket.sla's loader
// (slaStateOf); cursors by Pothos' own formatter. The Ticket type's own scope
// (canSeeTicket) is what ticketListWhere's visibility condition selects by.
import { randomBytes } from "node:crypto";
import { formatPrismaCursor } from "@pothos/plugin-prisma";
import {
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isLeafType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../../context.js";
import { column, orderSql, whereSql } from "../../db/where-sql.js";
import { hasScope, type Viewer, visibleCommentsWhere } from "../../domain/access.js";
import { Prisma } from "../../generated/prisma/client.js";
import { slaStateOf } from "../../resolvers/sla/state.js";
import { TICKET_ORDER, type TicketFilter, ticketListWhere } from "../../resolvers/tickets/reads.js";
import { COMMENT_ORDER } from "./type.js";

/** Why a query is left to the normal executor; never shown to clients. */
class NotCompiled extends Error {}

interface Selection {
  key: string;
  name: string;
  node: FieldNode;
  field: GraphQLField<unknown, unknown>;
  parent: GraphQLObjectType;
}

/** The fields of a selection set on `type`: fragments on the same type flattened; directives, other types and repeated keys refused. */
function fieldsOf(
  set: SelectionSetNode,
  type: GraphQLObjectType,
  fragments: Record<string, FragmentDefinitionNode>,
  out: Selection[] = [],
) {
  for (const selection of set.selections) {
    if (selection.directives?.length) throw new NotCompiled("directive");
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      if (out.some((s) => s.key === key)) throw new NotCompiled("repeated key");
      const field = selection.name.value === "__typename" ? null : type.getFields()[selection.name.value];
      if (selection.name.value !== "__typename" && !field) throw new NotCompiled("unknown field");
      out.push({ key, name: selection.name.value, node: selection, field: field as GraphQLField<unknown, unknown>, parent: type });
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      if (!fragment || (fragment.typeCondition && fragment.typeCondition.name.value !== type.name)) throw new NotCompiled("fragment");
      fieldsOf(fragment.selectionSet, type, fragments, out);
    }
  }
  return out;
}

/** The schema's own auth scopes of a field or type, where they are of a form this module can evaluate like the builder does. */
function allowed(options: { authScopes?: unknown } | undefined, viewer: Viewer | null): boolean {
  const scopes = options?.authScopes;
  if (scopes === undefined) return true;
  if (typeof scopes !== "object" || scopes === null) throw new NotCompiled("scopes");
  // A scope map passes when any scope passes (Pothos' default); $granted comes only from parent fields, never here.
  return Object.entries(scopes).some(([name, value]) => {
    if (name === "$granted") return false;
    if (name === "authenticated" && value === true) return viewer !== null;
    if (name === "scope" && typeof value === "string") return hasScope(viewer, value as never);
    throw new NotCompiled(`scope ${name}`);
  });
}

const pothos = (of: { extensions?: unknown }) =>
  (of.extensions ?? {}) as {
    pothosOptions?: { authScopes?: unknown; id?: { field: string } };
    pothosExposedField?: string;
    pothosPrismaModel?: string;
    pothosPrismaRelationField?: string;
  };

const literal = (text: string) => Prisma.raw(`'${text.replace(/'/g, "''")}'`);
/** An instant as the DateTime scalar writes it (toISOString), from a UTC `timestamp(3)` column. */
const isoSql = (col: Prisma.Sql) => Prisma.sql`to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** A global id as Pothos' encodeGlobalID writes it: base64 of "<Type>:<id>". */
const globalIdSql = (typename: string, col: Prisma.Sql) =>
  Prisma.sql`translate(encode(convert_to(${literal(`${typename}:`)} || ${col}::text, 'UTF8'), 'base64'), E'\\n', '')`;

/** json_build_object of key/value pairs; PostgreSQL takes at most 100 arguments. */
function objectSql(pairs: [string, Prisma.Sql][]): Prisma.Sql {
  if (pairs.length > 50) throw new NotCompiled("too many fields");
  return Prisma.sql`json_build_object(${Prisma.join(
    pairs.map(([key, value]) => Prisma.sql`${literal(key)}, ${value}`),
    ", ",
  )})`;
}

/**
 * Work left for Node after the statement (SLA state computed now, cursors formatted): the
 * statement writes a marker string holding the work's input where its JSON goes, and the
 * filler turns that input into the JSON that replaces the marker in the response text.
 */
type Filler = (input: string) => string;

interface Compiler {
  viewer: Viewer | null;
  variables: Record<string, unknown>;
  fragments: Record<string, FragmentDefinitionNode>;
  schema: GraphQLSchema;
  now: Date;
  aliases: number;
  fillers: Filler[];
  /** Random per request, so no stored text can pose as a marker. */
  nonce: string;
}

/** `input` (text) in a marker the filler registered here replaces; null stays null. */
function marker(c: Compiler, input: Prisma.Sql, filler: Filler): Prisma.Sql {
  c.fillers.push(filler);
  return Prisma.sql`(${`\u0001${c.nonce}${c.fillers.length - 1}:`}::text || ${input})`;
}

const PAGE_LIMIT = 100;

function pageSize(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > PAGE_LIMIT) throw new NotCompiled("page size");
  return value;
}

/** A row of a Prisma model type as a JSON object of the selected fields. */
function objectOf(c: Compiler, type: GraphQLObjectType, set: SelectionSetNode | undefined, alias: string) {
  const model = pothos(type).pothosPrismaModel;
  if (!set || !model) throw new NotCompiled("not a model");
  // The Ticket type's scope is canSeeTicket, which the list's visibility condition already applied to every row.
  if (type.name !== "Ticket" && !allowed(pothos(type).pothosOptions, c.viewer)) throw new NotCompiled("type scope");
  const pairs: [string, Prisma.Sql][] = [];
  for (const sel of fieldsOf(set, type, c.fragments)) {
    if (sel.name === "__typename") {
      pairs.push([sel.key, literal(type.name)]);
      continue;
    }
    const ext = pothos(sel.field);
    if (!allowed(ext.pothosOptions, c.viewer)) throw new NotCompiled("field scope");
    const named = getNamedType(sel.field.type);
    if (sel.name === "id" && named.name === "ID" && (ext.pothosOptions?.id || GLOBAL_ID_TYPES.has(type.name))) {
      pairs.push([sel.key, globalIdSql(type.name, column(alias, pothos(type).pothosOptions?.id?.field ?? "id"))]);
    } else if (ext.pothosExposedField) {
      if (sel.node.selectionSet) throw new NotCompiled("exposed object");
      const col = column(alias, ext.pothosExposedField);
      pairs.push([sel.key, named.name === "DateTime" ? isoSql(col) : named.name === "ID" ? Prisma.sql`${col}::text` : col]);
    } else if (ext.pothosPrismaRelationField && isObjectType(named) && !sel.field.args.length && TO_ONE.has(`${type.name}.${sel.name}`)) {
      const inner = `r${++c.aliases}`;
      const body = objectOf(c, named, sel.node.selectionSet, inner);
      const [table, key] = TO_ONE.get(`${type.name}.${sel.name}`)!;
      pairs.push([
        sel.key,
        Prisma.sql`(SELECT ${body} FROM ${Prisma.raw(`"${table}" ${inner}`)} WHERE ${column(inner, "id")} = ${column(alias, key)})`,
      ]);
    } else if (type.name === "Ticket" && sel.name === "tags") {
      pairs.push([
        sel.key,
        Prisma.sql`ARRAY(SELECT g.name FROM "TicketTag" tt JOIN "Tag" g ON g.id = tt."tagId" WHERE tt."ticketId" = ${column(alias, "id")} ORDER BY g.name COLLATE "C")`,
      ]);
    } else if (type.name === "Ticket" && sel.name === "comments") {
      pairs.push([sel.key, commentsOf(c, sel, alias)]);
    } else if (type.name === "Ticket" && sel.name === "sla") {
      pairs.push([sel.key, marker(c, Prisma.sql`${slaTargetsSql(column(alias, "id"))}::text`, slaFiller(c, sel))]);
    } else {
      throw new NotCompiled(`${type.name}.${sel.name}`);
    }
  }
  return objectSql(pairs);
}

/** Types whose `id` field is their global id (prismaNode ids, and Comment's own). */
const GLOBAL_ID_TYPES = new Set(["Ticket", "Team", "User", "Comment"]);
/** The to-one relations the list shows: the related table and the foreign key on the case. */
const TO_ONE = new Map<string, [string, string]>([
  ["Ticket.team", ["Team", "teamId"]],
  ["Ticket.assignee", ["User", "assigneeId"]],
  ["Ticket.tier", ["Tier", "tierId"]],
]);

/** Ticket.comments(first | last): the viewer's visible comments in COMMENT_ORDER, as a connection of edges and nodes. */
function commentsOf(c: Compiler, sel: Selection, ticket: string): Prisma.Sql {
  const args = getArgumentValues(sel.field as never, sel.node, c.variables) as Record<string, unknown>;
  if (args.after != null || args.before != null) throw new NotCompiled("comment cursor");
  if (args.first != null && args.last != null) throw new NotCompiled("first and last");
  const backward = args.last != null;
  const size = pageSize(backward ? args.last : args.first, 20);
  const connection = getNamedType(sel.field.type) as GraphQLObjectType;
  const pairs: [string, Prisma.Sql][] = [];
  const alias = `c${++c.aliases}`;
  for (const part of fieldsOf(sel.node.selectionSet!, connection, c.fragments)) {
    if (part.name === "__typename") pairs.push([part.key, literal(connection.name)]);
    else if (part.name === "edges") {
      const edge = getNamedType(part.field.type) as GraphQLObjectType;
      const edgePairs: [string, Prisma.Sql][] = [];
      for (const e of fieldsOf(part.node.selectionSet!, edge, c.fragments)) {
        if (e.name === "__typename") edgePairs.push([e.key, literal(edge.name)]);
        else if (e.name === "node") {
          edgePairs.push([e.key, objectOf(c, getNamedType(e.field.type) as GraphQLObjectType, e.node.selectionSet, alias)]);
        } else throw new NotCompiled(`comment edge ${e.name}`);
      }
      const where = whereSql("Comment", visibleCommentsWhere(c.viewer), alias);
      const inner = Prisma.sql`SELECT * FROM "Comment" ${Prisma.raw(alias)} WHERE ${column(alias, "ticketId")} = ${column(ticket, "id")} AND ${where}
        ORDER BY ${orderSql("Comment", COMMENT_ORDER, alias, backward)} LIMIT ${Prisma.raw(String(size))}`;
      pairs.push([
        part.key,
        Prisma.sql`coalesce((SELECT json_agg(${objectSql(edgePairs)} ORDER BY ${orderSql("Comment", COMMENT_ORDER, alias)}) FROM (${inner}) ${Prisma.raw(alias)}), '[]'::json)`,
      ]);
    } else throw new NotCompiled(`comment connection ${part.name}`);
  }
  return objectSql(pairs);
}

/** Each kind's latest cycle of the case's SLA targets with its calendar, as slaStateOf takes them (instants as ISO text). */
const slaTargetsSql = (ticketId: Prisma.Sql) => Prisma.sql`(SELECT coalesce(json_agg(json_build_object(
    'kind', s.kind, 'cycle', s.cycle, 'budgetSeconds', s."budgetSeconds", 'consumedSeconds', s."consumedSeconds",
    'warningBeforeSeconds', s."warningBeforeSeconds", 'startedAt', ${isoSql(Prisma.sql`s."startedAt"`)}, 'dueAt', ${isoSql(Prisma.sql`s."dueAt"`)},
    'warnAt', ${isoSql(Prisma.sql`s."warnAt"`)}, 'pausedAt', ${isoSql(Prisma.sql`s."pausedAt"`)}, 'metAt', ${isoSql(Prisma.sql`s."metAt"`)},
    'warnedAt', ${isoSql(Prisma.sql`s."warnedAt"`)}, 'breachedAt', ${isoSql(Prisma.sql`s."breachedAt"`)}, 'breachReason', s."breachReason",
    'calendar', (SELECT json_build_object('timeZone', bc."timeZone", 'weeklyHours', bc."weeklyHours", 'holidays', bc.holidays)
                 FROM "BusinessCalendar" bc WHERE bc.id = s."calendarId"))), '[]'::json)
  FROM (SELECT DISTINCT ON (kind) * FROM "SlaTarget" WHERE "ticketId" = ${ticketId} ORDER BY kind, cycle DESC) s)`;

const SLA_INSTANTS = ["startedAt", "dueAt", "warnAt", "pausedAt", "metAt", "warnedAt", "breachedAt"] as const;

/** The targets read by slaTargetsSql as the selected fields of their state now. */
function slaFiller(c: Compiler, sel: Selection): Filler {
  const project = projector(c, getNamedType(sel.field.type) as GraphQLObjectType, sel.node.selectionSet!);
  return (input) => {
    const rows = (JSON.parse(input) as Record<string, unknown>[]).map((row) => {
      for (const name of SLA_INSTANTS) row[name] = row[name] === null ? null : new Date(row[name] as string);
      return row;
    });
    return JSON.stringify(project(slaStateOf(rows as never, c.now)));
  };
}

/** A case's cursor as Pothos' connection writes it, from its id. */
const cursorFiller: Filler = (id) => JSON.stringify(formatPrismaCursor({ id }, "id"));

/** A plain object (TicketSla and below) projected onto a selection, scalars serialized by the schema's own scalars and enums. */
function projector(c: Compiler, type: GraphQLObjectType, set: SelectionSetNode): (value: unknown) => unknown {
  const parts = fieldsOf(set, type, c.fragments).map((sel) => {
    if (sel.name === "__typename") return { key: sel.key, get: () => type.name };
    if (sel.field.args.length || !allowed(pothos(sel.field).pothosOptions, c.viewer)) throw new NotCompiled("projected field");
    const named = getNamedType(sel.field.type);
    const list = sel.field.type.toString().includes("[");
    if (!isObjectType(named) && !isLeafType(named)) throw new NotCompiled("abstract type");
    const inner = isObjectType(named) ? projector(c, named, sel.node.selectionSet!) : (v: unknown) => named.serialize(v);
    const read = (v: unknown) => (v === null || v === undefined ? null : list ? (v as unknown[]).map(inner) : inner(v));
    return { key: sel.key, get: (source: Record<string, unknown>) => read(source[sel.name]) };
  });
  return (value) => {
    if (value === null || value === undefined) return null;
    const out: Record<string, unknown> = {};
    for (const part of parts) out[part.key] = part.get(value as Record<string, unknown>);
    return out;
  };
}

/** Query.tickets(first, filter, orderBy) as one scalar subquery building its connection. */
function ticketsOf(c: Compiler, sel: Selection): Prisma.Sql {
  if (!allowed(pothos(sel.field).pothosOptions, c.viewer)) throw new NotCompiled("tickets scope");
  const args = getArgumentValues(sel.field as never, sel.node, c.variables) as {
    first?: number | null;
    last?: number | null;
    after?: string | null;
    before?: string | null;
    filter?: TicketFilter | null;
    orderBy?: keyof typeof TICKET_ORDER | null;
  };
  if (args.after != null || args.before != null || args.last != null) throw new NotCompiled("cursor arguments");
  const size = pageSize(args.first, 20);
  // Throws ValidationError on bad input: the normal path then answers it with its code.
  const where = whereSql("Ticket", ticketListWhere(c.viewer!, args.filter), "t");
  const order = orderSql("Ticket", TICKET_ORDER[args.orderBy ?? "NEWEST"], "t");
  const connection = getNamedType(sel.field.type) as GraphQLObjectType;
  const pairs: [string, Prisma.Sql][] = [];
  for (const part of fieldsOf(sel.node.selectionSet!, connection, c.fragments)) {
    if (part.name === "__typename") pairs.push([part.key, literal(connection.name)]);
    else if (part.name === "totalCount") pairs.push([part.key, Prisma.sql`(SELECT count(*)::int FROM "Ticket" t WHERE ${where})`]);
    else if (part.name === "pageInfo") {
      const info = getNamedType(part.field.type) as GraphQLObjectType;
      const infoPairs: [string, Prisma.Sql][] = [];
      for (const p of fieldsOf(part.node.selectionSet!, info, c.fragments)) {
        if (p.name === "__typename") infoPairs.push([p.key, literal(info.name)]);
        else if (p.name === "hasNextPage") infoPairs.push([p.key, Prisma.sql`count(*) > ${Prisma.raw(String(size))}`]);
        else if (p.name === "hasPreviousPage") infoPairs.push([p.key, Prisma.sql`false`]);
        else if (p.name === "startCursor" || p.name === "endCursor") {
          const id = Prisma.sql`(array_agg(t.id::text ORDER BY t.rn ${Prisma.raw(p.name === "startCursor" ? "ASC" : "DESC")}) FILTER (WHERE t.rn <= ${Prisma.raw(String(size))}))[1]`;
          infoPairs.push([p.key, marker(c, id, cursorFiller)]);
        } else throw new NotCompiled(`pageInfo ${p.name}`);
      }
      pairs.push([part.key, objectSql(infoPairs)]);
    } else if (part.name === "edges") {
      const edge = getNamedType(part.field.type) as GraphQLObjectType;
      const edgePairs: [string, Prisma.Sql][] = [];
      for (const e of fieldsOf(part.node.selectionSet!, edge, c.fragments)) {
        if (e.name === "__typename") edgePairs.push([e.key, literal(edge.name)]);
        else if (e.name === "cursor") {
          edgePairs.push([e.key, marker(c, Prisma.sql`t.id::text`, cursorFiller)]);
        } else if (e.name === "node") {
          edgePairs.push([e.key, objectOf(c, getNamedType(e.field.type) as GraphQLObjectType, e.node.selectionSet, "t")]);
        } else throw new NotCompiled(`ticket edge ${e.name}`);
      }
      pairs.push([
        part.key,
        Prisma.sql`coalesce(json_agg(${objectSql(edgePairs)} ORDER BY t.rn) FILTER (WHERE t.rn <= ${Prisma.raw(String(size))}), '[]'::json)`,
      ]);
    } else throw new NotCompiled(`ticket connection ${part.name}`);
  }
  // One row past the page tells whether another page follows (as Pothos' connections do).
  return Prisma.sql`(SELECT ${objectSql(pairs)} FROM (
      SELECT t.*, row_number() OVER (ORDER BY ${order}) AS rn FROM "Ticket" t WHERE ${where} ORDER BY ${order} LIMIT ${Prisma.raw(String(size + 1))}
    ) t)`;
}

/** The operation's root fields, when all are `tickets` of a query; null otherwise. Cached per document. */
const operations = new WeakMap<
  DocumentNode,
  Map<string | undefined, { operation: OperationDefinitionNode; fragments: Record<string, FragmentDefinitionNode> } | null>
>();

function compilableOperation(document: DocumentNode, operationName: string | null | undefined) {
  let byName = operations.get(document);
  if (!byName) {
    byName = new Map();
    operations.set(document, byName);
  }
  const name = operationName ?? undefined;
  if (byName.has(name)) return byName.get(name)!;
  const definitions = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    name === undefined ? (definitions.length === 1 ? definitions[0] : undefined) : definitions.find((d) => d.name?.value === name);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const found =
    operation &&
    operation.operation === "query" &&
    !operation.directives?.length &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value === "tickets" && !s.directives?.length)
      ? { operation, fragments }
      : null;
  byName.set(name, found);
  return found;
}

/** A compiled answer: its JSON text as written, parsed only if something asks for the object (graphql-ws). */
export interface CompiledResult {
  readonly data: Record<string, unknown>;
  /** Used by yoga instead of JSON.stringify. */
  stringify(): string;
}

/** Markers in the statement's JSON text: "\u0001<nonce><filler>:<input, JSON-escaped>". */
const markerPattern = (nonce: string) => new RegExp(String.raw`"\\u0001${nonce}(\d+):((?:[^"\\]|\\.)*)"`, "g");

/** The compiled answer of an operation, or null to run it through the normal executor. */
export async function compiledTicketList(args: ExecutionArgs): Promise<CompiledResult | null> {
  const found = compilableOperation(args.document, args.operationName);
  if (!found) return null;
  const ctx = args.contextValue as Context;
  if (!ctx.viewer) return null;
  let statement: Prisma.Sql;
  const compiler: Compiler = {
    viewer: ctx.viewer,
    variables: {},
    fragments: found.fragments,
    schema: args.schema,
    now: ctx.clock.now(),
    aliases: 0,
    fillers: [],
    nonce: randomBytes(9).toString("hex"),
  };
  try {
    const variables = getVariableValues(args.schema, found.operation.variableDefinitions ?? [], (args.variableValues ?? {}) as never);
    if (variables.errors) return null;
    compiler.variables = variables.coerced;
    const query = args.schema.getQueryType()!;
    const roots = fieldsOf(found.operation.selectionSet, query, found.fragments).map((sel): [string, Prisma.Sql] => {
      if (sel.name !== "tickets") throw new NotCompiled("root field");
      return [sel.key, ticketsOf(compiler, sel)];
    });
    statement = Prisma.sql`SELECT ${objectSql(roots)}::text AS data`;
  } catch {
    // Not compilable, or input the normal path refuses with its own error.
    return null;
  }
  const [row] = await ctx.prisma.$queryRaw<{ data: string }[]>(statement);
  let text = row!.data;
  if (compiler.fillers.length) {
    text = text.replace(markerPattern(compiler.nonce), (_, filler: string, input: string) =>
      compiler.fillers[Number(filler)]!(JSON.parse(`"${input}"`)),
    );
  }
  const body = `{"data":${text}}`;
  let data: Record<string, unknown> | undefined;
  return {
    get data() {
      data ??= JSON.parse(text) as Record<string, unknown>;
      return data;
    },
    stringify: () => body,
  };
}

/**
 * Answers compilable case lists with compiledTicketList and everything else as before.
 * Registered before useExecutionTimeout, so the timeout covers both.
 */
export function useCompiledTicketList(): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => ((await compiledTicketList(args)) as never) ?? executeFn(args));
    },
  };
}
