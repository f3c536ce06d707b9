// What an operator sees of a team's Slack messages in the outbox (slackDeliveries):
// pending, retried, delivered or failed for good, with Slack's error code. Shown to those
// who route the team's channel (domain/slack.ts mayManageSlackChannel): administrators and
// the team's supervisors and managers.
import type { Context } from "../../context.js";
import { mayManageSlackChannel } from "../../domain/slack.js";
import { ForbiddenError } from "../../errors.js";
import type { DeliveryStatus } from "../../generated/prisma/enums.js";
import { decodeId } from "../ids.js";
import { SLACK_CHANNEL } from "./enqueue.js";

export async function slackDeliveriesWhere(ctx: Context, args: { teamId: string; status?: DeliveryStatus | null }) {
  const teamId = decodeId("teamId", args.teamId, "Team");
  if (!mayManageSlackChannel(ctx.viewer, teamId))
    throw new ForbiddenError("Only administrators and the team's supervisors and managers see its Slack messages");
  return { channel: SLACK_CHANNEL, teamIds: { has: teamId }, ...(args.status ? { status: args.status } : {}) };
}
