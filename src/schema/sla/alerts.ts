// Live SLA alerts: a warning when a target is about to be missed, a breach when it is,
// delivered to subscribers who may see the case.
import type { SlaAlertMessage } from "../../realtime/pubsub.js";
import { type LiveFilter, liveStream, wantedBy } from "../../realtime/streams.js";
import { decodeId } from "../../resolvers/ids.js";
import { builder } from "../builder.js";
import { PriorityEnum } from "../enums.js";
import { SlaTargetKindEnum } from "./state.js";

const SlaAlertKindEnum = builder.enumType("SlaAlertKind", {
  description: "What an SLA alert announces.",
  values: {
    WARNING: { description: "The target is due soon." },
    BREACH: { description: "The target was missed." },
  } as const,
});

const SlaAlertFilter = builder.inputType("SlaAlertFilter", {
  description: "Which alerts to receive; omitted fields match everything the viewer may see.",
  fields: (t) => ({
    teamId: t.id({ description: "Only this team's cases." }),
    priorities: t.field({ type: [PriorityEnum], description: "Only these priorities." }),
  }),
});

const SlaAlertRef = builder.objectRef<SlaAlertMessage>("SlaAlert").implement({
  description: "A target is about to be missed (WARNING) or was missed (BREACH). Each fires once per target and cycle.",
  fields: (t) => ({
    id: t.exposeString("id", { description: "Stable id of this alert: the same alert never arrives twice." }),
    kind: t.field({ type: SlaAlertKindEnum, description: "Warning or breach.", resolve: (a) => a.kind }),
    target: t.field({ type: SlaTargetKindEnum, description: "Which target.", resolve: (a) => a.target }),
    dueAt: t.field({ type: "DateTime", description: "The instant the alert was for.", resolve: (a) => new Date(a.dueAt) }),
    at: t.field({ type: "DateTime", description: "When it fired.", resolve: (a) => new Date(a.at) }),
    ticket: t.prismaField({
      type: "Ticket",
      description: "The case, as the subscriber may see it.",
      resolve: (query, alert, _args, ctx) =>
        ctx.realtime.cache.get(`alert:${alert.id}:${JSON.stringify(query)}`, () =>
          ctx.prisma.ticket.findUniqueOrThrow({ ...query, where: { id: alert.ticketId } }),
        ),
    }),
  }),
});

builder.subscriptionField("slaAlerts", (t) =>
  t.field({
    type: SlaAlertRef,
    description: "SLA warnings and breaches on cases the viewer may see, as they fire.",
    authScopes: { scope: "tickets:read" },
    args: { filter: t.arg({ type: SlaAlertFilter, description: "Which alerts." }) },
    subscribe: (_root, { filter }, ctx) => {
      const wanted: LiveFilter = {
        teamId: filter?.teamId ? decodeId("filter.teamId", filter.teamId, "Team") : null,
        priorities: filter?.priorities ?? null,
      };
      async function* alerts(live: AsyncIterable<SlaAlertMessage>) {
        for await (const alert of live) if (wantedBy(ctx.viewer, alert.ticketId, alert.facts, wanted)) yield alert;
      }
      return liveStream(ctx, "sla-alert", alerts);
    },
    resolve: (alert) => alert,
  }),
);
