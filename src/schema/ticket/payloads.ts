// What a write on a case answers: the case as it is after the write, reloaded with the
// client's selection through Pothos' `query`, so nested selections stay one SQL statement.
// Other domains' mutations on a case answer the same way.
import type { TransitionResult } from "../../resolvers/tickets/transition.js";
import type { TicketResult } from "../../resolvers/write-frame.js";
import { builder, type Types } from "../builder.js";

/**
 * The case as it is after a write, reloaded with the client's selection. The writer
 * may see it even when the write moved it out of their sight (another team).
 */
export const changedTicketField = <T extends TicketResult>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, T>) =>
  t.prismaField({
    type: "Ticket",
    description: "The case after the change.",
    grantScopes: ["writtenTicket"],
    resolve: (query, { ticketId }, _args, ctx) => ctx.prisma.ticket.findUniqueOrThrow({ ...query, where: { id: ticketId } }),
  });

/** Every ticket write's payload carries the case as it is after the write. */
export function ticketPayload(name: string, description: string) {
  return builder.objectRef<TicketResult>(name).implement({
    description,
    fields: (t) => ({ ticket: changedTicketField(t) }),
  });
}

export const TransitionTicketPayload = builder.objectRef<TransitionResult>("TransitionTicketPayload").implement({
  description: "The moved case.",
  fields: (t) => ({
    ticket: changedTicketField(t),
    surveyToken: t.string({
      nullable: true,
      description: "When the move closed the case: the one-time token of its satisfaction survey, for the customer. Shown only here.",
      resolve: (r) => r.surveyToken ?? null,
    }),
    surveySendAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When to send the survey to the customer.",
      resolve: (r) => r.surveySendAt ?? null,
    }),
  }),
});
