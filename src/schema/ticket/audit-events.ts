// A case's audit trail: the TicketEvent type, one immutable entry per change. The live
// feed of these events is ./live-events.ts.
import { TICKET_EVENT_TYPES } from "../../resolvers/audit.js";
import { builder } from "../builder.js";
import { TicketStatusEnum } from "../enums.js";
import { ActorRef } from "./actor.js";

export const TicketEventTypeEnum = builder.enumType("TicketEventType", {
  description: "What kind of change an audit event records.",
  values: Object.fromEntries(Object.entries(TICKET_EVENT_TYPES).map(([k, description]) => [k, { description }])) as {
    [K in keyof typeof TICKET_EVENT_TYPES]: { description: string };
  },
});

const statusIn = (json: unknown) =>
  json && typeof json === "object" && "status" in json ? ((json as { status: string }).status as never) : null;

builder.prismaObject("TicketEvent", {
  description: "One immutable entry of a case's audit trail.",
  fields: (t) => ({
    cursor: t.string({
      description: "Position in the global event order; pass it as `after` to resume from here.",
      // The commit-order position (set at commit, so every committed event has one).
      resolve: (e) => {
        if (e.position === null) throw new Error(`TicketEvent ${e.seq} has no position yet`);
        return e.position.toString();
      },
    }),
    type: t.field({ type: TicketEventTypeEnum, description: "What changed.", resolve: (e) => e.type as never }),
    at: t.expose("at", { type: "DateTime", description: "When." }),
    actor: t.field({
      type: ActorRef,
      description: "Who.",
      select: { actorKind: true, actorUser: { select: { id: true, name: true } }, actorToken: { select: { name: true } } },
      resolve: (e) => ({ kind: e.actorKind, user: e.actorUser, tokenName: e.actorToken?.name ?? null }),
    }),
    fromStatus: t.field({
      type: TicketStatusEnum,
      nullable: true,
      description: "Status before a move.",
      resolve: (e) => statusIn(e.before),
    }),
    toStatus: t.field({ type: TicketStatusEnum, nullable: true, description: "Status after a move.", resolve: (e) => statusIn(e.after) }),
    before: t.expose("before", { type: "JSON", nullable: true, description: "The changed fields' values before." }),
    after: t.expose("after", { type: "JSON", nullable: true, description: "The changed fields' values after." }),
    note: t.exposeString("note", { nullable: true, description: "The reason or note given with the change." }),
    ticket: t.relation("ticket", { description: "The case." }),
  }),
});
