// Alerts for supervisors and managers: unhappy customers, churn risks, automatic
// escalations, rule loops and major incidents, as they happen.
import { receivesAlert } from "../domain/access.js";
import { ALERT_KINDS, type AlertKind } from "../realtime/alerts.js";
import type { AlertMessage } from "../realtime/pubsub.js";
import { liveStream } from "../realtime/streams.js";
import { visibleTicketWhere } from "../resolvers/tickets/reads.js";
import { builder } from "./builder.js";

const AlertKindEnum = builder.enumType("AlertKind", {
  description: "What an alert is about.",
  values: Object.fromEntries(Object.entries(ALERT_KINDS).map(([kind, description]) => [kind, { description }])) as {
    [K in AlertKind]: { description: string };
  },
});

const AlertAudienceEnum = builder.enumType("AlertAudience", {
  description: "Who an alert is for.",
  values: {
    SUPERVISORS: { description: "Supervisors of the teams concerned, and managers." },
    MANAGERS: { description: "Managers and administrators." },
    ASSIGNEE: { description: "The case's assignee; managers and the team's tokens with tickets:read also receive it." },
    PEOPLE: {
      description: "The people it names (a reply's mentor or author); managers and the team's tokens with tickets:read also receive it.",
    },
  } as const,
});

const AlertRef = builder.objectRef<AlertMessage>("Alert").implement({
  description: "Something a supervisor or manager should look at now.",
  fields: (t) => ({
    id: t.exposeString("id", { description: "Unique id of this alert." }),
    kind: t.field({ type: AlertKindEnum, description: "What it is about.", resolve: (a) => a.kind as AlertKind }),
    audience: t.field({ type: AlertAudienceEnum, description: "Who it is for.", resolve: (a) => a.audience }),
    message: t.exposeString("message", { description: "What happened, for people." }),
    at: t.field({ type: "DateTime", description: "When it happened.", resolve: (a) => new Date(a.at) }),
    ticket: t.prismaField({
      type: "Ticket",
      nullable: true,
      description: "The case concerned, when the subscriber may see it.",
      resolve: (query, a, _args, ctx) =>
        a.ticketId ? ctx.prisma.ticket.findFirst({ ...query, where: visibleTicketWhere(ctx.viewer!, { id: a.ticketId }) }) : null,
    }),
    incident: t.prismaField({
      type: "Incident",
      nullable: true,
      description: "The incident concerned.",
      resolve: (query, a, _args, ctx) => (a.incidentId ? ctx.prisma.incident.findUnique({ ...query, where: { id: a.incidentId } }) : null),
    }),
  }),
});

builder.subscriptionField("alerts", (t) =>
  t.field({
    type: AlertRef,
    description:
      "Alerts for the viewer: supervisors get their teams' alerts, managers and administrators every alert, tokens with tickets:read those of their teams.",
    authScopes: { scope: "tickets:read" },
    args: { kinds: t.arg({ type: [AlertKindEnum], description: "Only these kinds." }) },
    subscribe: (_root, { kinds }, ctx) => {
      async function* mine(live: AsyncIterable<AlertMessage>) {
        for await (const alert of live) {
          if (
            (!kinds?.length || kinds.includes(alert.kind as AlertKind)) &&
            receivesAlert(ctx.viewer, alert.audience, alert.teamIds, alert.userIds)
          )
            yield alert;
        }
      }
      return liveStream(ctx, "alert", mine);
    },
    resolve: (alert) => alert,
  }),
);
