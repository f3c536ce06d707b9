// Swarm and major-incident channels in Slack: opening a swarm (or declaring an incident of
// severity 3 and up) queues the making of a channel of its own, with its people invited and
// the summary posted; joining invites, the swarm's thread and the incident's timeline are
// mirrored, closing posts the summary (a swarm's channel is then archived). A practice
// case's swarm gets no channel (domain/training.ts countsInProduction): its experts are
// real colleagues, and a channel made, joined and notified in the real workspace for a
// training case would interrupt them as a real escalation does; the swarm itself is worked
// in caseflow as any other. Each step is an outbox message in the change's transaction
// (src/integrations/slack/dispatcher.ts sends them in order: every step waits for the
// channel). Nothing is queued while Slack is off,
// and a swarm or incident opened then never gets a channel.
import { randomUUID } from "node:crypto";
import type { Tx } from "../../db/transaction.js";
import {
  caseLink,
  incidentChannelName,
  incidentMessage,
  roomPostMessage,
  SLACK_INCIDENT_SEVERITY,
  type SlackMessage,
  type SlackRoomPayload,
  swarmChannelName,
  swarmClosedMessage,
  swarmOpenedMessage,
} from "../../domain/slack.js";
import { countsInProduction } from "../../domain/training.js";
import { RETRY_WINDOW_MS } from "../../domain/webhooks.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Write } from "../write-frame.js";
import { SLACK_CHANNEL, slackCase } from "./enqueue.js";

const swarmRoom = (swarmId: string) => `swarm:${swarmId}`;
const incidentRoom = (incidentId: string) => `incident:${incidentId}`;

/** The teams a room's messages count for in slackDeliveries: the swarm's case's team, or the incident's teams. */
async function roomTeamIds(tx: Tx, key: string): Promise<string[]> {
  const [kind, id] = key.split(":") as [string, string];
  if (kind === "swarm") {
    const swarm = await tx.swarm.findUnique({ where: { id }, select: { ticket: { select: { teamId: true } } } });
    return swarm?.ticket.teamId ? [swarm.ticket.teamId] : [];
  }
  const teams = await tx.incidentTeam.findMany({ where: { incidentId: id }, select: { teamId: true } });
  return teams.map((t) => t.teamId);
}

async function enqueue(tx: Tx, payload: SlackRoomPayload, at: Date, messageId = `slack_${randomUUID().replaceAll("-", "")}`) {
  await tx.outboundDelivery.create({
    data: {
      channel: SLACK_CHANNEL,
      teamIds: await roomTeamIds(tx, payload.room),
      messageId,
      eventType: payload.event,
      payload: payload as unknown as Prisma.InputJsonValue,
      nextAttemptAt: at,
      expiresAt: new Date(at.getTime() + RETRY_WINDOW_MS),
      createdAt: at,
    },
  });
}

/** Opens the room (once per key) and queues its making. */
async function open(w: Write, key: string, name: string, userIds: readonly string[], message: SlackMessage) {
  const messageId = `slack_${randomUUID().replaceAll("-", "")}`;
  const { count } = await w.tx.slackRoom.createMany({
    data: [{ key, name, openMessageId: messageId, createdAt: w.now }],
    skipDuplicates: true,
  });
  if (count === 0) return;
  await enqueue(
    w.tx,
    { kind: "room-open", event: "ROOM_OPENED", room: key, name, users: await slackIds(w.tx, userIds), message },
    w.now,
    messageId,
  );
}

/** A step for a room that was opened; none when it never was (Slack was off then). */
async function step(w: Write, key: string, payload: SlackRoomPayload) {
  if (!(await w.tx.slackRoom.findUnique({ where: { key }, select: { key: true } }))) return;
  await enqueue(w.tx, payload, w.now);
}

async function slackIds(tx: Tx, userIds: readonly string[]): Promise<string[]> {
  if (!userIds.length) return [];
  const users = await tx.user.findMany({
    where: { id: { in: [...userIds] }, active: true, slackUserId: { not: null } },
    select: { slackUserId: true },
  });
  return users.map((u) => u.slackUserId!).sort();
}

async function authorName(w: Write): Promise<string> {
  if (w.viewer.kind !== "user") return "caseflow";
  return (await w.tx.user.findUnique({ where: { id: w.viewer.userId }, select: { name: true } }))?.name ?? "caseflow";
}

export async function swarmStartedInSlack(w: Write, swarmId: string) {
  if (!w.ctx.slack) return;
  const swarm = await w.tx.swarm.findUniqueOrThrow({
    where: { id: swarmId },
    select: { ticketId: true, reason: true, skills: true, members: { where: { leftAt: null }, select: { userId: true } } },
  });
  const shown = await slackCase(w.tx, swarm.ticketId);
  // No channel for a practice case's swarm (see above); its later steps then find no room and queue nothing.
  if (!countsInProduction(shown)) return;
  // An archived channel keeps its name: a case's later swarms get their own.
  const nth = await w.tx.swarm.count({ where: { ticketId: swarm.ticketId } });
  const message = swarmOpenedMessage(shown, swarm.reason, swarm.skills, caseLink(w.ctx.slack.caseLinkTemplate, shown.number));
  await open(
    w,
    swarmRoom(swarmId),
    swarmChannelName(shown.number, nth),
    swarm.members.map((m) => m.userId),
    message,
  );
}

export async function swarmJoinedInSlack(w: Write, swarmId: string, userId: string) {
  if (!w.ctx.slack) return;
  const users = await slackIds(w.tx, [userId]);
  if (users.length) await step(w, swarmRoom(swarmId), { kind: "room-invite", event: "ROOM_INVITE", room: swarmRoom(swarmId), users });
}

export async function swarmMessageInSlack(w: Write, swarmId: string, body: string) {
  if (!w.ctx.slack) return;
  const message = roomPostMessage(await authorName(w), body);
  await step(w, swarmRoom(swarmId), { kind: "room-post", event: "ROOM_MESSAGE", room: swarmRoom(swarmId), message });
}

export async function swarmClosedInSlack(w: Write, swarmId: string, ticketId: string, summary: string | null) {
  if (!w.ctx.slack) return;
  const { number } = await w.tx.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { number: true } });
  const message = swarmClosedMessage(number, summary);
  await step(w, swarmRoom(swarmId), { kind: "room-close", event: "ROOM_CLOSED", room: swarmRoom(swarmId), message, archive: true });
}

/**
 * An incident's timeline entry: a declaration of severity 3 and up opens its channel with
 * the responders (the on-call people of its teams and the declarer); later entries are
 * posted there, an entry about a case only as "a case was linked" (the channel's members
 * may not all see it); the resolution is posted and the channel kept for the review.
 */
export async function incidentTimelineInSlack(w: Write, incidentId: string, kind: string, body: string) {
  if (!w.ctx.slack) return;
  const key = incidentRoom(incidentId);
  if (kind === "DECLARED") {
    const incident = await w.tx.incident.findUniqueOrThrow({
      where: { id: incidentId },
      select: {
        title: true,
        severity: true,
        status: true,
        teams: { select: { team: { select: { name: true } } } },
        responders: { select: { userId: true } },
      },
    });
    if (incident.severity < SLACK_INCIDENT_SEVERITY) return;
    const message = incidentMessage(
      "INCIDENT_DECLARED",
      { ...incident, teams: incident.teams.map((t) => t.team.name).sort((a, b) => a.localeCompare(b)) },
      body,
    );
    await open(
      w,
      key,
      incidentChannelName(incidentId, incident.title),
      incident.responders.map((r) => r.userId),
      message,
    );
    return;
  }
  const text = kind === "TICKET_LINKED" ? "A case was linked to the incident." : body;
  const message = roomPostMessage(kind === "RESOLVED" ? "Resolved" : await authorName(w), text);
  await step(
    w,
    key,
    kind === "RESOLVED"
      ? { kind: "room-close", event: "ROOM_CLOSED", room: key, message, archive: false }
      : { kind: "room-post", event: "ROOM_MESSAGE", room: key, message },
  );
}
