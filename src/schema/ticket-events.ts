// The live feed of case changes. A client that reconnects passes the cursor of the last
// event it saw and first gets what it missed, from the audit table, then the live feed,
// with nothing lost or repeated at the seam.
import { GraphQLError } from "graphql";
import type { Context } from "../context.js";
import { visibleTicketsWhere } from "../domain/access.js";
import type { TicketEventMessage } from "../realtime/pubsub.js";
import { TICKET_FACTS } from "../realtime/publish.js";
import { liveStream, wantedBy, type LiveFilter } from "../realtime/streams.js";
import { decodeId } from "../resolvers/ids.js";
import { builder } from "./builder.js";
import { PriorityEnum, TicketStatusEnum } from "./enums.js";

const TicketEventFilter = builder.inputType("TicketEventFilter", {
  description: "Which changes to receive; omitted fields match every case the viewer may see.",
  fields: (t) => ({
    teamId: t.id({ description: "Only cases of this team." }),
    ticketId: t.id({ description: "Only this case." }),
    statuses: t.field({ type: [TicketStatusEnum], description: "Only cases now in these statuses." }),
    priorities: t.field({ type: [PriorityEnum], description: "Only cases of these priorities." }),
    assigneeId: t.id({ description: "Only cases assigned to this person." }),
  }),
});

/** Replayed in pages of this many events. */
const REPLAY_PAGE = 500;

/** `live` is subscribed before the backlog is read, so events committed meanwhile wait in it. */
async function* ticketEventStream(
  ctx: Context,
  live: AsyncIterable<TicketEventMessage>,
  filter: LiveFilter,
  after: bigint | null,
): AsyncGenerator<TicketEventMessage> {
  const replayed = new Set<string>();
    for (let cursor = after; cursor !== null; ) {
      const rows = await ctx.prisma.ticketEvent.findMany({
        where: { seq: { gt: cursor }, ticket: visibleTicketsWhere(ctx.viewer!) },
        orderBy: { seq: "asc" },
        take: REPLAY_PAGE,
        select: { seq: true, ticketId: true, type: true, ticket: { select: TICKET_FACTS } },
      });
      for (const { ticket: { id: _id, ...facts }, ...row } of rows) {
        const message = { seq: row.seq.toString(), ticketId: row.ticketId, type: row.type, facts };
        replayed.add(message.seq);
        if (wantedBy(ctx.viewer, row.ticketId, facts, filter)) yield message;
      }
      cursor = rows.length === REPLAY_PAGE ? rows.at(-1)!.seq : null;
    }
    for await (const message of live) {
      // Events that committed during the replay arrive here too; deliver each once.
      if (replayed.delete(message.seq)) continue;
      if (wantedBy(ctx.viewer, message.ticketId, message.facts, filter)) yield message;
    }
}

function parseCursor(after: string | null | undefined): bigint | null {
  if (after === null || after === undefined) return null;
  if (!/^\d{1,19}$/.test(after)) {
    throw new GraphQLError('"after" must be the cursor of a TicketEvent', { extensions: { code: "VALIDATION", field: "after" } });
  }
  return BigInt(after);
}

builder.subscriptionField("ticketEvents", (t) =>
  t.prismaField({
    type: "TicketEvent",
    description:
      "Every change to a case the viewer may see, as it commits. With `after`, first replays the events since that cursor.",
    authScopes: { scope: "tickets:read" },
    args: {
      filter: t.arg({ type: TicketEventFilter, description: "Which changes." }),
      after: t.arg.string({ description: "Cursor of the last event received; missed events are replayed first." }),
    },
    subscribe: (_root, { filter, after }, ctx) => {
      const id = (value: string | number | null | undefined, field: string, type: string) =>
        value === null || value === undefined ? null : decodeId(`filter.${field}`, String(value), type);
      const wantedEvents: LiveFilter = {
        teamId: id(filter?.teamId, "teamId", "Team"),
        ticketId: id(filter?.ticketId, "ticketId", "Ticket"),
        assigneeId: id(filter?.assigneeId, "assigneeId", "User"),
        statuses: filter?.statuses ?? null,
        priorities: filter?.priorities ?? null,
      };
      const cursor = parseCursor(after);
      return liveStream(ctx, "ticket-event", (live) => ticketEventStream(ctx, live, wantedEvents, cursor));
    },
    resolve: (query, message: TicketEventMessage, _args, ctx) =>
      ctx.realtime.cache.get(`event:${message.seq}:${JSON.stringify(query)}`, () =>
        ctx.prisma.ticketEvent.findUniqueOrThrow({ ...query, where: { seq: BigInt(message.seq) } }),
      ),
  }),
);
