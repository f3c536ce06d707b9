// Prepared statements for the statements that opt in: PostgreSQL then parses and plans
// them once per connection instead of on every request. Only statements whose text starts
// with PREPARED are named (the compiled case list's, whose texts repeat per selection);
// every other statement stays unnamed, so a connection does not collect one prepared
// statement per distinct text Prisma generates.
import { createHash } from "node:crypto";

/** Put in front of a statement's text to have it prepared once per connection. */
export const PREPARED = "/* prepared */ ";

/** The pg statement name of a statement that opted in (by its text's hash), else undefined. */
export function preparedStatementName(query: { sql: string }): string | undefined {
  if (!query.sql.startsWith(PREPARED)) return undefined;
  return `caseflow_${createHash("sha1").update(query.sql).digest("hex")}`;
}
