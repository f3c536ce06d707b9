// Swarming: the case owner pulls in experts from anywhere to discuss a hard case in a
// thread of its own; the owner stays responsible for the case. The expert finder ranks
// who to ask.

import { z } from "zod";
import type { Context } from "../context.js";
import { actsForTeam, canSeeTicket, hasRole, type Viewer } from "../domain/access.js";
import type { OpeningWindow } from "../domain/business-time.js";
import { commentBody, parseInput, reason as reasonText, tagName } from "../domain/input.js";
import { rankExperts } from "../domain/people.js";
import { redactionsIn } from "../domain/privacy.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import { openCasesOf } from "./assignment.js";
import { recordEvent } from "./audit.js";
import { writeComment } from "./comments.js";
import { decodeId } from "./ids.js";
import { swarmClosedInSlack, swarmJoinedInSlack, swarmMessageInSlack, swarmStartedInSlack } from "./slack/rooms.js";
import { addCommentRow } from "./ticket-rows.js";
import { loadForWrite, type Write, write } from "./write-frame.js";

export const skillList = z
  .array(tagName)
  .max(10, "at most 10 skills")
  .transform((s) => [...new Set(s)]);

function personOf(viewer: Viewer): string {
  if (viewer.kind !== "user") throw new ForbiddenError("Swarms are for people; API tokens cannot take part");
  return viewer.userId;
}

async function loadSwarm(w: Write, globalId: string) {
  const swarm = await w.tx.swarm.findUnique({
    where: { id: decodeId("input.swarmId", globalId, "Swarm") },
    include: { ticket: { select: { id: true, number: true, teamId: true, assigneeId: true, submittedById: true } }, members: true },
  });
  if (!swarm) throw new NotFoundError("Swarm", globalId);
  return swarm;
}

type LoadedSwarm = Awaited<ReturnType<typeof loadSwarm>>;

const isMember = (swarm: LoadedSwarm, userId: string) => swarm.members.some((m) => m.userId === userId && m.leftAt === null);

/** The owner and supervisors run a swarm; members and the case's team take part. */
function mayRun(viewer: Viewer, swarm: LoadedSwarm) {
  return (
    viewer.kind === "user" && (swarm.ownerId === viewer.userId || (hasRole(viewer, "SUPERVISOR") && canSeeTicket(viewer, swarm.ticket)))
  );
}

function assertOpen(swarm: LoadedSwarm) {
  if (swarm.status !== "OPEN") throw ValidationError.of("input.swarmId", "the swarm is closed");
}

export function startSwarm(ctx: Context, args: { ticketId: string; reason: string; skills: string[] }) {
  const why = parseInput(reasonText, args.reason, "input.reason");
  const skills = parseInput(
    skillList.refine((s) => s.length > 0, "name at least one skill"),
    args.skills,
    "input.skills",
  );
  return write(ctx, async (w) => {
    const me = personOf(w.viewer);
    const ticket = await loadForWrite(w, args.ticketId, null, "input.ticketId");
    // The owner opens it: the assignee, or, for an unassigned case, a member or supervisor of its team.
    const mayOpen = ticket.assigneeId
      ? ticket.assigneeId === me || hasRole(w.viewer, "SUPERVISOR")
      : actsForTeam(w.viewer, ticket.teamId) || hasRole(w.viewer, "SUPERVISOR");
    if (!mayOpen) throw new ForbiddenError("The case's assignee (or a supervisor) opens its swarm");
    if (await w.tx.swarm.findFirst({ where: { ticketId: ticket.id, status: "OPEN" }, select: { id: true } })) {
      throw ValidationError.of("input.ticketId", "the case already has an open swarm");
    }
    const ownerId = ticket.assigneeId ?? me;
    const swarm = await w.tx.swarm.create({
      data: {
        ticketId: ticket.id,
        ownerId,
        reason: why,
        skills,
        createdAt: w.now,
        members: { create: { userId: ownerId, joinedAt: w.now } },
      },
      select: { id: true },
    });
    await recordEvent(w.tx, w.viewer, ticket.id, w.now, {
      type: "SWARM_STARTED",
      after: { swarmId: swarm.id, skills, ...redactionsIn(why) },
      note: why,
    });
    await swarmStartedInSlack(w, swarm.id);
    return { swarmId: swarm.id, ticketId: ticket.id };
  });
}

export function joinSwarm(ctx: Context, args: { swarmId: string }) {
  return write(ctx, async (w) => {
    const me = personOf(w.viewer);
    const swarm = await loadSwarm(w, args.swarmId);
    assertOpen(swarm);
    if (isMember(swarm, me)) throw ValidationError.of("input.swarmId", "you are already in this swarm");
    await w.tx.swarmMember.upsert({
      where: { swarmId_userId: { swarmId: swarm.id, userId: me } },
      create: { swarmId: swarm.id, userId: me, joinedAt: w.now },
      update: { joinedAt: w.now, leftAt: null },
    });
    await swarmJoinedInSlack(w, swarm.id, me);
    return { swarmId: swarm.id, ticketId: swarm.ticketId };
  });
}

export function leaveSwarm(ctx: Context, args: { swarmId: string }) {
  return write(ctx, async (w) => {
    const me = personOf(w.viewer);
    const swarm = await loadSwarm(w, args.swarmId);
    assertOpen(swarm);
    if (!isMember(swarm, me)) throw ValidationError.of("input.swarmId", "you are not in this swarm");
    if (swarm.ownerId === me) throw ValidationError.of("input.swarmId", "the owner closes the swarm rather than leaving it");
    await w.tx.swarmMember.update({ where: { swarmId_userId: { swarmId: swarm.id, userId: me } }, data: { leftAt: w.now } });
    return { swarmId: swarm.id, ticketId: swarm.ticketId };
  });
}

export function closeSwarm(ctx: Context, args: { swarmId: string; summary?: string | null }) {
  const summary = args.summary ? parseInput(commentBody, args.summary, "input.summary") : null;
  return write(ctx, async (w) => {
    const swarm = await loadSwarm(w, args.swarmId);
    if (!mayRun(w.viewer, swarm)) throw new ForbiddenError("The swarm's owner or a supervisor closes it");
    assertOpen(swarm);
    await w.tx.swarm.update({ where: { id: swarm.id }, data: { status: "CLOSED", closedAt: w.now } });
    if (summary)
      await addCommentRow(w.tx, w.viewer, {
        ticketId: swarm.ticketId,
        at: w.now,
        body: summary,
        visibility: "INTERNAL",
        kind: "NOTE",
        swarmId: swarm.id,
      });
    await recordEvent(w.tx, w.viewer, swarm.ticketId, w.now, {
      type: "SWARM_CLOSED",
      after: { swarmId: swarm.id, ...redactionsIn(summary) },
      note: summary,
    });
    await swarmClosedInSlack(w, swarm.id, swarm.ticketId, summary);
    return { swarmId: swarm.id, ticketId: swarm.ticketId };
  });
}

/** A message in the swarm's thread: an internal comment on the case, tagged to the swarm. */
export function postSwarmMessage(ctx: Context, args: { swarmId: string; body: string }) {
  const body = parseInput(commentBody, args.body, "input.body");
  return write(ctx, async (w) => {
    const me = personOf(w.viewer);
    const swarm = await loadSwarm(w, args.swarmId);
    if (!isMember(swarm, me) && !mayRun(w.viewer, swarm)) throw new ForbiddenError("Join the swarm to take part in its thread");
    assertOpen(swarm);
    const row = await writeComment(w, swarm.ticketId, body, "INTERNAL", "NOTE", {}, swarm.id);
    await swarmMessageInSlack(w, swarm.id, body);
    return { swarmId: swarm.id, ticketId: swarm.ticketId, commentId: row.id };
  });
}

/** Colleagues ranked for a case: skill match, availability, load, with the parts of each score. */
export async function findExperts(ctx: Context, args: { ticketId: string; skills?: string[] | null; first?: number | null }) {
  const viewer = ctx.viewer!;
  const id = decodeId("ticketId", args.ticketId, "Ticket");
  const first = args.first ?? 10;
  if (!Number.isInteger(first) || first < 1 || first > 50) throw ValidationError.of("first", "must be 1-50");
  const ticket = await ctx.prisma.ticket.findUnique({
    where: { id },
    select: {
      id: true,
      teamId: true,
      assigneeId: true,
      submittedById: true,
      swarms: { where: { status: "OPEN" }, select: { skills: true } },
      tags: { select: { tag: { select: { name: true } } } },
    },
  });
  if (!ticket || !canSeeTicket(viewer, ticket)) throw new NotFoundError("Ticket", args.ticketId);
  // Asked-for skills, else the open swarm's, else the case's tags.
  const skills = args.skills?.length
    ? parseInput(skillList, args.skills, "skills")
    : (ticket.swarms[0]?.skills ?? ticket.tags.map((t) => t.tag.name));
  if (!skills.length) throw ValidationError.of("skills", "name the skills to look for (the case has no swarm or tags to take them from)");
  const people = await ctx.prisma.user.findMany({
    where: { active: true, skills: { some: { skill: { in: skills } } } },
    select: {
      id: true,
      name: true,
      availability: true,
      timeZone: true,
      workingHours: true,
      skills: { select: { skill: true, level: true } },
    },
  });
  const ids = people.map((p) => p.id);
  const [openBy, swarming] = await Promise.all([
    openCasesOf(ctx.prisma, ids),
    ctx.prisma.swarmMember.groupBy({
      by: ["userId"],
      where: { userId: { in: ids }, leftAt: null, swarm: { status: "OPEN" } },
      _count: { _all: true },
    }),
  ]);
  const swarmsBy = new Map(swarming.map((s) => [s.userId, s._count._all]));
  const ranked = rankExperts(
    people.map((p) => ({
      ...p,
      workingHours: p.workingHours as unknown as OpeningWindow[],
      skills: new Map(p.skills.map((s) => [s.skill, s.level])),
      openCases: openBy.get(p.id) ?? 0,
      activeSwarms: swarmsBy.get(p.id) ?? 0,
    })),
    skills,
    ctx.clock.now(),
  );
  return ranked.slice(0, first);
}
