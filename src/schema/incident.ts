// Incidents: declared by anyone, run by their responders, resolved once, followed live.
import { hasScope, timelineBody } from "../domain/access.js";
import type { IncidentEventMessage } from "../realtime/pubsub.js";
import { liveStream } from "../realtime/streams.js";
import { decodeId } from "../resolvers/ids.js";
import { declareIncident, linkTicketToIncident, postIncidentUpdate, resolveIncident } from "../resolvers/incidents.js";
import { ticketListWhere } from "../resolvers/tickets/reads.js";
import { builder, maxPageSize, totalCountField } from "./builder.js";
import { commonErrors, ticketWriteErrors } from "./errors.js";
import { TeamRef } from "./team.js";
import { ActorRef, actorFrom } from "./ticket/actor.js";
import { changedTicketField } from "./ticket/payloads.js";
import { UserRef } from "./user.js";

const IncidentStatusEnum = builder.enumType("IncidentStatus", {
  description: "Whether an incident is still going on.",
  values: { OPEN: { description: "Being worked on." }, RESOLVED: { description: "Over; resolved once." } } as const,
});

const IncidentUpdateKindEnum = builder.enumType("IncidentUpdateKind", {
  description: "What a timeline entry records.",
  values: {
    DECLARED: { description: "The incident was declared; names the teams and who is on call." },
    UPDATE: { description: "A status update from a responder." },
    TICKET_LINKED: { description: "A case was linked to the incident." },
    RESPONDER_ADDED: { description: "Someone joined the responders." },
    RESOLVED: { description: "The incident was resolved, with its summary." },
  } as const,
});

const authorSelect = { author: { select: { id: true, name: true } }, authorTokenId: true } as const;
/** What decides whether the reader may see an entry's case (canSeeTicket). */
const entryTicketSelect = { ticket: { select: { id: true, teamId: true, assigneeId: true, submittedById: true } } } as const;

builder.prismaObject("IncidentUpdate", {
  description: "One entry of an incident's timeline.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Unique id." }),
    kind: t.field({ type: IncidentUpdateKindEnum, description: "What it records.", resolve: (u) => u.kind }),
    body: t.string({
      description: "What was said. An entry about a case the reader may not see says only that a case was linked.",
      select: { body: true, ...entryTicketSelect },
      resolve: (u, _args, ctx) => timelineBody(ctx.viewer, u),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When." }),
    author: t.field({
      type: ActorRef,
      description: "Who wrote it.",
      select: authorSelect,
      resolve: async (u, _args, ctx) =>
        actorFrom(
          u.author,
          u.authorTokenId ? await ctx.prisma.apiToken.findUnique({ where: { id: u.authorTokenId }, select: { name: true } }) : null,
        ),
    }),
  }),
});

/** As the incident list: people, and tokens that read cases. */
const canReadIncidents = { scope: "tickets:read" } as const;

builder.prismaNode("Incident", {
  description: "One problem causing many cases, with its responders and timeline.",
  id: { field: "id" },
  authScopes: canReadIncidents,
  fields: (t) => ({
    title: t.exposeString("title", { description: "What is broken." }),
    severity: t.exposeInt("severity", { description: "0 (trivial) to 4 (major, customer-facing); 3 and 4 alert managers." }),
    summary: t.exposeString("summary", { nullable: true, description: "What is known." }),
    status: t.field({ type: IncidentStatusEnum, description: "Open or resolved.", resolve: (i) => i.status }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was declared." }),
    resolvedAt: t.expose("resolvedAt", { type: "DateTime", nullable: true, description: "When it was resolved." }),
    declaredBy: t.field({
      type: ActorRef,
      description: "Who declared it.",
      select: { declaredBy: { select: { id: true, name: true } }, declaredByTokenId: true },
      resolve: async (i, _args, ctx) =>
        actorFrom(
          i.declaredBy,
          i.declaredByTokenId ? await ctx.prisma.apiToken.findUnique({ where: { id: i.declaredByTokenId }, select: { name: true } }) : null,
        ),
    }),
    teams: t.field({
      type: [TeamRef],
      description: "Affected teams, by name.",
      select: { teams: { select: { team: true }, orderBy: { team: { name: "asc" } } } },
      resolve: (i) => i.teams.map((t) => t.team),
    }),
    responders: t.field({
      type: [UserRef],
      description: "People working it: the declarer and the on-call people of the affected teams.",
      select: { responders: { select: { user: true }, orderBy: { user: { name: "asc" } } } },
      resolve: (i) => i.responders.map((r) => r.user),
    }),
    timeline: t.relation("updates", {
      description: "Every entry, oldest first.",
      query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    }),
    tickets: t.relation("tickets", {
      description: "Linked cases the viewer may see, newest first.",
      query: (_args, ctx) => ({ where: ticketListWhere(ctx.viewer!, null), orderBy: { createdAt: "desc" }, take: 100 }),
    }),
  }),
});

builder.queryField("incidents", (t) =>
  t.prismaConnection(
    {
      type: "Incident",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 20,
      description: "Incidents, newest first. Any signed-in person or token with tickets:read.",
      authScopes: { scope: "tickets:read" },
      args: { status: t.arg({ type: IncidentStatusEnum, description: "Only open or only resolved ones." }) },
      totalCount: (_c, args, ctx) => ctx.prisma.incident.count({ where: args.status ? { status: args.status } : {} }),
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.incident.findMany({
          ...query,
          where: args.status ? { status: args.status } : {},
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        }),
    },
    { name: "IncidentConnection", description: "A page of incidents.", fields: totalCountField("incidents") },
    { name: "IncidentEdge", description: "An incident and its cursor." },
  ),
);

const IncidentPayload = builder.objectRef<{ incidentId: string }>("IncidentPayload").implement({
  description: "The incident after the change.",
  fields: (t) => ({
    incident: t.prismaField({
      type: "Incident",
      description: "The incident.",
      resolve: (query, { incidentId }, _a, ctx) => ctx.prisma.incident.findUniqueOrThrow({ ...query, where: { id: incidentId } }),
    }),
  }),
});

const LinkTicketToIncidentPayload = builder.objectRef<{ incidentId: string; ticketId: string }>("LinkTicketToIncidentPayload").implement({
  description: "The linked case and its incident.",
  fields: (t) => ({
    ticket: changedTicketField(t),
    incident: t.prismaField({
      type: "Incident",
      description: "The incident.",
      resolve: (query, { incidentId }, _a, ctx) => ctx.prisma.incident.findUniqueOrThrow({ ...query, where: { id: incidentId } }),
    }),
  }),
});

const DeclareIncidentInput = builder.inputType("DeclareIncidentInput", {
  description: "A new incident.",
  fields: (t) => ({
    title: t.string({ required: true, description: "What is broken (≤ 200 characters)." }),
    severity: t.int({ required: true, description: "0 (trivial) to 4 (major, customer-facing)." }),
    teamIds: t.idList({ required: true, description: "Affected teams; their on-call people become responders." }),
    summary: t.string({ description: "What is known so far." }),
  }),
});

const LinkTicketToIncidentInput = builder.inputType("LinkTicketToIncidentInput", {
  description: "A case caused by an incident.",
  fields: (t) => ({
    ticketId: t.id({ required: true, description: "The case." }),
    incidentId: t.id({ required: true, description: "The open incident." }),
    expectedVersion: t.int({ description: "The case version the change is based on." }),
  }),
});

const PostIncidentUpdateInput = builder.inputType("PostIncidentUpdateInput", {
  description: "A status update.",
  fields: (t) => ({
    incidentId: t.id({ required: true, description: "The open incident." }),
    body: t.string({ required: true, description: "What changed (≤ 5,000 characters)." }),
  }),
});

const ResolveIncidentInput = builder.inputType("ResolveIncidentInput", {
  description: "The end of an incident.",
  fields: (t) => ({
    incidentId: t.id({ required: true, description: "The open incident." }),
    summary: t.string({ required: true, description: "What happened and what fixed it." }),
  }),
});

builder.mutationFields((t) => ({
  declareIncident: t.field({
    type: IncidentPayload,
    description: "Declares an incident. Anyone signed in (tokens need tickets:write); severity 3-4 alerts managers.",
    authScopes: { authenticated: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: DeclareIncidentInput, required: true, description: "The incident." }) },
    resolve: (_root, { input }, ctx) => declareIncident(ctx, { ...input, teamIds: input.teamIds.map(String) }),
  }),
  linkTicketToIncident: t.field({
    type: LinkTicketToIncidentPayload,
    description: "Links a case to an open incident. Whoever may change the case.",
    authScopes: { scope: "tickets:write" },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: LinkTicketToIncidentInput, required: true, description: "The link." }) },
    resolve: (_root, { input }, ctx) => linkTicketToIncident(ctx, input),
  }),
  postIncidentUpdate: t.field({
    type: IncidentPayload,
    description: "Adds a status update to the timeline. Responders, members of the affected teams, supervisors and up.",
    authScopes: { scope: "tickets:write" },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: PostIncidentUpdateInput, required: true, description: "The update." }) },
    resolve: (_root, { input }, ctx) => postIncidentUpdate(ctx, input),
  }),
  resolveIncident: t.field({
    type: IncidentPayload,
    description: "Resolves an incident, once. Responders, members of the affected teams, supervisors and up.",
    authScopes: { scope: "tickets:write" },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: ResolveIncidentInput, required: true, description: "The resolution." }) },
    resolve: (_root, { input }, ctx) => resolveIncident(ctx, input),
  }),
}));

// ─── live ───────────────────────────────────────────────────────────────────

builder.subscriptionField("incidentEvents", (t) =>
  t.prismaField({
    type: "IncidentUpdate",
    description: "Every new timeline entry of every incident (or of one), as it commits.",
    authScopes: { scope: "tickets:read" },
    args: { incidentId: t.arg.id({ description: "Only this incident." }) },
    subscribe: (_root, args, ctx) => {
      const only = args.incidentId ? decodeId("incidentId", args.incidentId, "Incident") : null;
      async function* updates(live: AsyncIterable<IncidentEventMessage>) {
        for await (const event of live) {
          if ((!only || event.incidentId === only) && hasScope(ctx.viewer, "tickets:read")) yield event;
        }
      }
      return liveStream(ctx, "incident-event", updates);
    },
    resolve: (query, event: IncidentEventMessage, _args, ctx) =>
      ctx.realtime.cache.get(`incident:${event.updateId}:${JSON.stringify(query)}`, () =>
        ctx.prisma.incidentUpdate.findUniqueOrThrow({ ...query, where: { id: event.updateId } }),
      ),
  }),
);

builder.prismaObjectField("IncidentUpdate", "incident", (t) => t.relation("incident", { description: "The incident." }));

builder.prismaObjectField("Ticket", "incident", (t) =>
  t.relation("incident", { nullable: true, description: "The incident that caused the case, when linked." }),
);
