// What Slack asks of caseflow, acting as the person linked to the Slack member who asked
// (User.slackUserId): `/case` commands and the buttons of the channel messages. Each goes
// through the same paths as the API (createTicket, the case read conditions, moveStep and
// assignStep under the workflow's rules, react), with the linked person as the viewer, so
// the audit trail names them and their permissions apply. A member not linked yet is
// looked up in Slack (users.info) and linked to the one active person with that e-mail
// address, compared as login compares them; otherwise they are refused.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { type AppServices, createContext } from "../../context.js";
import type { Viewer } from "../../domain/access.js";
import { normalizedEmail } from "../../domain/login-backoff.js";
import {
  caseLink,
  caseViewMessage,
  MARKER_OF_ACTION,
  parseSlashCommand,
  SLACK_ACTIONS,
  SLASH_HELP,
  slackUserIdProblem,
} from "../../domain/slack.js";
import { DomainError, NotFoundError, ValidationError } from "../../errors.js";
import { react } from "../reactions.js";
import { assignStep } from "../tickets/assign.js";
import { createTicket } from "../tickets/create.js";
import { visibleTicketWhere } from "../tickets/reads.js";
import { moveStep } from "../tickets/transition.js";
import { loadForWrite, reload, write } from "../write-frame.js";
import { slackCase } from "./enqueue.js";
import { linkSlackMemberByEmail } from "./links.js";

/** What Slack shows the person who asked: only them (ephemeral). */
export interface SlackReply {
  response_type: "ephemeral";
  text: string;
  blocks?: Record<string, unknown>[];
}

const reply = (text: string, blocks?: Record<string, unknown>[]): SlackReply => ({
  response_type: "ephemeral",
  text,
  ...(blocks ? { blocks } : {}),
});

export const NOT_LINKED =
  "Your Slack account is not linked to a caseflow user (and its e-mail address is not an active caseflow user's), so caseflow cannot act for you. Ask a caseflow administrator to link it (linkSlackUser).";

/** When Slack could not be asked who the member is: not "not linked", which would send them to an administrator for nothing. */
export const SLACK_LOOKUP_FAILED =
  "caseflow could not reach Slack to check your account just now, so nothing was done. Try again in a moment; if this keeps happening, tell a caseflow administrator.";

/** What Slack is told when a command or click failed unexpectedly (the cause goes to the log). */
export const CLICK_FAILED = "Something went wrong in caseflow; nothing was changed. Try again.";

/** A Slack member's e-mail address as Slack's users.info gives it, or null (none, a bot, deactivated); throws when Slack cannot say. */
export type SlackEmailLookup = (slackUserId: string) => Promise<string | null>;

/** Why a Slack member gets no viewer: linked to nobody (Slack answered), or Slack could not be asked. */
export type SlackViewerRefusal = "not-linked" | "lookup-failed";

const REFUSAL_TEXT: Record<SlackViewerRefusal, string> = { "not-linked": NOT_LINKED, "lookup-failed": SLACK_LOOKUP_FAILED };

/**
 * Links an unlinked Slack member to the active person whose e-mail address Slack gives
 * for them (the address compared as login compares it: normalizedEmail, one person per
 * address). Not when that person is linked to another member already: relinking is an
 * administrator's act. Resolves to "linked", or why not.
 */
async function linkByEmail(
  services: AppServices,
  slackUserId: string,
  lookupEmail: SlackEmailLookup,
): Promise<"linked" | SlackViewerRefusal> {
  if (slackUserIdProblem(slackUserId)) return "not-linked";
  let email: string | null;
  try {
    email = await lookupEmail(slackUserId);
  } catch (error) {
    // users:read.email missing, Slack down or slow: the member may well be a colleague, so
    // they are told to try again, and the operator is told why.
    services.logger.warn({ err: error, slackUserId }, "could not look up a Slack member's e-mail address; the member was not linked");
    return "lookup-failed";
  }
  if (!email) return "not-linked";
  const person = await services.prisma.user.findUnique({
    where: { email: normalizedEmail(email) },
    select: { id: true, active: true, slackUserId: true },
  });
  if (!person?.active || person.slackUserId) return "not-linked";
  // Not linked here: another request linked this member (or this person) at the same
  // moment; the member is linked if that request linked them.
  await linkSlackMemberByEmail(services, { userId: person.id, slackUserId, at: services.clock.now() });
  return "linked";
}

/**
 * The linked, active person as a viewer (as a session would give: role, teams, joined
 * swarms), or why there is none. A member linked to nobody is linked by e-mail first when
 * Slack can be asked (`lookupEmail`).
 */
export async function slackViewer(
  services: AppServices,
  slackUserId: string,
  lookupEmail?: SlackEmailLookup,
): Promise<Viewer | SlackViewerRefusal> {
  const viewer = await linkedViewer(services, slackUserId);
  if (viewer !== undefined || !lookupEmail) return viewer ?? "not-linked";
  const linked = await linkByEmail(services, slackUserId, lookupEmail);
  if (linked !== "linked") return linked;
  return (await linkedViewer(services, slackUserId)) ?? "not-linked";
}

/** The viewer of the person linked to the member; null when that person is deactivated, undefined when nobody is linked. */
async function linkedViewer(services: AppServices, slackUserId: string): Promise<Viewer | null | undefined> {
  const user = await services.prisma.user.findUnique({
    where: { slackUserId },
    select: {
      id: true,
      role: true,
      active: true,
      canViewContact: true,
      memberships: { select: { teamId: true } },
      swarmMemberships: { where: { leftAt: null, swarm: { status: "OPEN" } }, select: { swarm: { select: { ticketId: true } } } },
    },
  });
  if (!user) return undefined;
  if (!user.active) return null;
  return {
    kind: "user",
    userId: user.id,
    sessionId: `slack:${slackUserId}`,
    role: user.role,
    canViewContact: user.canViewContact,
    teamIds: user.memberships.map((m) => m.teamId),
    swarmTicketIds: user.swarmMemberships.map((m) => m.swarm.ticketId),
  };
}

/** An expected refusal in words for Slack; anything else is rethrown (and masked by the caller). */
function refusal(error: unknown): string {
  if (error instanceof ValidationError) return `Not done: ${error.issues.map((i) => `${i.field} ${i.message}`).join("; ")}`;
  if (error instanceof DomainError) return `Not done: ${error.message}`;
  throw error;
}

/** `/case …` from `slackUserId` in `channelId`. */
export async function slashCommand(
  services: AppServices,
  args: { slackUserId: string; channelId: string; text: string; lookupEmail?: SlackEmailLookup },
): Promise<SlackReply> {
  const command = parseSlashCommand(args.text);
  if (command.kind === "help") return reply(SLASH_HELP);
  if (command.kind === "invalid") return reply(command.message);
  const viewer = await slackViewer(services, args.slackUserId, args.lookupEmail);
  if (typeof viewer === "string") return reply(REFUSAL_TEXT[viewer]);
  const ctx = createContext(services, viewer, "slack");

  if (command.kind === "show") {
    const found = await services.prisma.ticket.findFirst({
      where: visibleTicketWhere(viewer, { number: command.number }),
      select: { id: true },
    });
    // A case the person may not read is answered exactly as one that does not exist.
    if (!found) return reply(`Case ${command.number} not found.`);
    const message = caseViewMessage(
      await slackCase(services.prisma, found.id),
      caseLink(services.slack?.caseLinkTemplate ?? null, command.number),
    );
    return reply(message.text, message.blocks);
  }

  const route = await services.prisma.slackChannel.findUnique({ where: { channel: args.channelId }, select: { teamId: true } });
  if (!route)
    return reply(
      "This channel is not linked to a caseflow team; ask an administrator or the team's supervisor to route one (upsertSlackChannel).",
    );
  try {
    const { ticketId } = await createTicket(ctx, {
      title: command.title,
      accountId: command.accountId,
      details: command.details,
      channel: "SLACK",
      type: "INQUIRY",
      priority: "MEDIUM",
      teamId: encodeGlobalID("Team", route.teamId),
    });
    const created = await services.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { number: true, title: true } });
    return reply(`Created ${created.number}: ${created.title}`);
  } catch (error) {
    return reply(refusal(error));
  }
}

/** A button of a channel message, clicked by `slackUserId`; the answer is shown to them only. */
export async function clickButton(
  services: AppServices,
  args: { slackUserId: string; actionId: string; value: string; lookupEmail?: SlackEmailLookup },
): Promise<string> {
  const viewer = await slackViewer(services, args.slackUserId, args.lookupEmail);
  if (typeof viewer === "string") return REFUSAL_TEXT[viewer];
  if (viewer.kind !== "user") return NOT_LINKED;
  const ctx = createContext(services, viewer, "slack");
  try {
    if (args.actionId === SLACK_ACTIONS.take) {
      const number = await write(ctx, async (w) => {
        let ticket = await loadForWrite(w, args.value, null, "value");
        if (ticket.status !== "TEAM_CHECKING") {
          await moveStep(w, ticket, { to: "TEAM_CHECKING" });
          ticket = await reload(w, ticket.id);
        }
        if (ticket.assigneeId !== viewer.userId) await assignStep(w, ticket, viewer.userId);
        return ticket.number;
      });
      return `You took ${number}: it is in TEAM_CHECKING and assigned to you.`;
    }
    const marker = MARKER_OF_ACTION[args.actionId];
    if (marker) {
      const target = parseMarkerValue(args.value);
      const { ticketId } = await react(ctx, { commentId: target.commentId, emoji: marker }, "add");
      const ticket = await services.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { number: true } });
      return `Marked ${marker} on the latest comment of ${ticket.number}.`;
    }
    return "This button is not one caseflow knows.";
  } catch (error) {
    if (error instanceof NotFoundError) return "Case not found.";
    return refusal(error);
  }
}

function parseMarkerValue(value: string): { commentId: string } {
  try {
    const parsed = JSON.parse(value) as { commentId?: unknown };
    if (typeof parsed.commentId === "string") return { commentId: parsed.commentId };
  } catch {
    // answered below
  }
  throw ValidationError.of("value", "is not a marker button's value");
}
