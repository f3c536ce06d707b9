// Reads bounded by the request's deadline. The execution timeout answers TIMEOUT to the
// client, but it cannot stop a statement already sent: without a bound, a slow read (a
// report while the rollups are being rebuilt, say) keeps running and holds its pool
// connection long after the answer. Here PostgreSQL itself cancels the statement when the
// request's time is up (statement_timeout, local to the statement's own transaction).
import type { Deadline } from "../context.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

/** A `$queryRaw` whose statements PostgreSQL cancels at `deadline` (none: unbounded). */
export function boundedReads(prisma: PrismaClient, deadline: Deadline | null) {
  return {
    $queryRaw<T>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T> {
      const sql = Prisma.sql(strings, ...values);
      if (!deadline) return prisma.$queryRaw<T>(sql);
      const remainingMs = Math.max(1, Math.ceil(deadline.at - Date.now()));
      return prisma
        .$transaction([prisma.$queryRaw`SELECT set_config('statement_timeout', ${String(remainingMs)}, true)`, prisma.$queryRaw<T>(sql)])
        .then(([, rows]) => rows);
    },
  };
}
