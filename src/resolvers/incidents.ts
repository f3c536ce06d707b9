// Incidents: one problem causing many cases. Declaring one pulls in the on-call people
// of the affected teams; its timeline keeps every update; it is resolved once.
import { z } from "zod";
import type { Context } from "../context.js";
import { publishAfterCommit } from "../db/transaction.js";
import { actsForTeam, hasRole, hasScope, type Viewer } from "../domain/access.js";
import { freeText, parseInput, summary as summaryText } from "../domain/input.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import type { IncidentUpdateKind } from "../generated/prisma/enums.js";
import { raiseAlert } from "../realtime/alerts.js";
import { recordEvent } from "./audit.js";
import { decodeId, decodeIds } from "./ids.js";
import { enqueueIncidentSlack } from "./slack/enqueue.js";
import { incidentTimelineInSlack } from "./slack/rooms.js";
import { saveTicket } from "./ticket-rows.js";
import { enqueueIncidentWebhooks } from "./webhooks/enqueue.js";
import { loadForWrite, type Write, write } from "./write-frame.js";

/** Incidents of this severity and above alert managers. */
export const MAJOR_SEVERITY = 3;

const author = (viewer: Viewer) => ({
  authorId: viewer.kind === "user" ? viewer.userId : null,
  authorTokenId: viewer.kind === "token" ? viewer.tokenId : null,
});

/** An incident with who it concerns: its teams and responders. */
interface IncidentPeople {
  id: string;
  teams: { teamId: string }[];
  responders: { userId: string }[];
}

/**
 * Writes a timeline entry and announces it, to the incident's teams and responders, once
 * the write commits. An entry about a case names it in `ticketId`, so readers who may not
 * see the case are not told which (timelineBody).
 */
async function addToTimeline(w: Write, incident: IncidentPeople, kind: IncidentUpdateKind, body: string, ticketId: string | null = null) {
  const update = await w.tx.incidentUpdate.create({
    data: { incidentId: incident.id, kind, body, ticketId, createdAt: w.now, ...author(w.viewer) },
    select: { id: true },
  });
  await enqueueIncidentWebhooks(w.tx, incident.id, kind, body, w.now);
  await enqueueIncidentSlack(w.tx, incident.id, kind, body, w.now);
  await incidentTimelineInSlack(w, incident.id, kind, body);
  publishAfterCommit(w.tx, (realtime) =>
    realtime.pubsub.publish("incident-event", {
      updateId: update.id,
      incidentId: incident.id,
      kind,
      teamIds: incident.teams.map((t) => t.teamId),
      responderIds: incident.responders.map((r) => r.userId),
    }),
  );
  return update;
}

/** People who run an incident: its responders, members of its teams, supervisors and up; tokens of its teams. */
function mayRun(viewer: Viewer, incident: IncidentPeople): boolean {
  if (viewer.kind === "token") return hasScope(viewer, "tickets:write") && incident.teams.some((t) => actsForTeam(viewer, t.teamId));
  return (
    hasRole(viewer, "SUPERVISOR") ||
    incident.responders.some((r) => r.userId === viewer.userId) ||
    incident.teams.some((t) => viewer.teamIds.includes(t.teamId))
  );
}

async function loadOpenIncident(w: Write, globalId: string, field: string) {
  const incident = await w.tx.incident.findUnique({
    where: { id: decodeId(field, globalId, "Incident") },
    include: { teams: { select: { teamId: true } }, responders: { select: { userId: true } } },
  });
  if (!incident) throw new NotFoundError("Incident", globalId);
  if (incident.status === "RESOLVED") throw ValidationError.of(field, "the incident is already resolved");
  return incident;
}

const severity = (value: number, field: string) => {
  if (!Number.isInteger(value) || value < 0 || value > 4)
    throw ValidationError.of(field, "must be 0 (trivial) to 4 (major, customer-facing)");
  return value;
};

/** Title and summary are one input, so their texts are read together. */
const declaration = z.object({ title: freeText(200), summary: summaryText.nullish() });

export function declareIncident(ctx: Context, args: { title: string; severity: number; teamIds: string[]; summary?: string | null }) {
  const { title, summary } = parseInput(declaration, { title: args.title, summary: args.summary || null });
  const level = severity(args.severity, "input.severity");
  if (!args.teamIds.length) throw ValidationError.of("input.teamIds", "name at least one affected team");
  const teamIds = decodeIds("input.teamIds", args.teamIds, "Team");
  return write(ctx, async (w) => {
    const { tx, viewer, now } = w;
    if (viewer.kind === "token" && !hasScope(viewer, "tickets:write"))
      throw new ForbiddenError("Declaring an incident needs tickets:write");
    const teams = await tx.team.findMany({ where: { id: { in: teamIds } }, select: { id: true, name: true } });
    teamIds.forEach((id, i) => {
      if (!teams.some((t) => t.id === id)) throw ValidationError.of(`input.teamIds.${i}`, "names no team");
    });
    const onCall = await tx.user.findMany({
      where: { active: true, onCall: true, memberships: { some: { teamId: { in: teamIds } } } },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    });
    const responders = [
      ...new Map([...onCall, ...(viewer.kind === "user" ? [{ id: viewer.userId, name: "" }] : [])].map((u) => [u.id, u])).keys(),
    ];
    const incident = await tx.incident.create({
      data: {
        title,
        severity: level,
        summary,
        declaredById: viewer.kind === "user" ? viewer.userId : null,
        declaredByTokenId: viewer.kind === "token" ? viewer.tokenId : null,
        createdAt: now,
        updatedAt: now,
        teams: { create: teamIds.map((teamId) => ({ teamId })) },
        responders: { create: responders.map((userId) => ({ userId, addedAt: now })) },
      },
      select: { id: true },
    });
    await addToTimeline(
      w,
      { id: incident.id, teams: teamIds.map((teamId) => ({ teamId })), responders: responders.map((userId) => ({ userId })) },
      "DECLARED",
      `Declared at severity ${level} for ${teams
        .map((t) => t.name)
        .sort()
        .join(", ")}${onCall.length ? `; on call: ${onCall.map((u) => u.name).join(", ")}` : "; nobody on call in these teams"}`,
    );
    if (level >= MAJOR_SEVERITY) {
      raiseAlert(tx, {
        kind: "MAJOR_INCIDENT",
        audience: "MANAGERS",
        teamIds,
        incidentId: incident.id,
        message: `Severity ${level} incident: ${title}`,
        at: now,
      });
    }
    return { incidentId: incident.id };
  });
}

export function linkTicketToIncident(ctx: Context, args: { ticketId: string; incidentId: string; expectedVersion?: number | null }) {
  return write(ctx, async (w) => {
    const incident = await loadOpenIncident(w, args.incidentId, "input.incidentId");
    const ticket = await loadForWrite(w, args.ticketId, args.expectedVersion, "input.ticketId");
    if (ticket.incidentId === incident.id) throw ValidationError.of("input.ticketId", "is already linked to this incident");
    await saveTicket(w.tx, ticket, args.expectedVersion, { incidentId: incident.id, updatedAt: w.now });
    await recordEvent(w.tx, w.viewer, ticket.id, w.now, {
      type: "INCIDENT_LINKED",
      before: { incidentId: ticket.incidentId },
      after: { incidentId: incident.id },
      note: incident.title,
    });
    await addToTimeline(w, incident, "TICKET_LINKED", `${ticket.number} linked`, ticket.id);
    return { incidentId: incident.id, ticketId: ticket.id };
  });
}

export function postIncidentUpdate(ctx: Context, args: { incidentId: string; body: string }) {
  const body = parseInput(summaryText, args.body, "input.body");
  return write(ctx, async (w) => {
    const incident = await loadOpenIncident(w, args.incidentId, "input.incidentId");
    if (!mayRun(w.viewer, incident))
      throw new ForbiddenError("Only responders, members of the affected teams and supervisors post updates");
    await addToTimeline(w, incident, "UPDATE", body);
    await w.tx.incident.update({ where: { id: incident.id }, data: { updatedAt: w.now } });
    return { incidentId: incident.id };
  });
}

export function resolveIncident(ctx: Context, args: { incidentId: string; summary: string }) {
  const summary = parseInput(summaryText, args.summary, "input.summary");
  return write(ctx, async (w) => {
    const incident = await loadOpenIncident(w, args.incidentId, "input.incidentId");
    if (!mayRun(w.viewer, incident))
      throw new ForbiddenError("Only responders, members of the affected teams and supervisors resolve an incident");
    // Resolved once: a concurrent second resolution finds it resolved and changes nothing.
    const { count } = await w.tx.incident.updateMany({
      where: { id: incident.id, status: "OPEN" },
      data: { status: "RESOLVED", resolvedAt: w.now, updatedAt: w.now },
    });
    if (count === 0) throw ValidationError.of("input.incidentId", "the incident is already resolved");
    await addToTimeline(w, incident, "RESOLVED", summary);
    return { incidentId: incident.id };
  });
}
