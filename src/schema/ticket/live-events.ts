// The live feed of case changes, in commit order (TicketEvent.position). A client that
// reconnects passes the cursor of the last event it saw and first gets what it missed, from
// the audit table, then the live feed, with nothing lost or repeated at the seam or later.
import { GraphQLError } from "graphql";
import type { Context } from "../../context.js";
import { type CommentAccessFacts, canSeeEvent, visibleTicketsWhere } from "../../domain/access.js";
import { TICKET_FACTS } from "../../realtime/publish.js";
import type { TicketEventMessage, TicketFacts } from "../../realtime/pubsub.js";
import { type LiveFilter, liveStream, wantedBy } from "../../realtime/streams.js";
import { decodeId } from "../../resolvers/ids.js";
import { builder } from "../builder.js";
import { PriorityEnum, TicketStatusEnum } from "../enums.js";

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

const EVENT_ROW = {
  seq: true,
  position: true,
  ticketId: true,
  type: true,
  ticket: { select: TICKET_FACTS },
  // Who may read the held reply a review event is about (canSeeEvent).
  comment: { select: { reviewState: true, authorId: true, author: { select: { mentorId: true } } } },
} as const;

type EventRow = {
  seq: bigint;
  position: bigint | null;
  ticketId: string;
  type: string;
  ticket: TicketFacts & { id: string };
  comment: { reviewState: CommentAccessFacts["reviewState"]; authorId: string | null; author: { mentorId: string | null } | null } | null;
};

const messageOf = ({ ticket: { id: _id, ...facts }, comment, ...row }: EventRow): TicketEventMessage => ({
  seq: row.seq.toString(),
  position: row.position!.toString(),
  ticketId: row.ticketId,
  type: row.type,
  facts,
  comment: comment && { reviewState: comment.reviewState, authorId: comment.authorId, authorMentorId: comment.author?.mentorId ?? null },
});

/** The highest position committed so far: every event at or below it is in the table. */
async function visibleUpTo(ctx: Context): Promise<bigint> {
  const { _max } = await ctx.prisma.ticketEvent.aggregate({ _max: { position: true } });
  return _max.position ?? 0n;
}

/**
 * Every event in positions (from, to], whoever may see it, in order: what a stream has not
 * heard of when a later position arrives first. Subscribers of one instance hear the same
 * messages in the same order, so they ask for the same ranges and share one read.
 */
async function* eventsBetween(ctx: Context, from: bigint, to: bigint): AsyncGenerator<TicketEventMessage> {
  for (let cursor = from; cursor < to; ) {
    const start = cursor;
    const rows = await ctx.realtime.cache.get(`events:${start}:${to}`, () =>
      ctx.prisma.ticketEvent.findMany({
        where: { position: { gt: start, lte: to } },
        orderBy: { position: "asc" },
        take: REPLAY_PAGE,
        select: EVENT_ROW,
      }),
    );
    for (const row of rows) yield messageOf(row);
    cursor = rows.length === REPLAY_PAGE ? rows.at(-1)!.position! : to;
  }
}

/**
 * The stream of one subscription, in position order, never past an event it has not
 * delivered or ruled out. `live` is subscribed before anything is read, so events
 * committed meanwhile wait in it.
 *
 * `last` is the position up to which every event has been delivered or was not for this
 * subscriber. It starts at the highest committed position (after the replay from `after`,
 * when given), so a live-only stream promises what commits after it began. A live
 * message at `last + 1` is delivered at once; one further ahead means earlier positions
 * were published late or not at all (another instance, Redis away, a slow publisher), and
 * since every position below a visible one is already in the table, the range is read
 * from there. Messages at or below `last` were delivered (or ruled out) already.
 */
async function* ticketEventStream(
  ctx: Context,
  live: AsyncIterable<TicketEventMessage>,
  filter: LiveFilter,
  after: bigint | null,
): AsyncGenerator<TicketEventMessage> {
  const wanted = (message: TicketEventMessage) =>
    wantedBy(ctx.viewer, message.ticketId, message.facts, filter) && canSeeEvent(ctx.viewer, message, message.facts);
  const upTo = await visibleUpTo(ctx);
  for (let cursor = after; cursor !== null && cursor < upTo; ) {
    const rows = await ctx.prisma.ticketEvent.findMany({
      where: { position: { gt: cursor, lte: upTo }, ticket: visibleTicketsWhere(ctx.viewer!) },
      orderBy: { position: "asc" },
      take: REPLAY_PAGE,
      select: EVENT_ROW,
    });
    for (const message of rows.map(messageOf)) if (wanted(message)) yield message;
    cursor = rows.length === REPLAY_PAGE ? rows.at(-1)!.position : null;
  }
  let last = after !== null && after > upTo ? after : upTo;
  /** The highest position yielded (a live-only stream may yield some at or below its start). */
  let yielded = after ?? 0n;
  for await (const message of live) {
    const position = BigInt(message.position);
    if (position <= last) {
      // Committed before this stream's start was read, but heard after it began listening
      // (the subscriber's own write, say): a live-only stream passes it on while that keeps
      // the order; a resumed stream had it in its replay.
      if (after === null && position > yielded && wanted(message)) yield message;
      yielded = position > yielded ? position : yielded;
      continue;
    }
    if (position === last + 1n) {
      if (wanted(message)) yield message;
    } else {
      for await (const missed of eventsBetween(ctx, last, position)) if (wanted(missed)) yield missed;
    }
    last = yielded = position;
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
    description: "Every change to a case the viewer may see, as it commits. With `after`, first replays the events since that cursor.",
    authScopes: { scope: "tickets:read" },
    args: {
      filter: t.arg({ type: TicketEventFilter, description: "Which changes." }),
      after: t.arg.string({ description: "Cursor of the last event received; missed events are replayed first." }),
    },
    subscribe: (_root, { filter, after }, ctx) => {
      const id = (value: string | null | undefined, field: string, type: string) =>
        value === null || value === undefined ? null : decodeId(`filter.${field}`, value, type);
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
