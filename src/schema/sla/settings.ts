// SLA settings: the policies (targets per priority, team, tier and channels) and the business
// calendars their clocks run in, with the administrators' mutations.
import { upsertBusinessCalendar, upsertSlaPolicy } from "../../resolvers/sla/settings.js";
import { builder, maxPageSize, totalCountField } from "../builder.js";
import { ChannelEnum, PriorityEnum } from "../enums.js";
import { commonErrors } from "../errors.js";

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
  description:
    "Targets for a priority, optionally narrowed to a team, a tier and channels. The most specific match applies: team+tier+channel > team+channel > tier+channel > channel > team+tier > team > tier > priority only.",
  id: { field: "id" },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name." }),
    priority: t.expose("priority", { type: PriorityEnum, description: "The priority it applies to." }),
    team: t.relation("team", { nullable: true, description: "Only this team's cases, when set." }),
    tierLevel: t.exposeInt("tierLevel", { nullable: true, description: "Only cases at this tier, when set." }),
    channels: t.expose("channels", {
      type: [ChannelEnum],
      description: "Only cases that came in by one of these channels, in alphabetical order; empty for any channel.",
    }),
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
    channels: t.field({
      type: [ChannelEnum],
      description:
        "Only cases that came in by one of these channels; omit or leave empty for any channel. No two policies of one priority, team and tier may share a channel.",
    }),
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
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpsertSlaPolicyInput, required: true, description: "The policy." }) },
    resolve: (_root, { input }, ctx) =>
      upsertSlaPolicy(ctx, { ...input, id: input.id ?? null, teamId: input.teamId ?? null, calendarId: input.calendarId ?? null }),
  }),
  upsertBusinessCalendar: t.field({
    type: BusinessCalendarPayload,
    description: "Creates or changes a business calendar. Administrators only.",
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpsertBusinessCalendarInput, required: true, description: "The calendar." }) },
    resolve: (_root, { input }, ctx) => upsertBusinessCalendar(ctx, { ...input, id: input.id ?? null }),
  }),
}));
