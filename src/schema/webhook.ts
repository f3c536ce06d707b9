// Outgoing webhooks (Standard Webhooks): endpoints, their signing secrets and their
// deliveries. Administrators, or tokens with `webhooks:manage` within their teams.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { managesWebhookTeams, mayManageWebhooks, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../domain/webhooks.js";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  endpointForDeliveries,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  visibleEndpointIds,
} from "../resolvers/webhooks/endpoints.js";
import { builder, maxPageSize } from "./builder.js";
import { commonErrors } from "./errors.js";

export const WebhookEventTypeEnum = builder.enumType("WebhookEventType", {
  description: "What a webhook tells of; the `type` of its JSON body.",
  values: Object.fromEntries(Object.entries(WEBHOOK_EVENT_TYPES).map(([type, description]) => [type, { description }])) as {
    [K in WebhookEventType]: { description: string };
  },
});

const DeliveryStatusEnum = builder.enumType("WebhookDeliveryStatus", {
  description: "Where a delivery stands.",
  values: {
    PENDING: { description: "Waiting for its first attempt or for a retry." },
    DELIVERED: { description: "The endpoint answered 2xx." },
    FAILED: { description: "Every attempt failed for the whole retry window (at least 24 h); redeliver to try again." },
  } as const,
});

const manages = (_parent: unknown, _args: unknown, ctx: { viewer: Parameters<typeof mayManageWebhooks>[0] }) =>
  mayManageWebhooks(ctx.viewer);

builder.prismaNode("WebhookEndpoint", {
  description: "A receiver of signed event callbacks for some teams' cases and incidents.",
  id: { field: "id" },
  authScopes: (endpoint, ctx) => ctx.viewer !== null && managesWebhookTeams(ctx.viewer, endpoint.teamIds),
  fields: (t) => ({
    url: t.exposeString("url", { description: "Where events are POSTed." }),
    description: t.exposeString("description", { nullable: true, description: "What it is for." }),
    eventTypes: t.field({
      type: [WebhookEventTypeEnum],
      description: "The events it receives.",
      resolve: (e) => e.eventTypes as WebhookEventType[],
    }),
    teams: t.prismaField({
      type: ["Team"],
      description: "The teams whose cases and incidents it hears of.",
      resolve: (query, e, _args, ctx) => ctx.prisma.team.findMany({ ...query, where: { id: { in: e.teamIds } }, orderBy: { name: "asc" } }),
    }),
    enabled: t.exposeBoolean("enabled", { description: "Disabled endpoints receive nothing; their deliveries wait." }),
    disabledAt: t.expose("disabledAt", { type: "DateTime", nullable: true, description: "When it was disabled." }),
    disabledReason: t.exposeString("disabledReason", { nullable: true, description: "Why it was disabled." }),
    failingSince: t.expose("failingSince", {
      type: "DateTime",
      nullable: true,
      description: "Start of the current run of failed attempts; null after a success.",
    }),
    previousSecretExpiresAt: t.expose("previousSecretExpiresAt", {
      type: "DateTime",
      nullable: true,
      description: "After a rotation: until then the old secret also signs (a second `v1,` signature).",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was made." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "Last change." }),
  }),
});

builder.prismaObject("OutboundDelivery", {
  name: "WebhookDelivery",
  description: "One message for one endpoint and how sending it went.",
  fields: (t) => ({
    id: t.id({ description: "Global id, for `redeliverWebhook`.", resolve: (d) => encodeGlobalID("WebhookDelivery", d.id) }),
    webhookId: t.exposeString("messageId", { description: "The `webhook-id` header: the same on every attempt and redelivery." }),
    eventType: t.field({ type: WebhookEventTypeEnum, description: "What it tells of.", resolve: (d) => d.eventType as WebhookEventType }),
    payload: t.field({ type: "JSON", description: "The JSON body sent: `{ type, timestamp, data }`.", resolve: (d) => d.payload }),
    status: t.field({ type: DeliveryStatusEnum, description: "Where it stands.", resolve: (d) => d.status }),
    attempts: t.exposeInt("attempts", { description: "Attempts made so far." }),
    nextAttemptAt: t.expose("nextAttemptAt", { type: "DateTime", nullable: true, description: "When the next attempt is due." }),
    lastAttemptAt: t.expose("lastAttemptAt", { type: "DateTime", nullable: true, description: "When the last attempt started." }),
    lastResponseCode: t.exposeInt("lastStatusCode", {
      nullable: true,
      description: "The HTTP status of the last answer; null when none came.",
    }),
    lastLatencyMs: t.exposeInt("lastLatencyMs", { nullable: true, description: "How long the last attempt took, in milliseconds." }),
    lastError: t.exposeString("lastError", { nullable: true, description: "Why the last attempt failed." }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the endpoint accepted it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the change it tells of committed." }),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.prismaField({
    type: ["WebhookEndpoint"],
    description: "The webhook endpoints the viewer manages, oldest first.",
    authScopes: manages,
    resolve: async (query, _root, _args, ctx) =>
      ctx.prisma.webhookEndpoint.findMany({
        ...query,
        where: { id: { in: await visibleEndpointIds(ctx) } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
  }),
  webhookDeliveries: t.prismaConnection(
    {
      type: "OutboundDelivery",
      cursor: "id",
      maxSize: maxPageSize,
      defaultSize: 50,
      description: "An endpoint's deliveries, newest first.",
      authScopes: manages,
      args: { endpointId: t.arg.id({ required: true, description: "The endpoint." }) },
      resolve: async (query, _root, { endpointId }, ctx) =>
        ctx.prisma.outboundDelivery.findMany({
          ...query,
          where: { endpointId: await endpointForDeliveries(ctx, endpointId) },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        }),
    },
    { name: "WebhookDeliveryConnection", description: "A page of webhook deliveries." },
    { name: "WebhookDeliveryEdge", description: "A webhook delivery and its cursor." },
  ),
}));

// ─── writes ─────────────────────────────────────────────────────────────────

const WebhookEndpointPayload = builder.objectRef<{ endpointId: string }>("WebhookEndpointPayload").implement({
  description: "The endpoint after the change.",
  fields: (t) => ({
    endpoint: t.prismaField({
      type: "WebhookEndpoint",
      description: "The endpoint.",
      resolve: (query, { endpointId }, _a, ctx) => ctx.prisma.webhookEndpoint.findUniqueOrThrow({ ...query, where: { id: endpointId } }),
    }),
  }),
});

const WebhookSecretPayload = builder.objectRef<{ endpointId: string; secret: string }>("WebhookSecretPayload").implement({
  description: "An endpoint with a new signing secret. Store `secret` now: it is shown only this once.",
  fields: (t) => ({
    secret: t.exposeString("secret", { description: "The signing secret, `whsec_` and base64, for a Standard Webhooks verifier." }),
    endpoint: t.prismaField({
      type: "WebhookEndpoint",
      description: "The endpoint.",
      resolve: (query, { endpointId }, _a, ctx) => ctx.prisma.webhookEndpoint.findUniqueOrThrow({ ...query, where: { id: endpointId } }),
    }),
  }),
});

const DeleteWebhookEndpointPayload = builder.objectRef<{ deletedEndpointId: string }>("DeleteWebhookEndpointPayload").implement({
  description: "A deleted endpoint; its waiting deliveries were dropped with it.",
  fields: (t) => ({ deletedEndpointId: t.exposeID("deletedEndpointId", { description: "The endpoint's global id." }) }),
});

const RedeliverWebhookPayload = builder.objectRef<{ deliveryId: string }>("RedeliverWebhookPayload").implement({
  description: "A delivery queued to be sent again.",
  fields: (t) => ({
    delivery: t.prismaField({
      type: "OutboundDelivery",
      description: "The delivery, PENDING again.",
      resolve: (query, { deliveryId }, _a, ctx) => ctx.prisma.outboundDelivery.findUniqueOrThrow({ ...query, where: { id: deliveryId } }),
    }),
  }),
});

const CreateWebhookEndpointInput = builder.inputType("CreateWebhookEndpointInput", {
  description: "A new endpoint.",
  fields: (t) => ({
    url: t.string({ required: true, description: "An http(s) URL; it must resolve to a public address when delivered to." }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], required: true, description: "The events it receives; at least one." }),
    teamIds: t.idList({ required: true, description: "The teams whose cases and incidents it hears of; at least one." }),
    description: t.string({ description: "What it is for." }),
  }),
});

const UpdateWebhookEndpointInput = builder.inputType("UpdateWebhookEndpointInput", {
  description: "Changes to an endpoint; omitted fields stay.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The endpoint." }),
    url: t.string({ description: "An http(s) URL." }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], description: "The events it receives." }),
    teamIds: t.idList({ description: "The teams it hears of." }),
    description: t.string({ description: "What it is for; empty clears it." }),
    enabled: t.boolean({ description: "Enable (starts a fresh failure count; waiting deliveries go out) or disable." }),
  }),
});

const EndpointIdInput = (name: string, description: string) =>
  builder.inputType(name, { description, fields: (t) => ({ id: t.id({ required: true, description: "The endpoint." }) }) });

const DeleteWebhookEndpointInput = EndpointIdInput("DeleteWebhookEndpointInput", "The endpoint to delete.");
const RotateWebhookSecretInput = EndpointIdInput("RotateWebhookSecretInput", "The endpoint whose secret to replace.");

const RedeliverWebhookInput = builder.inputType("RedeliverWebhookInput", {
  description: "The delivery to send again.",
  fields: (t) => ({ deliveryId: t.id({ required: true, description: "The delivery (WebhookDelivery.id)." }) }),
});

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: WebhookSecretPayload,
    description: "Creates an endpoint; its signing secret is returned once.",
    authScopes: manages,
    errors: { types: commonErrors },
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true, description: "The endpoint." }) },
    resolve: (_root, { input }, ctx) => createWebhookEndpoint(ctx, { ...input, teamIds: input.teamIds.map(String) }),
  }),
  updateWebhookEndpoint: t.field({
    type: WebhookEndpointPayload,
    description: "Changes an endpoint.",
    authScopes: manages,
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpdateWebhookEndpointInput, required: true, description: "The changes." }) },
    resolve: (_root, { input }, ctx) => updateWebhookEndpoint(ctx, { ...input, id: String(input.id), teamIds: input.teamIds?.map(String) }),
  }),
  deleteWebhookEndpoint: t.field({
    type: DeleteWebhookEndpointPayload,
    description: "Deletes an endpoint and its deliveries.",
    authScopes: manages,
    errors: { types: commonErrors },
    args: { input: t.arg({ type: DeleteWebhookEndpointInput, required: true, description: "Which endpoint." }) },
    resolve: (_root, { input }, ctx) => deleteWebhookEndpoint(ctx, { id: String(input.id) }),
  }),
  rotateWebhookSecret: t.field({
    type: WebhookSecretPayload,
    description:
      "Replaces an endpoint's signing secret; the old one keeps signing too (two `v1,` signatures) for WEBHOOK_SECRET_OVERLAP_HOURS.",
    authScopes: manages,
    errors: { types: commonErrors },
    args: { input: t.arg({ type: RotateWebhookSecretInput, required: true, description: "Which endpoint." }) },
    resolve: (_root, { input }, ctx) => rotateWebhookSecret(ctx, { id: String(input.id) }),
  }),
  redeliverWebhook: t.field({
    type: RedeliverWebhookPayload,
    description: "Sends a delivered or failed message again, with the same webhook-id.",
    authScopes: manages,
    errors: { types: commonErrors },
    args: { input: t.arg({ type: RedeliverWebhookInput, required: true, description: "Which delivery." }) },
    resolve: (_root, { input }, ctx) => redeliverWebhook(ctx, { deliveryId: String(input.deliveryId) }),
  }),
}));
