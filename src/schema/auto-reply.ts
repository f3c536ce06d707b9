import { PLACEHOLDERS } from "../domain/templates.js";
import { upsertAutoReply } from "../resolvers/auto-replies.js";
import { builder } from "./builder.js";
import { ChannelEnum } from "./enums.js";
import { commonErrors } from "./errors.js";

const placeholderList = Object.keys(PLACEHOLDERS)
  .map((p) => `{{${p}}}`)
  .join(", ");

builder.prismaObject("AutoReply", {
  description: "The public reply sent automatically when a case arrives on a channel.",
  fields: (t) => ({
    channel: t.expose("channel", { type: ChannelEnum, description: "The channel." }),
    template: t.exposeString("template", { description: `Text with placeholders: ${placeholderList}.` }),
    enabled: t.exposeBoolean("enabled", { description: "Whether it is sent." }),
  }),
});

builder.queryField("autoReplies", (t) =>
  t.prismaField({
    type: ["AutoReply"],
    description: "The automatic acknowledgement of each channel that has one (at most one per channel).",
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.autoReply.findMany({ ...query, orderBy: { channel: "asc" } }),
  }),
);

const UpsertAutoReplyInput = builder.inputType("UpsertAutoReplyInput", {
  description: "A channel's automatic acknowledgement.",
  fields: (t) => ({
    channel: t.field({ type: ChannelEnum, required: true, description: "The channel." }),
    template: t.string({ required: true, description: `Text with placeholders: ${placeholderList}. Unknown placeholders are refused.` }),
    enabled: t.boolean({ description: "Whether it is sent (default true)." }),
  }),
});

const AutoReplyPayload = builder.objectRef<{ channel: string }>("AutoReplyPayload").implement({
  description: "The acknowledgement after the change.",
  fields: (t) => ({
    autoReply: t.prismaField({
      type: "AutoReply",
      description: "The acknowledgement.",
      resolve: (query, { channel }, _a, ctx) => ctx.prisma.autoReply.findUniqueOrThrow({ ...query, where: { channel: channel as never } }),
    }),
  }),
});

builder.mutationField("upsertAutoReply", (t) =>
  t.field({
    type: AutoReplyPayload,
    description: "Sets a channel's automatic acknowledgement. Administrators only.",
    authScopes: { installationAdmin: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpsertAutoReplyInput, required: true, description: "The acknowledgement." }) },
    resolve: (_root, { input }, ctx) => upsertAutoReply(ctx, input),
  }),
);
