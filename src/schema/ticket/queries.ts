// Finding cases: by global id, by number, and filtered, sorted lists. Every condition is
// narrowed to what the viewer may see (src/resolvers/tickets/reads.ts).
import { decodeId } from "../../resolvers/ids.js";
import { TICKET_ORDER, ticketListWhere, visibleTicketWhere } from "../../resolvers/tickets/reads.js";
import { builder, maxPageSize, totalCountField } from "../builder.js";
import { ChannelEnum, PriorityEnum, TicketStatusEnum, TicketTypeEnum } from "../enums.js";

const TicketFilter = builder.inputType("TicketFilter", {
  description: "Conditions that all must hold. Lists match any of their values.",
  fields: (t) => ({
    status: t.field({ type: [TicketStatusEnum], description: "In any of these statuses." }),
    teamId: t.id({ description: "Owned by this team." }),
    assigneeId: t.id({ description: "Assigned to this person." }),
    priority: t.field({ type: [PriorityEnum], description: "Of any of these priorities." }),
    channel: t.field({ type: [ChannelEnum], description: "From any of these channels." }),
    type: t.field({ type: [TicketTypeEnum], description: "Of any of these types." }),
    tag: t.string({ description: "Carrying this tag." }),
    search: t.string({ description: "Exact number, account ID or external ref, or words of the title or description." }),
    createdAfter: t.field({ type: "DateTime", description: "Created at or after this instant." }),
    createdBefore: t.field({ type: "DateTime", description: "Created before this instant." }),
    practice: t.boolean({
      description: "true: only practice cases (training); false: only real cases; omitted: both.",
    }),
  }),
});

const TicketOrder = builder.enumType("TicketOrder", {
  description: "Sort order of a case list.",
  values: {
    NEWEST: { description: "Most recently created first (default)." },
    OLDEST: { description: "Oldest first." },
    RECENTLY_UPDATED: { description: "Most recently changed first." },
    PRIORITY: { description: "HIGH first, then oldest." },
    DUE_SOONEST: { description: "Earliest due date first; cases without one last." },
  } as const,
});

builder.queryFields((t) => ({
  ticket: t.prismaField({
    type: "Ticket",
    nullable: true,
    description: "A case by global id; null when it does not exist or is hidden from the viewer.",
    authScopes: { scope: "tickets:read" },
    args: { id: t.arg.id({ required: true, description: "The case's global id." }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.prisma.ticket.findFirst({ ...query, where: visibleTicketWhere(ctx.viewer!, { id: decodeId("id", id, "Ticket") }) }),
  }),
  ticketByNumber: t.prismaField({
    type: "Ticket",
    nullable: true,
    description: "A case by its number, e.g. WX-20231025-001.",
    authScopes: { scope: "tickets:read" },
    args: { number: t.arg.string({ required: true, description: "The case number." }) },
    resolve: (query, _root, { number }, ctx) =>
      ctx.prisma.ticket.findFirst({ ...query, where: visibleTicketWhere(ctx.viewer!, { number: number.trim().toUpperCase() }) }),
  }),
  tickets: t.prismaConnection(
    {
      type: "Ticket",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 20,
      description: "Cases the viewer may see, filtered and sorted. At most 100 per page.",
      authScopes: { scope: "tickets:read" },
      args: {
        filter: t.arg({ type: TicketFilter, description: "Which cases." }),
        orderBy: t.arg({ type: TicketOrder, defaultValue: "NEWEST", description: "Sort order." }),
      },
      totalCount: (_connection, { filter }, ctx) => ctx.prisma.ticket.count({ where: ticketListWhere(ctx.viewer!, filter) }),
      resolve: (query, _root, { filter, orderBy }, ctx) =>
        ctx.prisma.ticket.findMany({
          ...query,
          relationLoadStrategy: "join",
          where: ticketListWhere(ctx.viewer!, filter),
          orderBy: [...TICKET_ORDER[orderBy ?? "NEWEST"]] as never,
        }),
    },
    {
      name: "TicketConnection",
      description: "A page of cases.",
      fields: totalCountField("cases"),
    },
    { name: "TicketEdge", description: "A case and its cursor." },
  ),
}));
