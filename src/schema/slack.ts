// The Slack bridge: which team's events go to which Slack channel, and which Slack
// member is which person. Routes: administrators, or a supervisor or manager of the team.
// Links: administrators.

import { encodeGlobalID } from "@pothos/plugin-relay";
import type { SlackPayload } from "../domain/slack.js";
import { mayManageSlackChannel, mayManageSomeSlackChannel, SLACK_EVENT_TYPES, type SlackEventType } from "../domain/slack.js";
import { decodeId } from "../resolvers/ids.js";
import { deleteSlackChannel, linkSlackUser, upsertSlackChannel, visibleSlackChannelWhere } from "../resolvers/slack/channels.js";
import { slackDeliveriesWhere } from "../resolvers/slack/deliveries.js";
import { builder, maxPageSize } from "./builder.js";
import { commonErrors } from "./errors.js";
import { ActorRef, actorFrom } from "./ticket/actor.js";
import { UserRef } from "./user.js";

export const SlackEventTypeEnum = builder.enumType("SlackEventType", {
  description: "What a team's Slack channel hears of.",
  values: Object.fromEntries(Object.entries(SLACK_EVENT_TYPES).map(([type, description]) => [type, { description }])) as {
    [K in SlackEventType]: { description: string };
  },
});

builder.prismaNode("SlackChannel", {
  description: "A Slack channel fed with one team's events as Block Kit messages, threaded per case; `/case` there acts for that team.",
  id: { field: "id" },
  authScopes: (route, ctx) => mayManageSlackChannel(ctx.viewer, route.teamId),
  fields: (t) => ({
    channel: t.exposeString("channel", { description: "Slack's channel id (C…)." }),
    team: t.relation("team", { description: "The team whose events it hears of." }),
    eventTypes: t.field({
      type: [SlackEventTypeEnum],
      description: "The events it hears of.",
      resolve: (route) => route.eventTypes as SlackEventType[],
    }),
    refusedAt: t.expose("refusedAt", {
      type: "DateTime",
      nullable: true,
      description:
        "When Slack last refused the channel for good (deleted, archived, the app not in it) and the team's supervisors got a SLACK_CHANNEL_REFUSED alert; its messages fail meanwhile. Null once a message to it goes through or the route is saved again.",
    }),
    refusal: t.exposeString("refusal", {
      nullable: true,
      description: "Slack's error code of that refusal (channel_not_found, not_in_channel, is_archived…).",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was routed." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "Last change." }),
  }),
});

builder.prismaObjectField(UserRef, "slackUserId", (t) =>
  t.string({
    nullable: true,
    description: "The person's linked Slack member id (U…); shown to administrators and to the person.",
    select: { slackUserId: true, id: true },
    resolve: (user, _args, ctx) =>
      ctx.viewer?.kind === "user" && (ctx.viewer.userId === user.id || ctx.viewer.role === "ADMIN") ? user.slackUserId : null,
  }),
);

const SlackDeliveryStatusEnum = builder.enumType("SlackDeliveryStatus", {
  description: "Where a Slack message stands.",
  values: {
    PENDING: { description: "Waiting for its first attempt or for a retry (see `nextAttemptAt`, `lastError`)." },
    DELIVERED: { description: "Slack took it." },
    FAILED: {
      description:
        "Given up: Slack refused it for good (`lastErrorCode`: channel_not_found, not_in_channel, invalid_auth…), or every attempt failed for 24 h.",
    },
  } as const,
});

export const SlackDeliveryRef = builder.prismaObject("OutboundDelivery", {
  variant: "SlackDelivery",
  description:
    "One message of the Slack bridge in the outbox and how sending it went. Shows what it is about (event, case number, channel), never its text.",
  fields: (t) => ({
    id: t.id({ description: "Global id.", resolve: (d) => encodeGlobalID("SlackDelivery", d.id) }),
    eventType: t.exposeString("eventType", {
      description:
        "What it tells of: a SlackEventType, or ROOM_OPENED, ROOM_INVITE, ROOM_MESSAGE, ROOM_CLOSED for swarm and incident channels.",
    }),
    caseNumber: t.string({
      nullable: true,
      description: "The case it is about (WX-20231025-001); null for incident and room messages.",
      resolve: (d) => {
        const payload = d.payload as SlackPayload;
        return payload.kind === "case" ? payload.case.number : null;
      },
    }),
    channel: t.string({
      nullable: true,
      description: "The routed channel's id (C…); null for a swarm's or incident's own channel (see `roomName`).",
      resolve: (d) => {
        const payload = d.payload as SlackPayload;
        return payload.kind === "case" || payload.kind === "incident" ? payload.channel : null;
      },
    }),
    roomName: t.string({
      nullable: true,
      description: "The swarm's or incident's own channel (swarm-wx-20231025-001, inc-…) it is for; its opening message names it.",
      resolve: (d) => {
        const payload = d.payload as SlackPayload;
        return payload.kind === "room-open" ? payload.name : null;
      },
    }),
    status: t.field({ type: SlackDeliveryStatusEnum, description: "Where it stands.", resolve: (d) => d.status }),
    attempts: t.exposeInt("attempts", { description: "Attempts made so far." }),
    nextAttemptAt: t.expose("nextAttemptAt", { type: "DateTime", nullable: true, description: "When the next attempt is due." }),
    lastAttemptAt: t.expose("lastAttemptAt", { type: "DateTime", nullable: true, description: "When the last attempt started." }),
    lastErrorCode: t.exposeString("lastErrorCode", {
      nullable: true,
      description: "Slack's error code of the last failure (channel_not_found, ratelimited…); null when Slack gave none.",
    }),
    lastError: t.exposeString("lastError", { nullable: true, description: "Why the last attempt failed, in words." }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When Slack took it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the change it tells of committed." }),
  }),
});

const SlackLinkActionEnum = builder.enumType("SlackLinkAction", {
  description: "What happened to a Slack link.",
  values: {
    LINKED: { description: "The Slack member now acts as the person." },
    UNLINKED: { description: "The Slack member no longer acts as the person." },
  } as const,
});

const SlackLinkViaEnum = builder.enumType("SlackLinkVia", {
  description: "How a Slack link changed.",
  values: {
    ADMIN: { description: "linkSlackUser, by an administrator (see `actor`)." },
    EMAIL: { description: "The member's e-mail address in Slack was the person's, on their first command or click." },
  } as const,
});

builder.prismaObject("SlackLinkEvent", {
  description: "A Slack member linked to or unlinked from a person: who acts as whom from Slack, and since when.",
  fields: (t) => ({
    id: t.id({ description: "Global id.", resolve: (e) => encodeGlobalID("SlackLinkEvent", e.id) }),
    at: t.expose("at", { type: "DateTime", description: "When." }),
    action: t.field({ type: SlackLinkActionEnum, description: "Linked or unlinked.", resolve: (e) => e.action }),
    via: t.field({ type: SlackLinkViaEnum, description: "How.", resolve: (e) => e.via }),
    slackUserId: t.exposeString("slackUserId", { description: "The Slack member id (U…)." }),
    user: t.relation("user", { description: "The person." }),
    actor: t.field({
      type: ActorRef,
      description: "The administrator or token who did it; `caseflow` for a link by e-mail.",
      select: { actorUser: { select: { id: true, name: true } }, actorToken: { select: { name: true } } },
      resolve: (e) => actorFrom(e.actorUser, e.actorToken),
    }),
  }),
});

builder.queryFields((t) => ({
  slackDeliveries: t.prismaConnection(
    {
      type: SlackDeliveryRef,
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 50,
      description:
        "A team's Slack messages (its channel's, its swarms' and incidents' channels'), newest first. Administrators and the team's supervisors and managers.",
      authScopes: (_root, _args, ctx) => mayManageSomeSlackChannel(ctx.viewer),
      args: {
        teamId: t.arg.id({ required: true, description: "The team." }),
        status: t.arg({ type: SlackDeliveryStatusEnum, description: "Only messages in this state." }),
      },
      resolve: async (query, _root, args, ctx) =>
        ctx.prisma.outboundDelivery.findMany({
          ...query,
          where: await slackDeliveriesWhere(ctx, { teamId: String(args.teamId), status: args.status }),
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        }),
    },
    { name: "SlackDeliveryConnection", description: "A page of Slack messages." },
    { name: "SlackDeliveryEdge", description: "A Slack message and its cursor." },
  ),
  slackLinkEvents: t.prismaConnection(
    {
      type: "SlackLinkEvent",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 50,
      description: "Every link and unlink of a Slack member to a person, newest first. Administrators only.",
      authScopes: { installationAdmin: true },
      args: { userId: t.arg.id({ description: "Only this person's." }) },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.slackLinkEvent.findMany({
          ...query,
          where: args.userId ? { userId: decodeId("userId", String(args.userId), "User") } : {},
          orderBy: { seq: "desc" },
        }),
    },
    { name: "SlackLinkEventConnection", description: "A page of Slack link changes." },
    { name: "SlackLinkEventEdge", description: "A Slack link change and its cursor." },
  ),
  slackChannels: t.prismaField({
    type: ["SlackChannel"],
    description: "The Slack channels routed for the teams the viewer manages, by channel id.",
    authScopes: (_root, _args, ctx) => mayManageSomeSlackChannel(ctx.viewer),
    args: { teamId: t.arg.id({ description: "Only this team's." }) },
    resolve: async (query, _root, args, ctx) =>
      ctx.prisma.slackChannel.findMany({
        ...query,
        where: await visibleSlackChannelWhere(ctx, args.teamId ? String(args.teamId) : null),
        orderBy: { channel: "asc" },
      }),
  }),
}));

const SlackChannelPayload = builder.objectRef<{ slackChannelId: string }>("SlackChannelPayload").implement({
  description: "The route after the change.",
  fields: (t) => ({
    slackChannel: t.prismaField({
      type: "SlackChannel",
      description: "The route.",
      resolve: (query, { slackChannelId }, _a, ctx) =>
        ctx.prisma.slackChannel.findUniqueOrThrow({ ...query, where: { id: slackChannelId } }),
    }),
  }),
});

const DeleteSlackChannelPayload = builder.objectRef<{ deletedSlackChannelId: string }>("DeleteSlackChannelPayload").implement({
  description: "A route removed; messages already queued for it still go out.",
  fields: (t) => ({ deletedSlackChannelId: t.exposeID("deletedSlackChannelId", { description: "The route's global id." }) }),
});

const LinkSlackUserPayload = builder.objectRef<{ userId: string }>("LinkSlackUserPayload").implement({
  description: "The person after linking or unlinking.",
  fields: (t) => ({
    user: t.prismaField({
      type: "User",
      description: "The person; `slackUserId` shows the link.",
      resolve: (query, { userId }, _a, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: userId } }),
    }),
  }),
});

const UpsertSlackChannelInput = builder.inputType("UpsertSlackChannelInput", {
  description: "A team's events routed to a Slack channel; the same channel again changes its event types.",
  fields: (t) => ({
    teamId: t.id({ required: true, description: "The team." }),
    channel: t.string({ required: true, description: "Slack's channel id (C…, in the channel's details); invite the app there." }),
    eventTypes: t.field({
      type: [SlackEventTypeEnum],
      description:
        "The events it hears of; left out: TICKET_CREATED, INFORM_CUSTOMER, SLA_WARNING, SLA_BREACH, INCIDENT_DECLARED, SURVEY_UNSATISFIED.",
    }),
  }),
});

const DeleteSlackChannelInput = builder.inputType("DeleteSlackChannelInput", {
  description: "The route to remove.",
  fields: (t) => ({ id: t.id({ required: true, description: "The SlackChannel." }) }),
});

const LinkSlackUserInput = builder.inputType("LinkSlackUserInput", {
  description: "A person and their Slack member id.",
  fields: (t) => ({
    userId: t.id({ required: true, description: "The person." }),
    slackUserId: t.string({ description: "Their Slack member id (U…, profile → ⋯ → Copy member ID); null or empty unlinks." }),
  }),
});

builder.mutationFields((t) => ({
  upsertSlackChannel: t.field({
    type: SlackChannelPayload,
    description: "Routes a team's events to a Slack channel, or changes which events it hears of.",
    authScopes: (_root, _args, ctx) => mayManageSomeSlackChannel(ctx.viewer),
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpsertSlackChannelInput, required: true, description: "The route." }) },
    resolve: (_root, { input }, ctx) => upsertSlackChannel(ctx, { ...input, teamId: String(input.teamId) }),
  }),
  deleteSlackChannel: t.field({
    type: DeleteSlackChannelPayload,
    description: "Stops routing a team's events to a channel.",
    authScopes: (_root, _args, ctx) => mayManageSomeSlackChannel(ctx.viewer),
    errors: { types: commonErrors },
    args: { input: t.arg({ type: DeleteSlackChannelInput, required: true, description: "Which route." }) },
    resolve: (_root, { input }, ctx) => deleteSlackChannel(ctx, { id: String(input.id) }),
  }),
  linkSlackUser: t.field({
    type: LinkSlackUserPayload,
    description:
      "Links a person to their Slack member id, so `/case` and the buttons in Slack act as them (or unlinks). Administrators only.",
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: LinkSlackUserInput, required: true, description: "Who and which Slack member." }) },
    resolve: (_root, { input }, ctx) => linkSlackUser(ctx, { userId: String(input.userId), slackUserId: input.slackUserId }),
  }),
}));
