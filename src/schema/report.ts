// Reports for a period: volumes, recurring issues, response and resolution times in
// business time, SLA attainment, satisfaction, reopenings, load and backlog.
import { hasRole, hasScope } from "../domain/access.js";
import type { TeamMetrics } from "../realtime/live-metrics.js";
import { untilRevoked } from "../realtime/streams.js";
import { buildReport, type Report, watchableTeams } from "../resolvers/reports.js";
import { builder } from "./builder.js";
import { PriorityEnum } from "./enums.js";

type Slice = Report["byChannel"][number];
const CountRef = builder.objectRef<Slice>("CountByKey").implement({
  description: "How many cases share one value.",
  fields: (t) => ({
    key: t.exposeString("key", { description: "The value: a channel, type, tag or subcategory." }),
    count: t.exposeInt("count", { description: "How many cases." }),
  }),
});

const DurationRef = builder.objectRef<Report["firstResponse"]>("DurationStats").implement({
  description: "Business time taken, over the targets met in the period.",
  fields: (t) => ({
    count: t.exposeInt("count", { description: "Targets measured." }),
    averageSeconds: t.exposeInt("averageSeconds", { nullable: true, description: "Mean, business seconds; null without data." }),
    p90Seconds: t.exposeInt("p90Seconds", { nullable: true, description: "90th percentile, business seconds." }),
  }),
});

const AttainmentRef = builder.objectRef<Report["slaAttainment"][number]>("SlaAttainment").implement({
  description: "First-response and resolution targets of one priority that ended in the period.",
  fields: (t) => ({
    priority: t.field({ type: PriorityEnum, description: "The priority.", resolve: (a) => a.priority as never }),
    kept: t.exposeInt("kept", { description: "Met on time." }),
    missed: t.exposeInt("missed", { description: "Breached." }),
    share: t.exposeFloat("share", { nullable: true, description: "kept ÷ (kept + missed), 0 to 1." }),
  }),
});

const CsatRef = builder.objectRef<Report["csat"]>("CsatStats").implement({
  description: "Satisfaction surveys answered in the period.",
  fields: (t) => ({
    answered: t.exposeInt("answered", { description: "Answers." }),
    satisfied: t.exposeInt("satisfied", { description: "SATISFIED answers." }),
    neutral: t.exposeInt("neutral", { description: "NEUTRAL answers." }),
    unsatisfied: t.exposeInt("unsatisfied", { description: "UNSATISFIED answers." }),
    satisfiedShare: t.exposeFloat("satisfiedShare", { nullable: true, description: "satisfied ÷ answered, 0 to 1." }),
  }),
});

const AgentLoadRef = builder.objectRef<Report["agentLoad"][number]>("AgentLoad").implement({
  description: "Open cases assigned to one person, now.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The person." }),
    openCases: t.exposeInt("openCases", { description: "Open cases assigned to them." }),
  }),
});

const TeamLoadRef = builder.objectRef<Report["teamLoad"][number]>("TeamLoad").implement({
  description: "Open cases owned by one team, now.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The team." }),
    openCases: t.exposeInt("openCases", { description: "Open cases it owns." }),
  }),
});

const ReportRef = builder.objectRef<Report>("Report").implement({
  description: "Figures for a period, aggregated by the database.",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime", description: "Start of the period (inclusive)." }),
    to: t.expose("to", { type: "DateTime", description: "End of the period (exclusive)." }),
    totalCases: t.exposeInt("totalCases", { description: "Cases created in the period." }),
    byChannel: t.field({ type: [CountRef], description: "Cases created, per channel.", resolve: (r) => r.byChannel }),
    byType: t.field({ type: [CountRef], description: "Cases created, per type.", resolve: (r) => r.byType }),
    topTags: t.field({ type: [CountRef], description: "The five most frequent tags on cases created.", resolve: (r) => r.topTags }),
    topSubcategories: t.field({
      type: [CountRef],
      description: "The five most frequent subcategories.",
      resolve: (r) => r.topSubcategories,
    }),
    firstResponse: t.field({ type: DurationRef, description: "First response times met in the period.", resolve: (r) => r.firstResponse }),
    resolution: t.field({
      type: DurationRef,
      description: "Resolution times met in the period (pauses excluded).",
      resolve: (r) => r.resolution,
    }),
    slaAttainment: t.field({
      type: [AttainmentRef],
      description: "Targets kept and missed, per priority.",
      resolve: (r) => r.slaAttainment,
    }),
    csat: t.field({ type: CsatRef, description: "Satisfaction.", resolve: (r) => r.csat }),
    closed: t.exposeInt("closed", { description: "Moves to DONE in the period." }),
    reopened: t.exposeInt("reopened", { description: "Reopenings (DONE → NOT_STARTED) in the period." }),
    reopenRate: t.exposeFloat("reopenRate", { nullable: true, description: "reopened ÷ closed." }),
    agentLoad: t.field({ type: [AgentLoadRef], description: "Open cases per assignee, now.", resolve: (r) => r.agentLoad }),
    teamLoad: t.field({ type: [TeamLoadRef], description: "Open cases per team, now.", resolve: (r) => r.teamLoad }),
    openCases: t.exposeInt("openCases", { description: "Open cases now." }),
    resolvedLastFourWeeks: t.exposeInt("resolvedLastFourWeeks", { description: "Moves to DONE in the four weeks before `to`." }),
    backlogRatio: t.exposeFloat("backlogRatio", { nullable: true, description: "Open ÷ average resolved per week over those four weeks." }),
  }),
});

const PeriodInput = builder.inputType("PeriodInput", {
  description: "A time span: from (inclusive) to (exclusive), at most 366 days.",
  fields: (t) => ({
    from: t.field({ type: "DateTime", required: true, description: "Start, inclusive." }),
    to: t.field({ type: "DateTime", required: true, description: "End, exclusive." }),
  }),
});

builder.queryField("report", (t) =>
  t.field({
    type: ReportRef,
    description: "Figures for a period, for all teams or one. Managers; supervisors for their teams; tokens with reports:read.",
    authScopes: (_root, _args, ctx) =>
      ctx.viewer?.kind === "token" ? hasScope(ctx.viewer, "reports:read") : hasRole(ctx.viewer, "SUPERVISOR"),
    args: {
      period: t.arg({ type: PeriodInput, required: true, description: "The period." }),
      teamId: t.arg.id({ description: "Only this team." }),
    },
    resolve: (_root, { period, teamId }, ctx) => buildReport(ctx, { ...period, teamId: teamId ?? null }),
  }),
);

const TeamMetricsRef = builder.objectRef<TeamMetrics>("TeamMetrics").implement({
  description: "A team's live figures.",
  fields: (t) => ({
    team: t.prismaField({
      type: "Team",
      description: "The team.",
      resolve: (query, m, _a, ctx) => ctx.prisma.team.findUniqueOrThrow({ ...query, where: { id: m.teamId } }),
    }),
    open: t.exposeInt("open", { description: "Open cases (NEW to INFORM_CUSTOMER)." }),
    atRisk: t.exposeInt("atRisk", { description: "Open cases with an SLA target in its warning period." }),
    breached: t.exposeInt("breached", { description: "Open cases with an SLA target past due and not met." }),
    at: t.expose("at", { type: "DateTime", description: "When these figures were counted." }),
  }),
});

builder.subscriptionField("liveMetrics", (t) =>
  t.field({
    type: TeamMetricsRef,
    description:
      "Open, at-risk and breached counts per team: each team's figures at once, then whenever they change, at most once a second per team. Managers (all teams by default), supervisors (their teams), tokens with reports:read.",
    authScopes: (_root, _args, ctx) =>
      ctx.viewer?.kind === "token" ? hasScope(ctx.viewer, "reports:read") : hasRole(ctx.viewer, "SUPERVISOR"),
    args: { teamIds: t.arg.idList({ description: "The teams to watch; default all the viewer may watch." }) },
    subscribe: async (_root, { teamIds }, ctx) => {
      const teams = await watchableTeams(ctx, teamIds?.map(String));
      return untilRevoked(ctx, ctx.liveMetrics.watch(teams));
    },
    resolve: (metrics) => metrics,
  }),
);
