// The one place a Slack member's link to a person changes (User.slackUserId): whoever is
// linked acts as that person from Slack, so each change is stored as a SlackLinkEvent in
// the same transaction (who was linked to which member, when, how, and by whom), for
// security review (slackLinkEvents). An administrator's linkSlackUser and the link by
// e-mail address on a member's first command or click both come here. Only ids are
// stored: the e-mail address that matched is not.
import { inTransaction, type Tx } from "../../db/transaction.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { SlackLinkVia } from "../../generated/prisma/enums.js";
import type { Realtime } from "../../realtime/pubsub.js";

/** Who made the change: an administrator's session or token; null for a link by e-mail. */
export type SlackLinkActor = { userId: string } | { tokenId: string } | null;

interface Services {
  prisma: PrismaClient;
  realtime: Realtime;
}

function actorColumns(actor: SlackLinkActor) {
  return {
    actorUserId: actor && "userId" in actor ? actor.userId : null,
    actorTokenId: actor && "tokenId" in actor ? actor.tokenId : null,
  };
}

/**
 * Sets a person's Slack member id (null unlinks) in `tx`, recording what changed: an
 * UNLINKED row for the member they had, a LINKED row for the new one; nothing when it
 * stays the same. The caller has checked the member is nobody else's.
 */
export async function setSlackLink(
  tx: Tx,
  args: { userId: string; slackUserId: string | null; via: SlackLinkVia; actor: SlackLinkActor; at: Date },
) {
  const { slackUserId: before } = await tx.user.findUniqueOrThrow({ where: { id: args.userId }, select: { slackUserId: true } });
  if (before === args.slackUserId) return;
  await tx.user.update({ where: { id: args.userId }, data: { slackUserId: args.slackUserId } });
  const base = { userId: args.userId, via: args.via, at: args.at, ...actorColumns(args.actor) };
  if (before) await tx.slackLinkEvent.create({ data: { ...base, action: "UNLINKED", slackUserId: before } });
  if (args.slackUserId) await tx.slackLinkEvent.create({ data: { ...base, action: "LINKED", slackUserId: args.slackUserId } });
}

/**
 * Links `slackUserId` to a person who has no member yet, by e-mail: resolves to false when
 * the person got a member meanwhile or the member was linked to someone else at the same
 * moment (the unique index decides; whoever won is the link).
 */
export async function linkSlackMemberByEmail(services: Services, args: { userId: string; slackUserId: string; at: Date }) {
  try {
    return await inTransaction(services, async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id: args.userId, slackUserId: null },
        data: { slackUserId: args.slackUserId },
      });
      if (count === 0) return false;
      await tx.slackLinkEvent.create({
        data: { userId: args.userId, slackUserId: args.slackUserId, action: "LINKED", via: "EMAIL", at: args.at },
      });
      return true;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false;
    throw error;
  }
}
