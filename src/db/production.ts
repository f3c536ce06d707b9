// The production-case condition (src/domain/training.ts) as SQL, for the statements that
// aggregate in the database (reports, live metrics).
import { productionColumns } from "../domain/training.js";
import { Prisma } from "../generated/prisma/client.js";

/** `<alias>."practice" = false`, built from PRODUCTION_CASES, the values bound as parameters. */
export function productionSql(alias: string): Prisma.Sql {
  if (!productionColumns().length) return Prisma.sql`TRUE`;
  return Prisma.join(
    productionColumns().map(([column, value]) => Prisma.sql`${Prisma.raw(`${alias}."${column}"`)} = ${value}`),
    " AND ",
  );
}
