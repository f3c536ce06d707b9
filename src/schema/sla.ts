// Service levels: each case's SLA state, the policies and calendars behind it, and the
// live alerts that fire when a target is about to be missed or is missed.
import type { Context } from "../context.js";
import { clockState, latestCycles, type SlaKind } from "../domain/sla.js";
import type { SlaAlertMessage } from "../realtime/pubsub.js";
import { type LiveFilter, liveStream, wantedBy } from "../realtime/streams.js";
import { decodeId } from "../resolvers/ids.js";
import { calendarRules } from "../resolvers/sla.js";
import { upsertBusinessCalendar, upsertSlaPolicy } from "../resolvers/sla-config.js";
import { builder, maxPageSize, totalCountField } from "./builder.js";
import { PriorityEnum } from "./enums.js";
import { commonErrors } from "./errors.js";
import { TicketRef } from "./ticket.js";

const SlaTargetKindEnum = builder.enumType("SlaTargetKind", {
  description: "Which promise a target measures.",
  values: {
    FIRST_RESPONSE: { description: "The owning team picks the case up or replies publicly." },
    RESOLUTION: { description: "The customer gets an answer; paused while waiting on the customer." },
    FOLLOW_UP: { description: "While waiting on the customer, someone contacts them at least this often." },
  } as const,
});

const SlaStateEnum = builder.enumType("SlaState", {
  description: "How a target stands now.",
  values: {
    ON_TRACK: { description: "Running, not yet in the warning period." },
    AT_RISK: { description: "Running and inside the warning period." },
    BREACHED: { description: "The due instant has passed." },
    MET: { description: "Kept." },
    PAUSED: { description: "Stopped while the case waits on the customer." },
  } as const,
});

const SlaAlertKindEnum = builder.enumType("SlaAlertKind", {
  description: "What an SLA alert announces.",
  values: {
    WARNING: { description: "The target is due soon." },
    BREACH: { description: "The target was missed." },
  } as const,
});

interface TargetView {
  kind: SlaKind;
  cycle: number;
  dueAt: Date | null;
  remainingSeconds: number;
  state: string;
  metAt: Date | null;
  breachedAt: Date | null;
  breachReason: string | null;
  pausedAt: Date | null;
}

const SlaTargetStatusRef = builder.objectRef<TargetView>("SlaTargetStatus").implement({
  description: "One SLA target of a case, in its latest cycle.",
  fields: (t) => ({
    kind: t.field({ type: SlaTargetKindEnum, description: "Which promise.", resolve: (v) => v.kind }),
    cycle: t.exposeInt("cycle", { description: "1 for the first run; reopenings and follow-ups count up." }),
    dueAt: t.expose("dueAt", { type: "DateTime", nullable: true, description: "When it is due; null while paused or met." }),
    remainingSeconds: t.exposeInt("remainingSeconds", { description: "Business seconds left; negative once overdue." }),
    state: t.field({ type: SlaStateEnum, description: "How it stands now.", resolve: (v) => v.state as never }),
    metAt: t.expose("metAt", { type: "DateTime", nullable: true, description: "When it was kept." }),
    breachedAt: t.expose("breachedAt", { type: "DateTime", nullable: true, description: "When it was missed." }),
    breachReason: t.exposeString("breachReason", { nullable: true, description: "Why it was missed, as given when the case moved on." }),
  }),
});

interface TicketSla {
  targets: TargetView[];
  pausedSince: Date | null;
}

const TicketSlaRef = builder.objectRef<TicketSla>("TicketSla").implement({
  description: "A case's service levels, computed in business time.",
  fields: (t) => ({
    targets: t.field({ type: [SlaTargetStatusRef], description: "The latest cycle of each target.", resolve: (s) => s.targets }),
    pausedSince: t.expose("pausedSince", { type: "DateTime", nullable: true, description: "Since when the clock waits on the customer." }),
  }),
});

/**
 * The SLA state of each case in `ticketIds`, in one statement for every case a request
 * shows: only the latest cycle of each kind is read (a case that went back and forth
 * has many FOLLOW_UP cycles), with its calendar.
 */
async function loadSlaStates(
  ticketIds: readonly string[],
  ctx: { prisma: Context["prisma"]; clock: Context["clock"] },
): Promise<TicketSla[]> {
  const rows = await ctx.prisma.slaTarget.findMany({
    where: { ticketId: { in: [...ticketIds] } },
    distinct: ["ticketId", "kind"],
    orderBy: [{ ticketId: "asc" }, { kind: "asc" }, { cycle: "desc" }],
    include: { calendar: true },
  });
  const now = ctx.clock.now();
  const byTicket = new Map<string, typeof rows>();
  for (const row of rows) {
    const list = byTicket.get(row.ticketId);
    if (list) list.push(row);
    else byTicket.set(row.ticketId, [row]);
  }
  return ticketIds.map((id) => {
    const targets = [...latestCycles(byTicket.get(id) ?? []).values()].map(
      (target): TargetView => ({
        ...target,
        kind: target.kind as SlaKind,
        ...clockState(calendarRules(target.calendar), target, now),
      }),
    );
    const paused = targets.find((v) => v.kind === "RESOLUTION" && v.state === "PAUSED");
    return { targets, pausedSince: paused?.pausedAt ?? null };
  });
}

builder.prismaObjectField(TicketRef, "sla", (t) =>
  t.loadable({
    type: TicketSlaRef,
    description: "Service-level targets and their state now.",
    load: (ticketIds: string[], ctx) => loadSlaStates(ticketIds, ctx),
    resolve: (ticket) => ticket.id,
  }),
);

// ─── settings ───────────────────────────────────────────────────────────────

export const OpeningWindowRef = builder.objectRef<{ day: number; start: string; end: string }>("OpeningWindow").implement({
  description: "Opening hours on one weekday.",
  fields: (t) => ({
    day: t.exposeInt("day", { description: "0 = Sunday … 6 = Saturday." }),
    start: t.exposeString("start", { description: "Local opening time, HH:MM." }),
    end: t.exposeString("end", { description: "Local closing time, HH:MM (24:00 for midnight)." }),
  }),
});

builder.prismaNode("BusinessCalendar", {
  description: "Time zone, weekly hours and holidays in which SLA clocks run.",
  id: { field: "id" },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name." }),
    timeZone: t.exposeString("timeZone", { description: "IANA time zone." }),
    weeklyHours: t.field({
      type: [OpeningWindowRef],
      description: "Opening windows; empty means around the clock.",
      resolve: (c) => c.weeklyHours as { day: number; start: string; end: string }[],
    }),
    holidays: t.stringList({ description: "Local dates (YYYY-MM-DD) when clocks stand still.", resolve: (c) => c.holidays as string[] }),
    isDefault: t.exposeBoolean("isDefault", { description: "Used when neither the policy nor the team names a calendar." }),
  }),
});

builder.prismaNode("SlaPolicy", {
  description: "Targets for a priority, optionally narrowed to a team and a tier; the most specific match applies.",
  id: { field: "id" },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name." }),
    priority: t.expose("priority", { type: PriorityEnum, description: "The priority it applies to." }),
    team: t.relation("team", { nullable: true, description: "Only this team's cases, when set." }),
    tierLevel: t.exposeInt("tierLevel", { nullable: true, description: "Only cases at this tier, when set." }),
    firstResponseSeconds: t.exposeInt("firstResponseSeconds", { description: "First response target, business seconds." }),
    resolutionSeconds: t.exposeInt("resolutionSeconds", { description: "Resolution target, business seconds." }),
    followUpSeconds: t.exposeInt("followUpSeconds", { description: "Follow-up interval while waiting on the customer." }),
    warningBeforeSeconds: t.exposeInt("warningBeforeSeconds", { description: "Warn this many business seconds before a target is due." }),
    calendar: t.relation("calendar", { nullable: true, description: "Its calendar; else the team's, else the default." }),
  }),
});

builder.queryFields((t) => ({
  slaPolicies: t.prismaConnection(
    {
      type: "SlaPolicy",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 100,
      description: "SLA policies by priority and name.",
      authScopes: { authenticated: true },
      totalCount: (_c, _a, ctx) => ctx.prisma.slaPolicy.count(),
      resolve: (query, _root, _args, ctx) =>
        ctx.prisma.slaPolicy.findMany({ ...query, orderBy: [{ priority: "asc" }, { name: "asc" }, { id: "asc" }] }),
    },
    { name: "SlaPolicyConnection", description: "A page of SLA policies.", fields: totalCountField("policies") },
    { name: "SlaPolicyEdge", description: "An SLA policy and its cursor." },
  ),
  businessCalendars: t.prismaConnection(
    {
      type: "BusinessCalendar",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 100,
      description: "Business calendars by name.",
      authScopes: { authenticated: true },
      totalCount: (_c, _a, ctx) => ctx.prisma.businessCalendar.count(),
      resolve: (query, _root, _args, ctx) => ctx.prisma.businessCalendar.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    },
    { name: "BusinessCalendarConnection", description: "A page of calendars.", fields: totalCountField("calendars") },
    { name: "BusinessCalendarEdge", description: "A calendar and its cursor." },
  ),
}));

const SlaPolicyPayload = builder.objectRef<{ id: string }>("SlaPolicyPayload").implement({
  description: "A policy after the change.",
  fields: (t) => ({
    slaPolicy: t.prismaField({
      type: "SlaPolicy",
      description: "The policy.",
      resolve: (query, { id }, _a, ctx) => ctx.prisma.slaPolicy.findUniqueOrThrow({ ...query, where: { id } }),
    }),
  }),
});

const BusinessCalendarPayload = builder.objectRef<{ id: string }>("BusinessCalendarPayload").implement({
  description: "A calendar after the change.",
  fields: (t) => ({
    businessCalendar: t.prismaField({
      type: "BusinessCalendar",
      description: "The calendar.",
      resolve: (query, { id }, _a, ctx) => ctx.prisma.businessCalendar.findUniqueOrThrow({ ...query, where: { id } }),
    }),
  }),
});

const UpsertSlaPolicyInput = builder.inputType("UpsertSlaPolicyInput", {
  description: "A policy to create, or to change when `id` is given.",
  fields: (t) => ({
    id: t.id({ description: "The policy to change; omit to create one." }),
    name: t.string({ required: true, description: "Unique name." }),
    priority: t.field({ type: PriorityEnum, required: true, description: "The priority it applies to." }),
    teamId: t.id({ description: "Only this team's cases." }),
    tierLevel: t.int({ description: "Only cases at this tier (1-4)." }),
    firstResponseSeconds: t.int({ required: true, description: "First response target, business seconds." }),
    resolutionSeconds: t.int({ required: true, description: "Resolution target, business seconds." }),
    followUpSeconds: t.int({ required: true, description: "Follow-up interval, business seconds." }),
    warningBeforeSeconds: t.int({ description: "Warning lead time, business seconds (default 0: no warning)." }),
    calendarId: t.id({ description: "Calendar; else the team's, else the default." }),
  }),
});

export const OpeningWindowInput = builder.inputType("OpeningWindowInput", {
  description: "Opening hours on one weekday.",
  fields: (t) => ({
    day: t.int({ required: true, description: "0 = Sunday … 6 = Saturday." }),
    start: t.string({ required: true, description: "HH:MM local." }),
    end: t.string({ required: true, description: "HH:MM local, after start; 24:00 for midnight." }),
  }),
});

const UpsertBusinessCalendarInput = builder.inputType("UpsertBusinessCalendarInput", {
  description: "A calendar to create, or to change when `id` is given.",
  fields: (t) => ({
    id: t.id({ description: "The calendar to change; omit to create one." }),
    name: t.string({ required: true, description: "Unique name." }),
    timeZone: t.string({ required: true, description: "IANA time zone, e.g. Asia/Shanghai." }),
    weeklyHours: t.field({ type: [OpeningWindowInput], required: true, description: "Opening windows; empty for around the clock." }),
    holidays: t.stringList({ description: "Local dates YYYY-MM-DD when clocks stand still." }),
    isDefault: t.boolean({ description: "Make this the installation's default calendar." }),
  }),
});

builder.mutationFields((t) => ({
  upsertSlaPolicy: t.field({
    type: SlaPolicyPayload,
    description: "Creates or changes an SLA policy. Administrators only.",
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpsertSlaPolicyInput, required: true, description: "The policy." }) },
    resolve: (_root, { input }, ctx) =>
      upsertSlaPolicy(ctx, { ...input, id: input.id ?? null, teamId: input.teamId ?? null, calendarId: input.calendarId ?? null }),
  }),
  upsertBusinessCalendar: t.field({
    type: BusinessCalendarPayload,
    description: "Creates or changes a business calendar. Administrators only.",
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpsertBusinessCalendarInput, required: true, description: "The calendar." }) },
    resolve: (_root, { input }, ctx) => upsertBusinessCalendar(ctx, { ...input, id: input.id ?? null }),
  }),
}));

// ─── live alerts ────────────────────────────────────────────────────────────

const SlaAlertFilter = builder.inputType("SlaAlertFilter", {
  description: "Which alerts to receive; omitted fields match everything the viewer may see.",
  fields: (t) => ({
    teamId: t.id({ description: "Only this team's cases." }),
    priorities: t.field({ type: [PriorityEnum], description: "Only these priorities." }),
  }),
});

const SlaAlertRef = builder.objectRef<SlaAlertMessage>("SlaAlert").implement({
  description: "A target is about to be missed (WARNING) or was missed (BREACH). Each fires once per target and cycle.",
  fields: (t) => ({
    id: t.exposeString("id", { description: "Stable id of this alert: the same alert never arrives twice." }),
    kind: t.field({ type: SlaAlertKindEnum, description: "Warning or breach.", resolve: (a) => a.kind }),
    target: t.field({ type: SlaTargetKindEnum, description: "Which target.", resolve: (a) => a.target }),
    dueAt: t.field({ type: "DateTime", description: "The instant the alert was for.", resolve: (a) => new Date(a.dueAt) }),
    at: t.field({ type: "DateTime", description: "When it fired.", resolve: (a) => new Date(a.at) }),
    ticket: t.prismaField({
      type: "Ticket",
      description: "The case, as the subscriber may see it.",
      resolve: (query, alert, _args, ctx) =>
        ctx.realtime.cache.get(`alert:${alert.id}:${JSON.stringify(query)}`, () =>
          ctx.prisma.ticket.findUniqueOrThrow({ ...query, where: { id: alert.ticketId } }),
        ),
    }),
  }),
});

builder.subscriptionField("slaAlerts", (t) =>
  t.field({
    type: SlaAlertRef,
    description: "SLA warnings and breaches on cases the viewer may see, as they fire.",
    authScopes: { scope: "tickets:read" },
    args: { filter: t.arg({ type: SlaAlertFilter, description: "Which alerts." }) },
    subscribe: (_root, { filter }, ctx) => {
      const wanted: LiveFilter = {
        teamId: filter?.teamId ? decodeId("filter.teamId", filter.teamId, "Team") : null,
        priorities: filter?.priorities ?? null,
      };
      async function* alerts(live: AsyncIterable<SlaAlertMessage>) {
        for await (const alert of live) if (wantedBy(ctx.viewer, alert.ticketId, alert.facts, wanted)) yield alert;
      }
      return liveStream(ctx, "sla-alert", alerts);
    },
    resolve: (alert) => alert,
  }),
);
