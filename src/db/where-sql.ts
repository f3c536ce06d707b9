// Prisma `where` and `orderBy` inputs as SQL fragments, for statements built by hand
// (the compiled case list) that must select exactly the rows a Prisma query with the
// same input would. The conditions themselves stay where they are written, as Prisma
// inputs (src/domain/access.ts, src/resolvers/tickets/reads.ts); this module only
// translates them, so a read through Prisma and a compiled read share one rule.
//
// Only the subset of Prisma's input language those conditions use is translated:
// AND/OR/NOT, scalar values and filters (equals, in, notIn, not, lt, lte, gt, gte,
// contains/startsWith/endsWith with `mode: "insensitive"`), to-one relations (nested
// or is/isNot) and list relations (some/every/none). Anything else throws
// UntranslatableWhere, and the caller falls back to Prisma.
import { getDatamodel } from "../generated/pothos-prisma-types.js";
import { Prisma } from "../generated/prisma/client.js";

export class UntranslatableWhere extends Error {}

interface FieldInfo {
  name: string;
  kind: string;
  type: string;
  isList: boolean;
  isId?: boolean;
  relationName?: string;
  relationFromFields?: string[];
}

const models = getDatamodel().datamodel.models as unknown as Record<string, { fields: FieldInfo[] }>;

function fieldOf(model: string, name: string): FieldInfo {
  const field = models[model]?.fields.find((f) => f.name === name);
  if (!field) throw new UntranslatableWhere(`${model}.${name} is not a field`);
  return field;
}

function idOf(model: string): string {
  const id = models[model]?.fields.find((f) => f.isId);
  if (!id) throw new UntranslatableWhere(`${model} has no single-column id`);
  return id.name;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const column = (alias: string, name: string) => Prisma.raw(`${alias}.${quote(name)}`);

/**
 * How a relation field joins: `outer` is the alias of `model`, `inner` of the related
 * model; the condition that ties a row of the related model to the outer row.
 */
function joinCondition(model: string, field: FieldInfo, outer: string, inner: string): Prisma.Sql {
  const from = field.relationFromFields ?? [];
  if (from.length === 1) return Prisma.sql`${column(inner, idOf(field.type))} = ${column(outer, from[0]!)}`;
  const back = models[field.type]?.fields.find(
    (f) => f.relationName === field.relationName && f.type === model && (f.relationFromFields?.length ?? 0) === 1,
  );
  if (!back) throw new UntranslatableWhere(`${model}.${field.name}: unsupported relation`);
  return Prisma.sql`${column(inner, back.relationFromFields![0]!)} = ${column(outer, idOf(model))}`;
}

let aliases = 0;
const nextAlias = () => `w${++aliases % 1_000_000}`;

const SCALAR_FILTERS = new Set(["equals", "in", "notIn", "not", "lt", "lte", "gt", "gte", "contains", "startsWith", "endsWith", "mode"]);

function scalarCondition(col: Prisma.Sql, filter: unknown): Prisma.Sql {
  if (filter === null) return Prisma.sql`${col} IS NULL`;
  if (typeof filter !== "object" || filter instanceof Date) return Prisma.sql`${col} = ${filter}`;
  const ops = filter as Record<string, unknown>;
  const insensitive = ops.mode === "insensitive";
  if (ops.mode !== undefined && ops.mode !== "insensitive" && ops.mode !== "default") throw new UntranslatableWhere("mode");
  const parts: Prisma.Sql[] = [];
  const like = (pattern: string) => (insensitive ? Prisma.sql`${col}::text ILIKE ${pattern}` : Prisma.sql`${col}::text LIKE ${pattern}`);
  for (const [op, value] of Object.entries(ops)) {
    if (!SCALAR_FILTERS.has(op)) throw new UntranslatableWhere(`filter ${op}`);
    if (value === undefined || op === "mode") continue;
    switch (op) {
      case "equals":
        parts.push(
          value === null
            ? Prisma.sql`${col} IS NULL`
            : insensitive
              ? Prisma.sql`lower(${col}) = lower(${value})`
              : Prisma.sql`${col} = ${value}`,
        );
        break;
      case "not":
        parts.push(
          value === null
            ? Prisma.sql`${col} IS NOT NULL`
            : typeof value === "object" && !(value instanceof Date)
              ? Prisma.sql`NOT (${scalarCondition(col, value)})`
              : Prisma.sql`${col} <> ${value}`,
        );
        break;
      case "in":
      case "notIn": {
        const list = value as unknown[];
        if (!Array.isArray(list)) throw new UntranslatableWhere(op);
        const inList = list.length ? Prisma.sql`${col} IN (${Prisma.join(list)})` : Prisma.sql`FALSE`;
        parts.push(op === "in" ? inList : list.length ? Prisma.sql`${col} NOT IN (${Prisma.join(list)})` : Prisma.sql`TRUE`);
        break;
      }
      case "lt":
        parts.push(Prisma.sql`${col} < ${value}`);
        break;
      case "lte":
        parts.push(Prisma.sql`${col} <= ${value}`);
        break;
      case "gt":
        parts.push(Prisma.sql`${col} > ${value}`);
        break;
      case "gte":
        parts.push(Prisma.sql`${col} >= ${value}`);
        break;
      // The text goes into the pattern as it is, as Prisma does (callers escape with likeLiteral).
      case "contains":
        parts.push(like(`%${value}%`));
        break;
      case "startsWith":
        parts.push(like(`${value}%`));
        break;
      case "endsWith":
        parts.push(like(`%${value}`));
        break;
    }
  }
  return parts.length ? Prisma.join(parts, " AND ", "(", ")") : Prisma.sql`TRUE`;
}

function relationCondition(model: string, field: FieldInfo, alias: string, filter: unknown): Prisma.Sql {
  if (filter === null) {
    if (field.isList) throw new UntranslatableWhere(`${field.name}: null`);
    return Prisma.sql`NOT EXISTS (${exists(model, field, alias, {})})`;
  }
  const ops = filter as Record<string, unknown>;
  if (field.isList) {
    const parts: Prisma.Sql[] = [];
    for (const [op, value] of Object.entries(ops)) {
      if (value === undefined) continue;
      if (op === "some") parts.push(Prisma.sql`EXISTS (${exists(model, field, alias, value)})`);
      else if (op === "none") parts.push(Prisma.sql`NOT EXISTS (${exists(model, field, alias, value)})`);
      else if (op === "every") parts.push(Prisma.sql`NOT EXISTS (${exists(model, field, alias, { NOT: value })})`);
      else throw new UntranslatableWhere(`${field.name}.${op}`);
    }
    return parts.length ? Prisma.join(parts, " AND ", "(", ")") : Prisma.sql`TRUE`;
  }
  if ("is" in ops || "isNot" in ops) {
    const parts: Prisma.Sql[] = [];
    for (const [op, value] of Object.entries(ops)) {
      if (value === undefined) continue;
      if (op === "is")
        parts.push(
          value === null ? relationCondition(model, field, alias, null) : Prisma.sql`EXISTS (${exists(model, field, alias, value)})`,
        );
      else if (op === "isNot")
        parts.push(
          value === null
            ? Prisma.sql`EXISTS (${exists(model, field, alias, {})})`
            : Prisma.sql`NOT EXISTS (${exists(model, field, alias, value)})`,
        );
      else throw new UntranslatableWhere(`${field.name}.${op}`);
    }
    return parts.length ? Prisma.join(parts, " AND ", "(", ")") : Prisma.sql`TRUE`;
  }
  return Prisma.sql`EXISTS (${exists(model, field, alias, ops)})`;
}

function exists(model: string, field: FieldInfo, alias: string, where: unknown): Prisma.Sql {
  const inner = nextAlias();
  return Prisma.sql`SELECT 1 FROM ${Prisma.raw(`${quote(field.type)} ${inner}`)} WHERE ${joinCondition(model, field, alias, inner)} AND ${whereSql(field.type, where, inner)}`;
}

/** `where` (a Prisma where input of `model`) as a condition on the row `alias`. */
export function whereSql(model: string, where: unknown, alias: string): Prisma.Sql {
  if (where === undefined || where === null) return Prisma.sql`TRUE`;
  if (typeof where !== "object" || Array.isArray(where)) throw new UntranslatableWhere("where must be an object");
  const parts: Prisma.Sql[] = [];
  const list = (value: unknown) => (Array.isArray(value) ? value : [value]);
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === "AND") {
      const all = list(value).map((w) => whereSql(model, w, alias));
      if (all.length) parts.push(Prisma.join(all, " AND ", "(", ")"));
    } else if (key === "OR") {
      const any = list(value).map((w) => whereSql(model, w, alias));
      parts.push(any.length ? Prisma.join(any, " OR ", "(", ")") : Prisma.sql`FALSE`);
    } else if (key === "NOT") {
      for (const w of list(value)) parts.push(Prisma.sql`NOT ${whereSql(model, w, alias)}`);
    } else {
      const field = fieldOf(model, key);
      if (field.kind === "object") parts.push(relationCondition(model, field, alias, value));
      else if (field.isList) throw new UntranslatableWhere(`${model}.${key}: scalar lists`);
      else parts.push(scalarCondition(column(alias, key), value));
    }
  }
  return parts.length ? Prisma.join(parts, " AND ", "(", ")") : Prisma.sql`TRUE`;
}

type Direction = "asc" | "desc";
type OrderInput = Record<string, Direction | { sort: Direction; nulls?: "first" | "last" }>;

/** A Prisma orderBy of scalar fields as an ORDER BY list on `alias`; `reverse` flips every direction. */
export function orderSql(model: string, orderBy: readonly OrderInput[], alias: string, reverse = false): Prisma.Sql {
  const terms = orderBy.map((term) => {
    const entries = Object.entries(term);
    if (entries.length !== 1) throw new UntranslatableWhere("orderBy: one field per term");
    const [name, spec] = entries[0]!;
    if (fieldOf(model, name).kind === "object") throw new UntranslatableWhere("orderBy: relations");
    const { sort, nulls } = typeof spec === "string" ? { sort: spec, nulls: undefined } : spec;
    const flip = (d: Direction) => (reverse ? (d === "asc" ? "desc" : "asc") : d);
    const flipNulls = (n: "first" | "last") => (reverse ? (n === "first" ? "last" : "first") : n);
    return Prisma.raw(`${alias}.${quote(name)} ${flip(sort).toUpperCase()}${nulls ? ` NULLS ${flipNulls(nulls).toUpperCase()}` : ""}`);
  });
  return Prisma.join(terms, ", ");
}
