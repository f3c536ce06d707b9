// The report as the plain statements compute it, before rollups: one aggregate per
// figure over the cases, targets, surveys and audit events themselves. The rollup tests
// hold every report to this recount.
import { productionSql } from "../src/db/production.js";
import { BACKLOG_WEEKS, backlogRatio, share } from "../src/domain/metrics.js";
import { OPEN_STATUSES } from "../src/domain/workflow.js";
import { Prisma, type PrismaClient } from "../src/generated/prisma/client.js";

const count = (value: unknown) => Number(value ?? 0);
const seconds = (value: unknown) => (value === null || value === undefined ? null : Math.round(Number(value)));

/** The whole report through GraphQL, every figure selected: its answer is what recountReport returns. */
export const REPORT = `query($period: PeriodInput!, $teamId: ID) { report(period: $period, teamId: $teamId) {
  totalCases byChannel { key count } byType { key count } topTags { key count } topSubcategories { key count }
  firstResponse { count averageSeconds p90Seconds } resolution { count averageSeconds p90Seconds }
  slaAttainment { priority kept missed share } csat { answered satisfied neutral unsatisfied satisfiedShare }
  closed reopened reopenRate agentLoad { name openCases } teamLoad { name openCases } openCases resolvedLastFourWeeks backlogRatio
} }`;

/** The report of [from, to) for one team or all, in the shape of the GraphQL report. */
export async function recountReport(db: PrismaClient, args: { from: Date; to: Date; teamId: string | null }) {
  const { teamId } = args;
  const { from, to } = args;
  // Practice cases count in no figure (src/domain/training.ts).
  const production = productionSql("t");
  const team = (column: string) => (teamId ? Prisma.sql`AND ${Prisma.raw(column)} = ${teamId}::uuid` : Prisma.empty);
  const created = Prisma.sql`t."createdAt" >= ${from} AND t."createdAt" < ${to} ${team('t."teamId"')} AND ${production}`;
  const backlogFrom = new Date(to.getTime() - BACKLOG_WEEKS * 7 * 86_400_000);
  const open = Prisma.join(OPEN_STATUSES.map((s) => Prisma.sql`${s}::"TicketStatus"`));

  const [totals, channels, types, tags, subcategories, durations, attainment, csat, moves, agents, teams, backlog] = await Promise.all([
    db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Ticket" t WHERE ${created}`,
    db.$queryRaw<
      { key: string; n: bigint }[]
    >`SELECT t.channel::text AS key, count(*) AS n FROM "Ticket" t WHERE ${created} GROUP BY 1 ORDER BY 2 DESC, 1`,
    db.$queryRaw<
      { key: string; n: bigint }[]
    >`SELECT t.type::text AS key, count(*) AS n FROM "Ticket" t WHERE ${created} GROUP BY 1 ORDER BY 2 DESC, 1`,
    db.$queryRaw<{ key: string; n: bigint }[]>`
      SELECT g.name AS key, count(*) AS n FROM "Ticket" t JOIN "TicketTag" tt ON tt."ticketId" = t.id JOIN "Tag" g ON g.id = tt."tagId"
      WHERE ${created} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`,
    db.$queryRaw<{ key: string; n: bigint }[]>`
      SELECT t.subcategory AS key, count(*) AS n FROM "Ticket" t WHERE ${created} AND t.subcategory IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`,
    db.$queryRaw<{ kind: string; avg: number | null; p90: number | null; n: bigint }[]>`
      SELECT s.kind::text AS kind, avg(s."elapsedSeconds")::float8 AS avg,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY s."elapsedSeconds")::float8 AS p90, count(*) AS n
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s."metAt" >= ${from} AND s."metAt" < ${to} AND s."elapsedSeconds" IS NOT NULL
        AND s.kind IN ('FIRST_RESPONSE', 'RESOLUTION') ${team('t."teamId"')} AND ${production}
      GROUP BY 1`,
    db.$queryRaw<{ priority: string; kept: bigint; missed: bigint }[]>`
      SELECT t.priority::text AS priority,
             count(*) FILTER (WHERE s."breachedAt" IS NULL) AS kept,
             count(*) FILTER (WHERE s."breachedAt" IS NOT NULL) AS missed
      FROM "SlaTarget" s JOIN "Ticket" t ON t.id = s."ticketId"
      WHERE s.kind IN ('FIRST_RESPONSE', 'RESOLUTION')
        AND ((s."metAt" >= ${from} AND s."metAt" < ${to}) OR (s."breachedAt" >= ${from} AND s."breachedAt" < ${to}))
        ${team('t."teamId"')} AND ${production}
      GROUP BY 1 ORDER BY 1`,
    db.$queryRaw<{ rating: string; n: bigint }[]>`
      SELECT v.rating::text AS rating, count(*) AS n FROM "Survey" v JOIN "Ticket" t ON t.id = v."ticketId"
      WHERE v."answeredAt" >= ${from} AND v."answeredAt" < ${to} ${team('t."teamId"')} AND ${production} GROUP BY 1`,
    db.$queryRaw<{ closed: bigint; reopened: bigint }[]>`
      SELECT count(*) FILTER (WHERE e.after->>'status' = 'DONE') AS closed,
             count(*) FILTER (WHERE e.before->>'status' = 'DONE' AND e.after->>'status' = 'NOT_STARTED') AS reopened
      FROM "TicketEvent" e JOIN "Ticket" t ON t.id = e."ticketId"
      WHERE e.type = 'STATUS_CHANGED' AND e.at >= ${from} AND e.at < ${to} ${team('t."teamId"')} AND ${production}`,
    db.$queryRaw<{ id: string; name: string; n: bigint }[]>`
      SELECT u.id::text AS id, u.name, count(*) AS n FROM "Ticket" t JOIN "User" u ON u.id = t."assigneeId"
      WHERE t.status IN (${open}) ${team('t."teamId"')} AND ${production} GROUP BY 1, 2 ORDER BY 3 DESC, 2`,
    db.$queryRaw<{ id: string; name: string; n: bigint }[]>`
      SELECT m.id::text AS id, m.name, count(*) AS n FROM "Ticket" t JOIN "Team" m ON m.id = t."teamId"
      WHERE t.status IN (${open}) ${team('t."teamId"')} AND ${production} GROUP BY 1, 2 ORDER BY 3 DESC, 2`,
    db.$queryRaw<{ open: bigint; resolved: bigint }[]>`
      SELECT (SELECT count(*) FROM "Ticket" t WHERE t.status IN (${open}) ${team('t."teamId"')} AND ${production}) AS open,
             (SELECT count(*) FROM "TicketEvent" e JOIN "Ticket" t ON t.id = e."ticketId"
               WHERE e.type = 'STATUS_CHANGED' AND e.after->>'status' = 'DONE'
                 AND e.at >= ${backlogFrom} AND e.at < ${to} ${team('t."teamId"')} AND ${production}) AS resolved`,
  ]);

  const duration = (kind: string) => {
    const row = durations.find((d) => d.kind === kind);
    return { count: count(row?.n), averageSeconds: seconds(row?.avg), p90Seconds: seconds(row?.p90) };
  };
  const ratings = Object.fromEntries(csat.map((r) => [r.rating, count(r.n)]));
  const answered = csat.reduce((sum, r) => sum + count(r.n), 0);
  const closed = count(moves[0]?.closed);
  const reopened = count(moves[0]?.reopened);
  const openCases = count(backlog[0]?.open);
  const resolvedRecently = count(backlog[0]?.resolved);

  return {
    totalCases: count(totals[0]?.n),
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
    agentLoad: agents.map((r) => ({ name: r.name, openCases: count(r.n) })),
    teamLoad: teams.map((r) => ({ name: r.name, openCases: count(r.n) })),
    openCases,
    resolvedLastFourWeeks: resolvedRecently,
    backlogRatio: backlogRatio(openCases, resolvedRecently),
  };
}
