// The Slack bridge: which team's events go to which Slack channel, and which Slack
// member is which person. Routes: administrators, or a supervisor or manager of the team.
// Links: administrators.
import { mayManageSlackChannel, mayManageSomeSlackChannel, SLACK_EVENT_TYPES, type SlackEventType } from "../domain/slack.js";
import { deleteSlackChannel, linkSlackUser, upsertSlackChannel, visibleSlackChannelWhere } from "../resolvers/slack/channels.js";
import { builder } from "./builder.js";
import { commonErrors } from "./errors.js";
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

builder.queryFields((t) => ({
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
    authScopes: { admin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: LinkSlackUserInput, required: true, description: "Who and which Slack member." }) },
    resolve: (_root, { input }, ctx) => linkSlackUser(ctx, { userId: String(input.userId), slackUserId: input.slackUserId }),
  }),
}));
