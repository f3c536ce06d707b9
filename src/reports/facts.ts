// A case's report facts, computed from its rows: the one place that says what each
// report figure counts. The fold stores them per case and sums them per day
// (src/reports/fold.ts); a report reads those sums and recounts from here the cases
// changed since the last fold (src/resolvers/reports.ts), so both count the same way.
// Two duties come with changing this file: a column read here must be watched by its
// table's update trigger (migration report_rollups; test/report-marks.test.ts checks it),
// and a change to what a figure counts (or to DURATION_CLASS_BOUNDS) needs a migration that
// marks every case again (INSERT INTO "ReportDirty" SELECT id FROM "Ticket"), or the stored
// facts and the recounts disagree.
import { productionSql } from "../db/production.js";
import {
  DURATION_CLASS_BOUNDS,
  DURATION_CLASS_DIGITS,
  REPORT_METRICS as M,
  NOW_FACT_AT,
  type ReportMetric,
  splitPeriod,
} from "../domain/reports.js";
import { OPEN_STATUSES } from "../domain/workflow.js";
import { Prisma } from "../generated/prisma/client.js";

/** Columns of every fact row, in the order of ReportFact's insert. */
export const FACT_COLUMNS = Prisma.raw(`"ticketId", metric, key, at, at2, value, "teamId", practice`);

const open = () => Prisma.join(OPEN_STATUSES.map((s) => Prisma.sql`${s}::"TicketStatus"`));
const counted = Prisma.raw(`s.kind IN ('FIRST_RESPONSE', 'RESOLUTION')`);
const NO_AT = Prisma.raw(`NULL::timestamp(3)`);
const NO_VALUE = Prisma.raw(`NULL::int`);
const NOW = Prisma.raw(`'${NOW_FACT_AT}'::timestamp(3)`);
const caseCols = Prisma.raw(`t."teamId", t.practice`);
const CLASS_BOUNDS = Prisma.raw(`'{${DURATION_CLASS_BOUNDS.join(",")}}'`);

/**
 * SELECTs of one metric's facts for the cases whose id satisfies `cases` (a condition
 * such as `IN (SELECT ...)`, applied to the indexed case column of each table).
 */
const SOURCES: Record<ReportMetric, (cases: Prisma.Sql) => Prisma.Sql[]> = {
  [M.cases]: (c) => [
    Prisma.sql`SELECT t.id, ${M.cases}, '', t."createdAt", ${NO_AT}, ${NO_VALUE}, ${caseCols} FROM "Ticket" t WHERE t.id ${c}`,
  ],
  [M.channel]: (c) => [
    Prisma.sql`SELECT t.id, ${M.channel}, t.channel::text, t."createdAt", ${NO_AT}, ${NO_VALUE}, ${caseCols} FROM "Ticket" t WHERE t.id ${c}`,
  ],
  [M.type]: (c) => [
    Prisma.sql`SELECT t.id, ${M.type}, t.type::text, t."createdAt", ${NO_AT}, ${NO_VALUE}, ${caseCols} FROM "Ticket" t WHERE t.id ${c}`,
  ],
  [M.subcategory]: (c) => [
    Prisma.sql`SELECT t.id, ${M.subcategory}, t.subcategory, t."createdAt", ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "Ticket" t WHERE t.id ${c} AND t.subcategory IS NOT NULL`,
  ],
  [M.tag]: (c) => [
    Prisma.sql`SELECT t.id, ${M.tag}, tt."tagId"::text, t."createdAt", ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "TicketTag" tt JOIN "Ticket" t ON t.id = tt."ticketId" WHERE tt."ticketId" ${c}`,
  ],
  // Keyed by kind and duration class (src/domain/reports.ts), e.g. FIRST_RESPONSE:0042.
  [M.met]: (c) => [
    Prisma.sql`SELECT t.id, ${M.met}, s.kind::text || ':' || lpad(width_bucket(s."elapsedSeconds", ${CLASS_BOUNDS}::int[])::text, ${DURATION_CLASS_DIGITS}, '0'), s."metAt", ${NO_AT}, s."elapsedSeconds", ${caseCols}
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s."ticketId" ${c} AND ${counted} AND s."metAt" IS NOT NULL AND s."elapsedSeconds" IS NOT NULL`,
  ],
  [M.kept]: (c) => [
    Prisma.sql`SELECT t.id, ${M.kept}, t.priority::text, s."metAt", ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s."ticketId" ${c} AND ${counted} AND s."metAt" IS NOT NULL AND s."breachedAt" IS NULL`,
  ],
  [M.missed]: (c) => [
    Prisma.sql`SELECT t.id, ${M.missed}, t.priority::text, s."breachedAt", ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s."ticketId" ${c} AND ${counted} AND s."breachedAt" IS NOT NULL`,
    Prisma.sql`SELECT t.id, ${M.missed}, t.priority::text, s."metAt", ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s."ticketId" ${c} AND ${counted} AND s."breachedAt" IS NOT NULL AND s."metAt" IS NOT NULL`,
  ],
  [M.missedTwice]: (c) => [
    Prisma.sql`SELECT t.id, ${M.missedTwice}, t.priority::text, s."metAt", s."breachedAt", ${NO_VALUE}, ${caseCols}
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s."ticketId" ${c} AND ${counted} AND s."breachedAt" < s."metAt"`,
  ],
  [M.missedTwiceByBreach]: (c) => [
    Prisma.sql`SELECT t.id, ${M.missedTwiceByBreach}, t.priority::text, s."breachedAt", s."metAt", ${NO_VALUE}, ${caseCols}
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s."ticketId" ${c} AND ${counted} AND s."breachedAt" < s."metAt"`,
  ],
  [M.missedTwiceOther]: (c) => [
    Prisma.sql`SELECT t.id, ${M.missedTwiceOther}, t.priority::text, s."metAt", s."breachedAt", ${NO_VALUE}, ${caseCols}
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s."ticketId" ${c} AND ${counted} AND s."breachedAt" >= s."metAt"`,
  ],
  [M.csat]: (c) => [
    Prisma.sql`SELECT t.id, ${M.csat}, coalesce(v.rating::text, ''), v."answeredAt", ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "Survey" v JOIN "Ticket" t ON t.id = v."ticketId" WHERE v."ticketId" ${c} AND v."answeredAt" IS NOT NULL`,
  ],
  [M.closed]: (c) => [
    Prisma.sql`SELECT t.id, ${M.closed}, '', e.at, ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "TicketEvent" e JOIN "Ticket" t ON t.id = e."ticketId"
      WHERE e."ticketId" ${c} AND e.type = 'STATUS_CHANGED' AND e.after->>'status' = 'DONE'`,
  ],
  [M.reopened]: (c) => [
    Prisma.sql`SELECT t.id, ${M.reopened}, '', e.at, ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "TicketEvent" e JOIN "Ticket" t ON t.id = e."ticketId"
      WHERE e."ticketId" ${c} AND e.type = 'STATUS_CHANGED' AND e.before->>'status' = 'DONE' AND e.after->>'status' = 'NOT_STARTED'`,
  ],
  [M.open]: (c) => [
    Prisma.sql`SELECT t.id, ${M.open}, '', ${NOW}, ${NO_AT}, ${NO_VALUE}, ${caseCols} FROM "Ticket" t WHERE t.id ${c} AND t.status IN (${open()})`,
  ],
  [M.openByAgent]: (c) => [
    Prisma.sql`SELECT t.id, ${M.openByAgent}, t."assigneeId"::text, ${NOW}, ${NO_AT}, ${NO_VALUE}, ${caseCols}
      FROM "Ticket" t WHERE t.id ${c} AND t.status IN (${open()}) AND t."assigneeId" IS NOT NULL`,
  ],
};

export const ALL_METRICS = Object.keys(SOURCES) as ReportMetric[];

/** The facts of the given metrics for the cases matching `cases`, as rows with FACT_COLUMNS. */
export function factSource(metrics: readonly ReportMetric[], cases: Prisma.Sql): Prisma.Sql {
  const selects = metrics.flatMap((m) => SOURCES[m](cases));
  return Prisma.sql`SELECT * FROM (${Prisma.join(selects, " UNION ALL ")}) AS source (${FACT_COLUMNS})`;
}

/** Cases marked since the last fold, once each: their stored facts may be stale. */
const MARKED_CASES = Prisma.sql`(SELECT DISTINCT "ticketId" FROM "ReportDirty")`;

/**
 * For each marked case, `rows` (which may name d."ticketId"): a lateral subquery fenced
 * with OFFSET 0, so the few marked cases drive index look-ups whatever the statistics
 * say (after a backfill they still count a million marks, and the planner then scanned
 * a third of ReportFact to find none).
 */
const perMarkedCase = (rows: Prisma.Sql) => Prisma.sql`SELECT m.* FROM ${MARKED_CASES} d CROSS JOIN LATERAL (${rows} OFFSET 0) m`;

/** A report's span: a period of dated facts, or now (open cases). */
export type Span = { from: Date; to: Date } | "now";

const spanAt = (alias: string, span: Span) =>
  span === "now"
    ? Prisma.sql`${Prisma.raw(alias)}.at = ${NOW}`
    : Prisma.sql`${Prisma.raw(alias)}.at >= ${span.from} AND ${Prisma.raw(alias)}.at < ${span.to}`;

/** A condition on the facts' (or rollups') team and practice flag: production cases, of one team if given. */
function scope(alias: string, teamId: string | null, teamColumn: "teamId" | "team"): Prisma.Sql {
  const team = !teamId
    ? Prisma.empty
    : teamColumn === "team"
      ? Prisma.sql`AND ${Prisma.raw(alias)}.team = ${teamId}`
      : Prisma.sql`AND ${Prisma.raw(alias)}."teamId" = ${teamId}::uuid`;
  // Practice cases count in no figure (src/domain/training.ts): the facts and rollups carry the flag under the case's column name.
  return Prisma.sql`${productionSql(alias)} ${team}`;
}

/**
 * Rows (metric, key, team, n, total) whose sums per metric and key are the exact figures
 * of the span now: the rollups of its whole days, the stored facts of its part-days,
 * minus the stored facts of the marked cases (stale or not) plus their facts recounted.
 * One statement, so one snapshot: a fold committing meanwhile is seen whole or not at all.
 */
export function factRows(metrics: readonly ReportMetric[], span: Span, teamId: string | null): Prisma.Sql {
  const list = Prisma.join(metrics.map((m) => Prisma.sql`${m}`));
  const parts: Prisma.Sql[] = [];
  const split = span === "now" ? { days: "now" as const, edges: [] } : splitPeriod(span.from, span.to);
  if (split.days) {
    const days =
      split.days === "now"
        ? Prisma.sql`r.day = ${Prisma.raw(`'${NOW_FACT_AT}'::date`)}`
        : Prisma.sql`r.day >= ${split.days.from}::date AND r.day < ${split.days.to}::date`;
    parts.push(Prisma.sql`SELECT r.metric, r.key, r.team, r.n, r.total FROM "ReportRollup" r
      WHERE r.metric IN (${list}) AND ${days} AND ${scope("r", teamId, "team")}`);
  }
  if (split.edges.length) {
    const edges = Prisma.join(
      split.edges.map(([from, to]) => Prisma.sql`(f.at >= ${from} AND f.at < ${to})`),
      " OR ",
    );
    parts.push(Prisma.sql`SELECT f.metric, f.key, coalesce(f."teamId"::text, ''), 1::bigint, coalesce(f.value, 0)::bigint
      FROM "ReportFact" f WHERE f.metric IN (${list}) AND (${edges}) AND ${scope("f", teamId, "teamId")}`);
  }
  parts.push(
    perMarkedCase(Prisma.sql`SELECT f.metric, f.key, coalesce(f."teamId"::text, '') AS team, -1::bigint AS n, -coalesce(f.value, 0)::bigint AS total
      FROM "ReportFact" f WHERE f."ticketId" = d."ticketId" AND f.metric IN (${list}) AND ${spanAt("f", span)} AND ${scope("f", teamId, "teamId")}`),
  );
  parts.push(
    perMarkedCase(Prisma.sql`SELECT f.metric, f.key, coalesce(f."teamId"::text, '') AS team, 1::bigint AS n, coalesce(f.value, 0)::bigint AS total
      FROM (${factSource(metrics, Prisma.sql`= d."ticketId"`)}) f WHERE ${spanAt("f", span)} AND ${scope("f", teamId, "teamId")}`),
  );
  return Prisma.sql`SELECT * FROM (${Prisma.join(parts, " UNION ALL ")}) AS facts (metric, key, team, n, total)`;
}

/**
 * The single facts of one metric in a period, for figures that cannot be summed (a
 * percentile, a pair of instants): the stored facts of unmarked cases and the recounted
 * facts of marked ones. Rows (key, at2, value).
 */
export function singleFacts(
  metric: ReportMetric,
  span: { from: Date; to: Date },
  teamId: string | null,
  /** A further condition on f.key. */
  keys: Prisma.Sql = Prisma.sql`TRUE`,
): Prisma.Sql {
  const at = Prisma.sql`${spanAt("f", span)} AND ${keys}`;
  return Prisma.sql`SELECT f.key, f.at2, f.value FROM "ReportFact" f
      WHERE f.metric = ${metric} AND ${at} AND ${scope("f", teamId, "teamId")}
        AND NOT EXISTS (SELECT FROM "ReportDirty" x WHERE x."ticketId" = f."ticketId")
    UNION ALL
    ${perMarkedCase(Prisma.sql`SELECT f.key, f.at2, f.value FROM (${factSource([metric], Prisma.sql`= d."ticketId"`)}) f
      WHERE ${at} AND ${scope("f", teamId, "teamId")}`)}`;
}
