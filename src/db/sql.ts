// Building blocks for writes sent as one statement: a write that changes several rows
// (a case, its SLA targets, its automation checks, a comment) sends them together as the
// data-modifying members of one WITH, one round trip instead of one per row.
import { Prisma } from "../generated/prisma/client.js";

/**
 * `"a" = …, "b" = …` from an object of column values: a value, `{ set }`, or `{ increment }`
 * of a number column. `casts` names the type of columns whose parameter PostgreSQL cannot
 * take as text (enums, uuids); null is written as NULL, so it takes the column's type.
 */
export function assignments(data: Record<string, unknown>, casts: Readonly<Record<string, string>> = {}): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  for (const [column, change] of Object.entries(data)) {
    if (change === undefined) continue;
    const name = Prisma.raw(`"${column}"`);
    if (change !== null && typeof change === "object" && !(change instanceof Date)) {
      if ("increment" in change) parts.push(Prisma.sql`${name} = ${name} + ${(change as { increment: number }).increment}`);
      else if ("set" in change) parts.push(Prisma.sql`${name} = ${value((change as { set: unknown }).set, casts[column])}`);
      else throw new Error(`Unsupported change of column ${column}`);
    } else parts.push(Prisma.sql`${name} = ${value(change, casts[column])}`);
  }
  return Prisma.join(parts, ", ");
}

/** One value for a column: NULL as such (typed by its column), others cast when named. */
export function value(v: unknown, cast?: string): Prisma.Sql {
  if (v === null) return Prisma.sql`NULL`;
  return cast ? Prisma.sql`${v}::${Prisma.raw(cast)}` : Prisma.sql`${v}`;
}

/**
 * One value of a SELECT list that an INSERT … SELECT writes: there the column gives no type,
 * so every value names its own (`cast`); instants go as UTC text (the columns hold UTC).
 */
export function typed(v: unknown, cast: string): Prisma.Sql {
  if (v === null || v === undefined) return Prisma.sql`NULL::${Prisma.raw(cast)}`;
  if (v instanceof Date) return Prisma.sql`${v.toISOString()}::${Prisma.raw(cast)}`;
  return Prisma.sql`${v}::${Prisma.raw(cast)}`;
}

/**
 * The condition of every write sent alongside a case's UPDATE (withMembers): it happens
 * only if the UPDATE changed the row. A move that lost to a concurrent one (a stale
 * version) then writes nothing, not even a row that would collide with the winner's.
 */
export const IF_MAIN = Prisma.sql`EXISTS (SELECT 1 FROM main)`;

/**
 * `main` and `alongside` as the members of one WITH (`main AS (…), w0 AS (…), …`): the
 * alongside writes are data-modifying members (each runs once and to completion; none sees
 * another's changes, so no two may touch the same row).
 */
export function withMembers(main: Prisma.Sql, alongside: readonly Prisma.Sql[]): Prisma.Sql {
  const members = [Prisma.sql`main AS (${main})`, ...alongside.map((write, i) => Prisma.sql`${Prisma.raw(`w${i}`)} AS (${write})`)];
  return Prisma.join(members, ", ");
}

/** `main` and `alongside` as one statement (withMembers), answering the number of rows `main` returned. */
export function together(main: Prisma.Sql, alongside: readonly Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`WITH ${withMembers(main, alongside)} SELECT count(*)::int AS "rows" FROM main`;
}

/** Runs writes as one statement (nothing when there are none). */
export async function runTogether(tx: { $executeRaw(query: Prisma.Sql): Promise<number> }, writes: readonly Prisma.Sql[]): Promise<void> {
  if (writes.length) await tx.$executeRaw(together(Prisma.sql`SELECT 1`, writes));
}
