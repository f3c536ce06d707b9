// Reports are aggregated by the database, one statement per figure, never by loading
// cases into JavaScript. Every statement is bounded by the period and the team, and reads
// daily rollups corrected by the cases changed since the last fold (src/reports/).
import type { Context } from "../context.js";
import { boundedReads } from "../db/bounded.js";
import { hasRole, tokenReachesTeam } from "../domain/access.js";
import { BACKLOG_WEEKS, backlogRatio, share } from "../domain/metrics.js";
import {
  DURATION_PERCENTILE,
  FACTS_SINCE,
  FACTS_UNTIL,
  REPORT_METRICS as M,
  percentileCont,
  type ReportMetric,
} from "../domain/reports.js";
import { ForbiddenError, ValidationError } from "../errors.js";
import { Prisma } from "../generated/prisma/client.js";
import { factRows, type Span, singleFacts } from "../reports/facts.js";
import { decodeId } from "./ids.js";

export interface ReportArgs {
  from: Date;
  to: Date;
  teamId?: string | null;
}

const count = (value: unknown) => Number(value ?? 0);
const seconds = (value: unknown) => (value === null || value === undefined ? null : Math.round(Number(value)));

/** Which teams the viewer may report on: managers and report tokens all (or their teams), supervisors their own. */
function reportTeam(ctx: Context, teamId: string | null): string | null {
  const viewer = ctx.viewer!;
  if (viewer.kind === "token") {
    if (!tokenReachesTeam(viewer, teamId)) {
      throw ValidationError.of("teamId", "this token reports only on its teams: name one of them");
    }
    return teamId;
  }
  if (hasRole(viewer, "MANAGER")) return teamId;
  if (hasRole(viewer, "SUPERVISOR") && teamId && viewer.teamIds.includes(teamId)) return teamId;
  throw new ForbiddenError("Managers report on any team; supervisors on their own teams (pass teamId)");
}

export async function buildReport(ctx: Context, args: ReportArgs) {
  if (!(args.from < args.to)) throw ValidationError.of("period.to", "must be after period.from");
  if (args.to.getTime() - args.from.getTime() > 366 * 86_400_000) throw ValidationError.of("period", "may span at most 366 days");
  const teamId = reportTeam(ctx, args.teamId ? decodeId("teamId", args.teamId, "Team") : null);
  const { from, to } = args;
  const period = { from, to };
  const backlog = { from: new Date(to.getTime() - BACKLOG_WEEKS * 7 * 86_400_000), to };
  // Every statement ends with the request's time (src/db/bounded.ts).
  const db = boundedReads(ctx.prisma, ctx.deadline);
  // Each figure sums the rollups and corrects them by the cases changed since the last
  // fold (src/reports/facts.ts), so it is exact whether the fold has run or not.
  const sums = (metrics: ReportMetric[], span: Span) => Prisma.sql`(${factRows(metrics, span, teamId)})`;
  const byKey = (metric: ReportMetric, limit?: number) =>
    db.$queryRaw<{ key: string; n: bigint }[]>`SELECT key, sum(n) AS n FROM ${sums([metric], period)} f
      GROUP BY 1 HAVING sum(n) > 0 ORDER BY 2 DESC, 1 ${limit ? Prisma.sql`LIMIT ${limit}` : Prisma.empty}`;
  const counts = (metrics: ReportMetric[], span: Span) =>
    db.$queryRaw<{ metric: string; n: bigint }[]>`SELECT metric, sum(n) AS n FROM ${sums(metrics, span)} f GROUP BY 1`;

  const [totals, channels, types, tags, subcategories, durations, percentiles, attainment, csat, moves, agents, teams, open, resolved] =
    await Promise.all([
      counts([M.cases], period),
      byKey(M.channel),
      byKey(M.type),
      db.$queryRaw<{ key: string; n: bigint }[]>`
        SELECT g.name AS key, sum(f.n) AS n FROM ${sums([M.tag], period)} f JOIN "Tag" g ON g.id::text = f.key
        GROUP BY 1 HAVING sum(f.n) > 0 ORDER BY 2 DESC, 1 LIMIT 5`,
      byKey(M.subcategory, 5),
      db.$queryRaw<{ kind: string; avg: number | null; n: bigint }[]>`
        SELECT split_part(key, ':', 1) AS kind, (sum(total)::numeric / nullif(sum(n), 0))::float8 AS avg, sum(n) AS n
        FROM ${sums([M.met], period)} f GROUP BY 1 HAVING sum(n) > 0`,
      // The percentile is not a sum: the rollups count the met targets per duration class,
      // which finds the classes holding the two ranks percentile_cont interpolates
      // between; only those classes' values are read and sorted (src/domain/reports.ts).
      db.$queryRaw<{ kind: string; total: bigint; low: bigint; values: number[] }[]>`
        WITH classes AS (
          SELECT split_part(key, ':', 1) AS kind, key AS class, sum(n) AS n FROM ${sums([M.met], period)} f
          GROUP BY 1, 2 HAVING sum(n) > 0
        ), ranked AS (
          SELECT kind, class, n, sum(n) OVER (PARTITION BY kind ORDER BY class) - n AS before, sum(n) OVER (PARTITION BY kind) AS total
          FROM classes
        ), wanted AS (
          SELECT DISTINCT kind, total, floor(${DURATION_PERCENTILE}::float8 * (total - 1)::float8)::bigint AS low,
                 ceil(${DURATION_PERCENTILE}::float8 * (total - 1)::float8)::bigint AS high
          FROM ranked
        ), spans AS (
          SELECT w.kind, w.total, w.low, w.high, min(r.class) AS first, max(r.class) AS last, min(r.before) AS skip
          FROM wanted w JOIN ranked r ON r.kind = w.kind AND r.before <= w.high AND r.before + r.n > w.low
          GROUP BY 1, 2, 3, 4
        )
        SELECT s.kind, s.total, s.low, v.values FROM spans s CROSS JOIN LATERAL (
          SELECT array_agg(value ORDER BY value) AS values FROM (
            SELECT f.value FROM (${singleFacts(M.met, period, teamId, Prisma.sql`f.key >= s.first AND f.key <= s.last`)}) f
            ORDER BY f.value OFFSET s.low - s.skip LIMIT s.high - s.low + 1
          ) x
        ) v`,
      // A breached target met later counts once when both instants fall in the period:
      // each such pair gives back one, counted from sums (src/domain/reports.ts).
      db.$queryRaw<{ priority: string; kept: bigint; missed: bigint }[]>`
        SELECT key AS priority, coalesce(sum(n) FILTER (WHERE metric = ${M.kept}), 0) AS kept,
               coalesce(sum(n) FILTER (WHERE metric = ${M.missed}), 0) AS missed
        FROM (SELECT metric, key, n FROM ${sums([M.kept, M.missed], period)} s
              UNION ALL
              SELECT ${M.missed}, key, -n FROM ${sums([M.missedTwice], { from: FACTS_SINCE, to })} p
              UNION ALL
              SELECT ${M.missed}, key, n FROM ${sums([M.missedTwiceByBreach], { from: FACTS_SINCE, to: from })} p
              UNION ALL
              SELECT ${M.missed}, key, -1 FROM (${singleFacts(M.missedTwice, { from: to, to: FACTS_UNTIL }, teamId)}) p WHERE p.at2 < ${from}
              UNION ALL
              SELECT ${M.missed}, key, -1 FROM (${singleFacts(M.missedTwiceOther, period, teamId)}) p WHERE p.at2 >= ${from} AND p.at2 < ${to}) f
        GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1`,
      db.$queryRaw<
        { rating: string; n: bigint }[]
      >`SELECT key AS rating, sum(n) AS n FROM ${sums([M.csat], period)} f GROUP BY 1 HAVING sum(n) > 0`,
      counts([M.closed, M.reopened], period),
      db.$queryRaw<{ id: string; name: string; n: bigint }[]>`
        SELECT u.id::text AS id, u.name, sum(f.n) AS n FROM ${sums([M.openByAgent], "now")} f JOIN "User" u ON u.id::text = f.key
        GROUP BY 1, 2 HAVING sum(f.n) > 0 ORDER BY 3 DESC, 2`,
      db.$queryRaw<{ id: string; name: string; n: bigint }[]>`
        SELECT m.id::text AS id, m.name, sum(f.n) AS n FROM ${sums([M.open], "now")} f JOIN "Team" m ON m.id::text = f.team
        GROUP BY 1, 2 HAVING sum(f.n) > 0 ORDER BY 3 DESC, 2`,
      counts([M.open], "now"),
      counts([M.closed], backlog),
    ]);

  const duration = (kind: string) => {
    const row = durations.find((d) => d.kind === kind);
    const ranks = percentiles.find((d) => d.kind === kind);
    const [low, high] = ranks?.values ?? [];
    const p90 =
      ranks && low !== undefined ? percentileCont(DURATION_PERCENTILE, count(ranks.total), Number(low), Number(high ?? low)) : null;
    return { count: count(row?.n), averageSeconds: seconds(row?.avg), p90Seconds: seconds(p90) };
  };
  const sumOf = (rows: { metric: string; n: bigint }[], metric: ReportMetric) => count(rows.find((r) => r.metric === metric)?.n);
  const ratings = Object.fromEntries(csat.map((r) => [r.rating, count(r.n)]));
  const answered = csat.reduce((sum, r) => sum + count(r.n), 0);
  const closed = sumOf(moves, M.closed);
  const reopened = sumOf(moves, M.reopened);
  const openCases = sumOf(open, M.open);
  const resolvedRecently = sumOf(resolved, M.closed);

  return {
    from,
    to,
    teamId,
    totalCases: sumOf(totals, M.cases),
    byChannel: channels.map((r) => ({ key: r.key, count: count(r.n) })),
    byType: types.map((r) => ({ key: r.key, count: count(r.n) })),
    topTags: tags.map((r) => ({ key: r.key, count: count(r.n) })),
    topSubcategories: subcategories.map((r) => ({ key: r.key, count: count(r.n) })),
    firstResponse: duration("FIRST_RESPONSE"),
    resolution: duration("RESOLUTION"),
    slaAttainment: attainment.map((r) => ({
      priority: r.priority,
      kept: count(r.kept),
      missed: count(r.missed),
      share: share(count(r.kept), count(r.kept) + count(r.missed)),
    })),
    csat: {
      answered,
      satisfied: ratings.SATISFIED ?? 0,
      neutral: ratings.NEUTRAL ?? 0,
      unsatisfied: ratings.UNSATISFIED ?? 0,
      satisfiedShare: share(ratings.SATISFIED ?? 0, answered),
    },
    closed,
    reopened,
    reopenRate: share(reopened, closed),
    agentLoad: agents.map((r) => ({ userId: r.id, name: r.name, openCases: count(r.n) })),
    teamLoad: teams.map((r) => ({ teamId: r.id, name: r.name, openCases: count(r.n) })),
    openCases,
    resolvedLastFourWeeks: resolvedRecently,
    backlogRatio: backlogRatio(openCases, resolvedRecently),
  };
}

export type Report = Awaited<ReturnType<typeof buildReport>>;

/**
 * The teams a live dashboard may watch: the ones asked for, each allowed as for reports;
 * by default every team for managers and unrestricted report tokens, one's own otherwise.
 */
export async function watchableTeams(ctx: Context, requested: readonly string[] | null | undefined): Promise<string[]> {
  const viewer = ctx.viewer!;
  const asked = requested?.length ? requested.map((id, i) => decodeId(`teamIds.${i}`, id, "Team")) : null;
  if (asked) {
    for (const teamId of asked) reportTeam(ctx, teamId);
    return [...new Set(asked)];
  }
  const all = viewer.kind === "token" ? viewer.teamIds.length === 0 : hasRole(viewer, "MANAGER");
  if (all) return (await ctx.prisma.team.findMany({ select: { id: true }, orderBy: { name: "asc" } })).map((t) => t.id);
  return [...viewer.teamIds];
}
