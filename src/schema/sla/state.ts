// A case's service levels as the Ticket.sla field shows them: each target's state now,
// loaded for all the cases of a request at once (src/resolvers/sla/state.ts).
import { loadSlaStates, type TargetView, type TicketSla } from "../../resolvers/sla/state.js";
import { builder } from "../builder.js";
import { TicketRef } from "../ticket/type.js";

export const SlaTargetKindEnum = builder.enumType("SlaTargetKind", {
  description: "Which promise a target measures.",
  values: {
    FIRST_RESPONSE: { description: "The owning team picks the case up or replies publicly." },
    RESOLUTION: { description: "The customer gets an answer; paused while waiting on the customer." },
    FOLLOW_UP: { description: "While waiting on the customer, someone contacts them at least this often." },
  } as const,
});

const SlaStateEnum = builder.enumType("SlaState", {
  description: "How a target stands now.",
  values: {
    ON_TRACK: { description: "Running, not yet in the warning period." },
    AT_RISK: { description: "Running and inside the warning period." },
    BREACHED: { description: "The due instant has passed." },
    MET: { description: "Kept." },
    PAUSED: { description: "Stopped while the case waits on the customer." },
  } as const,
});

const SlaTargetStatusRef = builder.objectRef<TargetView>("SlaTargetStatus").implement({
  description: "One SLA target of a case, in its latest cycle.",
  fields: (t) => ({
    kind: t.field({ type: SlaTargetKindEnum, description: "Which promise.", resolve: (v) => v.kind }),
    cycle: t.exposeInt("cycle", { description: "1 for the first run; reopenings and follow-ups count up." }),
    dueAt: t.expose("dueAt", { type: "DateTime", nullable: true, description: "When it is due; null while paused or met." }),
    remainingSeconds: t.exposeInt("remainingSeconds", { description: "Business seconds left; negative once overdue." }),
    state: t.field({ type: SlaStateEnum, description: "How it stands now.", resolve: (v) => v.state as never }),
    metAt: t.expose("metAt", { type: "DateTime", nullable: true, description: "When it was kept." }),
    breachedAt: t.expose("breachedAt", { type: "DateTime", nullable: true, description: "When it was missed." }),
    breachReason: t.exposeString("breachReason", { nullable: true, description: "Why it was missed, as given when the case moved on." }),
  }),
});

const TicketSlaRef = builder.objectRef<TicketSla>("TicketSla").implement({
  description: "A case's service levels, computed in business time.",
  fields: (t) => ({
    targets: t.field({ type: [SlaTargetStatusRef], description: "The latest cycle of each target.", resolve: (s) => s.targets }),
    pausedSince: t.expose("pausedSince", { type: "DateTime", nullable: true, description: "Since when the clock waits on the customer." }),
  }),
});

builder.prismaObjectField(TicketRef, "sla", (t) =>
  t.loadable({
    type: TicketSlaRef,
    description: "Service-level targets and their state now.",
    load: (ticketIds: string[], ctx) => loadSlaStates(ticketIds, ctx),
    resolve: (ticket) => ticket.id,
  }),
);
