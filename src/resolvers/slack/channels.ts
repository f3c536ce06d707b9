// Which Slack channel hears of which team's events, and which Slack member is which
// person. Routes are kept by administrators and by the team's supervisors and managers
// (domain/slack.ts mayManageSlackChannel); a route out of the viewer's reach answers
// NOT_FOUND. Linking a Slack member to a person is an administrator's act: whoever is
// linked acts as that person in caseflow from Slack, so nobody links themselves.
import type { Context } from "../../context.js";
import { inTransaction } from "../../db/transaction.js";
import { administersEverything, type Viewer } from "../../domain/access.js";
import {
  DEFAULT_SLACK_EVENT_TYPES,
  mayManageSlackChannel,
  type SlackEventType,
  slackChannelProblem,
  slackUserIdProblem,
} from "../../domain/slack.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.js";
import { decodeId } from "../ids.js";
import { setSlackLink } from "./links.js";

function viewerOf(ctx: Context): Viewer {
  if (!ctx.viewer) throw new ForbiddenError("You are not allowed to do this");
  return ctx.viewer;
}

function slackOn(ctx: Context) {
  if (!ctx.slack)
    throw ValidationError.of("input", "Slack is not configured on this server (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)");
}

/** The routes the viewer may manage (every team's for administrators), by channel. */
export async function visibleSlackChannelWhere(ctx: Context, teamGlobalId?: string | null) {
  const viewer = viewerOf(ctx);
  const teamId = teamGlobalId ? decodeId("teamId", teamGlobalId, "Team") : null;
  const all = await ctx.prisma.slackChannel.findMany({ where: teamId ? { teamId } : {}, select: { id: true, teamId: true } });
  return { id: { in: all.filter((route) => mayManageSlackChannel(viewer, route.teamId)).map((route) => route.id) } };
}

export async function upsertSlackChannel(ctx: Context, args: { teamId: string; channel: string; eventTypes?: SlackEventType[] | null }) {
  const viewer = viewerOf(ctx);
  slackOn(ctx);
  const teamId = decodeId("input.teamId", args.teamId, "Team");
  if (!(await ctx.prisma.team.findUnique({ where: { id: teamId }, select: { id: true } }))) {
    throw ValidationError.of("input.teamId", "names a team that does not exist");
  }
  if (!mayManageSlackChannel(viewer, teamId)) throw new ForbiddenError("Only administrators and the team's supervisors route its events");
  const channel = args.channel.trim();
  const problem = slackChannelProblem(channel);
  if (problem) throw ValidationError.of("input.channel", problem);
  if (args.eventTypes && !args.eventTypes.length)
    throw ValidationError.of("input.eventTypes", "name at least one event type, or leave it out for the defaults");
  const eventTypes = [...new Set(args.eventTypes ?? DEFAULT_SLACK_EVENT_TYPES)];
  const now = ctx.clock.now();
  return inTransaction(ctx, async (tx) => {
    const existing = await tx.slackChannel.findUnique({ where: { channel } });
    if (existing && existing.teamId !== teamId) {
      throw ValidationError.of("input.channel", "is already the channel of another team; a channel serves one team");
    }
    const route = existing
      ? await tx.slackChannel.update({
          where: { id: existing.id },
          // Saved again (after the app was invited back, say): a refusal is Slack's to tell anew.
          data: { eventTypes, updatedAt: now, refusedAt: null, refusal: null },
          select: { id: true },
        })
      : await tx.slackChannel.create({ data: { teamId, channel, eventTypes, createdAt: now, updatedAt: now }, select: { id: true } });
    return { slackChannelId: route.id };
  });
}

export async function deleteSlackChannel(ctx: Context, args: { id: string }) {
  const viewer = viewerOf(ctx);
  const id = decodeId("input.id", args.id, "SlackChannel");
  const route = await ctx.prisma.slackChannel.findUnique({ where: { id } });
  if (!route || !mayManageSlackChannel(viewer, route.teamId)) throw new NotFoundError("SlackChannel", args.id);
  // Messages already queued for it still go out; none are added.
  await inTransaction(ctx, (tx) => tx.slackChannel.deleteMany({ where: { id } }));
  return { deletedSlackChannelId: args.id };
}

/** Links (or, with null, unlinks) a person's Slack member id. Administrators only. */
export async function linkSlackUser(ctx: Context, args: { userId: string; slackUserId?: string | null }) {
  const viewer = viewerOf(ctx);
  if (!administersEverything(viewer)) throw new ForbiddenError("Only administrators of the whole installation link Slack accounts");
  const userId = decodeId("input.userId", args.userId, "User");
  const slackUserId = args.slackUserId?.trim() || null;
  if (slackUserId) {
    const problem = slackUserIdProblem(slackUserId);
    if (problem) throw ValidationError.of("input.slackUserId", problem);
  }
  const linked = await inTransaction(ctx, async (tx) => {
    if (!(await tx.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw new NotFoundError("User", args.userId);
    if (slackUserId) {
      const holder = await tx.user.findUnique({ where: { slackUserId }, select: { id: true } });
      if (holder && holder.id !== userId) throw ValidationError.of("input.slackUserId", "is already linked to another person");
    }
    // Stored, not only logged: who acts as whom from Slack is a security fact (slackLinkEvents).
    await setSlackLink(tx, {
      userId,
      slackUserId,
      via: "ADMIN",
      actor: viewer.kind === "user" ? { userId: viewer.userId } : { tokenId: viewer.tokenId },
      at: ctx.clock.now(),
    });
    return { userId };
  });
  ctx.logger.info(
    { event: slackUserId ? "slack.linked" : "slack.unlinked", via: "admin", userId, slackUserId },
    slackUserId ? "Slack member linked" : "Slack member unlinked",
  );
  return linked;
}
