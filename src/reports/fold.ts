// The fold: turns the cases marked by writes (ReportDirty) into stored facts and daily
// rollups. Writers only append marks; the fold alone writes ReportFact and ReportRollup,
// and only one fold runs at a time across instances (a transaction-level advisory lock,
// tried, never waited for), so no writer ever waits for it and it never waits for a writer.
import type { Logger } from "pino";
import type { PrismaClient } from "../generated/prisma/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { ALL_METRICS, FACT_COLUMNS, factSource } from "./facts.js";

/** Key of the advisory lock held by the running fold: 'caseflow report fold'. */
const FOLD_LOCK = 7208493177013355202n;

/** Marks folded per transaction, so the backfill of a large database is many short transactions. */
export const FOLD_BATCH = 20_000;
/**
 * On the embedded database one statement runs at a time, so a fold holds up every request
 * and the SLA monitor while it runs: smaller batches (about a second each) let them through
 * between batches during a backfill.
 */
export const EMBEDDED_FOLD_BATCH = 1_000;

type Db = Pick<PrismaClient, "$transaction" | "$executeRawUnsafe">;

/** What one fold did: the cases it folded and whether marks were left over; `busy` when another fold was running. */
export interface FoldResult {
  cases: number;
  more: boolean;
  busy: boolean;
}

/**
 * Folds the cases of the oldest `batch` marks (all of each case's marks).
 *
 * One statement, so one snapshot: the marks it deletes are exactly those whose writes
 * its recount sees. A write committing after the snapshot keeps its mark for the next
 * fold; its case's facts may be stored as of before it, which the mark tells reports.
 */
export async function foldReports(db: Db, batch = FOLD_BATCH): Promise<FoldResult> {
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ held: boolean }[]>`SELECT pg_try_advisory_xact_lock(${FOLD_LOCK}) AS held`;
      if (!lock?.held) return { cases: 0, more: false, busy: true };
      const rows = await tx.$queryRaw<{ cases: bigint; marks: bigint }[]>`
        WITH oldest AS MATERIALIZED (
          SELECT "ticketId" FROM "ReportDirty" ORDER BY id LIMIT ${batch}
        ), batch AS MATERIALIZED (
          SELECT DISTINCT "ticketId" FROM oldest
        ), cleared AS (
          DELETE FROM "ReportDirty" d USING batch b WHERE d."ticketId" = b."ticketId"
        ), old AS (
          DELETE FROM "ReportFact" f USING batch b WHERE f."ticketId" = b."ticketId" RETURNING f.metric, f.key, f.at, f.value, f."teamId", f.practice
        ), new AS (
          INSERT INTO "ReportFact" (${FACT_COLUMNS})
          ${factSource(ALL_METRICS, Prisma.sql`IN (SELECT "ticketId" FROM batch)`)}
          RETURNING metric, key, at, value, "teamId", practice
        ), delta AS (
          SELECT metric, at::date AS day, coalesce("teamId"::text, '') AS team, practice, key, sum(n) AS n, sum(v) AS total
          FROM (SELECT *, -1 AS n, -coalesce(value, 0)::bigint AS v FROM old UNION ALL SELECT *, 1, coalesce(value, 0)::bigint FROM new) x
          GROUP BY 1, 2, 3, 4, 5
        ), rolled AS (
          INSERT INTO "ReportRollup" (metric, day, team, practice, key, n, total)
          SELECT * FROM delta WHERE n <> 0 OR total <> 0
          ON CONFLICT (metric, day, team, practice, key)
          DO UPDATE SET n = "ReportRollup".n + EXCLUDED.n, total = "ReportRollup".total + EXCLUDED.total
        )
        SELECT (SELECT count(*) FROM batch) AS cases, (SELECT count(*) FROM oldest) AS marks`;
      return { cases: Number(rows[0]?.cases ?? 0), more: Number(rows[0]?.marks ?? 0) >= batch, busy: false };
    },
    { timeout: 600_000, maxWait: 60_000 },
  );
}

/** Folds until no marks are left (of those there when it ends); returns the cases folded. */
export async function foldAll(db: Db, batch = FOLD_BATCH): Promise<number> {
  let total = 0;
  let batches = 0;
  for (;;) {
    const { cases, more } = await foldReports(db, batch);
    total += cases;
    batches++;
    if (!more) break;
  }
  if (batches > 1) await analyzeAfterBackfill(db);
  return total;
}

/**
 * After folding many batches (a backfill) the planner's statistics still count the
 * marks and miss the new facts, and the visibility map does not cover them, until
 * autovacuum comes by: reports planned then scanned the facts' table instead of its
 * indexes (3 s instead of 0.1 s at a million cases). VACUUM cannot run in a transaction.
 */
async function analyzeAfterBackfill(db: Db) {
  await db.$executeRawUnsafe(`VACUUM (ANALYZE) "ReportDirty", "ReportFact", "ReportRollup"`);
}

export interface ReportFolder {
  /** One fold now, as the loop runs it (the loop's own folds wait for it, and it for them). */
  tick(): Promise<FoldResult | null>;
  stop(): Promise<void>;
}

/** Folds every `intervalMs` (sooner while a batch came back full, to drain a backfill). */
export function startReportFolder({
  prisma,
  intervalMs,
  logger,
  batch = FOLD_BATCH,
  onFold,
}: {
  prisma: Db;
  intervalMs: number;
  logger: Logger;
  batch?: number;
  /** Told of every fold (null: it failed), for the metrics that show marks being folded or not. */
  onFold?: (result: FoldResult | null) => void;
}): ReportFolder {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<FoldResult | null> = Promise.resolve(null);
  let draining = false;

  async function fold(): Promise<FoldResult | null> {
    try {
      const result = await foldReports(prisma, batch);
      // Another instance's fold is draining the marks: that one vacuums when it is done.
      if (!result.busy) {
        if (draining && !result.more) await analyzeAfterBackfill(prisma);
        draining = result.more;
      }
      onFold?.(result);
      return result;
    } catch (error) {
      // A fold that fails leaves the marks in place: reports stay exact, only slower.
      logger.warn({ err: error }, "report fold failed; retrying");
      onFold?.(null);
      return null;
    }
  }

  /** Runs a fold after the one in progress, if any. */
  const next = () => {
    running = running.then(fold);
    return running;
  };

  const loop = async () => {
    const result = await next();
    if (!stopped) timer = setTimeout(loop, result?.more && !result.busy ? 0 : intervalMs);
  };
  timer = setTimeout(loop, intervalMs);
  return {
    tick: next,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
