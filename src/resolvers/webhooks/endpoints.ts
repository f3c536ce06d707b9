// Webhook endpoints and their deliveries, for administrators and for tokens with
// `webhooks:manage` within their teams (domain/webhooks.ts managesWebhookTeams). An
// endpoint out of the viewer's reach answers NOT_FOUND, as if it did not exist.
import { randomBytes } from "node:crypto";
import type { Context } from "../../context.js";
import { inTransaction } from "../../db/transaction.js";
import type { Viewer } from "../../domain/access.js";
import { descriptionText, parseInput } from "../../domain/input.js";
import { endpointUrlProblem, formatSecret, managesWebhookTeams, RETRY_WINDOW_MS, type WebhookEventType } from "../../domain/webhooks.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.js";
import { decodeId, decodeIds } from "../ids.js";

const newSecret = () => formatSecret(randomBytes(32));

function viewerOf(ctx: Context): Viewer {
  if (!ctx.viewer) throw new ForbiddenError("You are not allowed to do this");
  return ctx.viewer;
}

/** The ids of the endpoints the viewer manages (few per installation, so filtered here). */
export async function visibleEndpointIds(ctx: Context): Promise<string[]> {
  const viewer = viewerOf(ctx);
  const all = await ctx.prisma.webhookEndpoint.findMany({ select: { id: true, teamIds: true } });
  return all.filter((endpoint) => managesWebhookTeams(viewer, endpoint.teamIds)).map((endpoint) => endpoint.id);
}

async function loadEndpoint(ctx: Context, globalId: string, field: string) {
  const viewer = viewerOf(ctx);
  const endpoint = await ctx.prisma.webhookEndpoint.findUnique({ where: { id: decodeId(field, globalId, "WebhookEndpoint") } });
  if (!endpoint || !managesWebhookTeams(viewer, endpoint.teamIds)) throw new NotFoundError("WebhookEndpoint", globalId);
  return endpoint;
}

function checkUrl(ctx: Context, url: string) {
  const problem = endpointUrlProblem(url.trim(), ctx.webhookAllowPrivateNetworks);
  if (problem) throw ValidationError.of("input.url", problem);
  return url.trim();
}

function checkEventTypes(eventTypes: readonly WebhookEventType[]) {
  if (!eventTypes.length) throw ValidationError.of("input.eventTypes", "name at least one event type");
  return [...new Set(eventTypes)];
}

async function checkTeams(ctx: Context, globalIds: readonly string[]) {
  if (!globalIds.length) throw ValidationError.of("input.teamIds", "name at least one team");
  const teamIds = decodeIds("input.teamIds", globalIds, "Team");
  const found = await ctx.prisma.team.count({ where: { id: { in: teamIds } } });
  if (found !== teamIds.length) throw ValidationError.of("input.teamIds", "names a team that does not exist");
  if (!managesWebhookTeams(viewerOf(ctx), teamIds)) throw ValidationError.of("input.teamIds", "names a team outside your own");
  return teamIds;
}

const description = (value: string | null | undefined) =>
  value ? parseInput(descriptionText, value, "input.description") : value === "" ? null : undefined;

export async function createWebhookEndpoint(
  ctx: Context,
  args: { url: string; eventTypes: WebhookEventType[]; teamIds: string[]; description?: string | null },
) {
  const viewer = viewerOf(ctx);
  const url = checkUrl(ctx, args.url);
  const eventTypes = checkEventTypes(args.eventTypes);
  const teamIds = await checkTeams(ctx, args.teamIds);
  const secret = newSecret();
  const endpoint = await inTransaction(ctx, (tx) =>
    tx.webhookEndpoint.create({
      data: {
        url,
        eventTypes,
        teamIds,
        description: description(args.description) ?? null,
        secretEncrypted: ctx.cipher.encrypt(secret),
        createdByUserId: viewer.kind === "user" ? viewer.userId : null,
        createdByTokenId: viewer.kind === "token" ? viewer.tokenId : null,
        createdAt: ctx.clock.now(),
      },
      select: { id: true },
    }),
  );
  return { endpointId: endpoint.id, secret };
}

export async function updateWebhookEndpoint(
  ctx: Context,
  args: {
    id: string;
    url?: string | null;
    eventTypes?: WebhookEventType[] | null;
    teamIds?: string[] | null;
    description?: string | null;
    enabled?: boolean | null;
  },
) {
  const current = await loadEndpoint(ctx, args.id, "input.id");
  const url = args.url == null ? undefined : checkUrl(ctx, args.url);
  const eventTypes = args.eventTypes == null ? undefined : checkEventTypes(args.eventTypes);
  const teamIds = args.teamIds == null ? undefined : await checkTeams(ctx, args.teamIds);
  const enabling = args.enabled === true && !current.enabled;
  await inTransaction(ctx, (tx) =>
    tx.webhookEndpoint.update({
      where: { id: current.id },
      data: {
        url,
        eventTypes,
        teamIds,
        description: description(args.description),
        enabled: args.enabled ?? undefined,
        // Enabled again: a fresh start, its waiting deliveries go out on the next scan.
        ...(enabling ? { failingSince: null, disabledAt: null, disabledReason: null } : {}),
        ...(args.enabled === false && current.enabled ? { disabledAt: ctx.clock.now(), disabledReason: "disabled by hand" } : {}),
      },
    }),
  );
  return { endpointId: current.id };
}

export async function deleteWebhookEndpoint(ctx: Context, args: { id: string }) {
  const endpoint = await loadEndpoint(ctx, args.id, "input.id");
  // Its deliveries go with it (ON DELETE CASCADE): nothing more is sent to it.
  await inTransaction(ctx, (tx) => tx.webhookEndpoint.deleteMany({ where: { id: endpoint.id } }));
  return { deletedEndpointId: args.id };
}

/** A new secret signs from now on; the old one also signs until the overlap ends, so receivers can switch without losing messages. */
export async function rotateWebhookSecret(ctx: Context, args: { id: string }) {
  const endpoint = await loadEndpoint(ctx, args.id, "input.id");
  const secret = newSecret();
  const now = ctx.clock.now();
  await inTransaction(ctx, (tx) =>
    tx.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: {
        secretEncrypted: ctx.cipher.encrypt(secret),
        previousSecretEncrypted: ctx.webhookSecretOverlapMs > 0 ? endpoint.secretEncrypted : null,
        previousSecretExpiresAt: ctx.webhookSecretOverlapMs > 0 ? new Date(now.getTime() + ctx.webhookSecretOverlapMs) : null,
      },
    }),
  );
  return { endpointId: endpoint.id, secret };
}

/** The endpoint whose deliveries are listed, once the viewer may see it. */
export async function endpointForDeliveries(ctx: Context, globalId: string) {
  return (await loadEndpoint(ctx, globalId, "endpointId")).id;
}

/** Sends a delivery again, with its message id, as soon as the dispatcher next scans. */
export async function redeliverWebhook(ctx: Context, args: { deliveryId: string }) {
  const id = decodeId("input.deliveryId", args.deliveryId, "WebhookDelivery");
  const delivery = await ctx.prisma.outboundDelivery.findUnique({ where: { id }, include: { endpoint: true } });
  if (!delivery?.endpoint || !managesWebhookTeams(viewerOf(ctx), delivery.endpoint.teamIds)) {
    throw new NotFoundError("WebhookDelivery", args.deliveryId);
  }
  if (!delivery.endpoint.enabled) throw ValidationError.of("input.deliveryId", "its endpoint is disabled; enable it first");
  const now = ctx.clock.now();
  const { count } = await inTransaction(ctx, (tx) =>
    tx.outboundDelivery.updateMany({
      where: { id, status: { not: "PENDING" } },
      data: {
        status: "PENDING",
        nextAttemptAt: now,
        leaseUntil: null,
        deliveredAt: null,
        expiresAt: new Date(now.getTime() + RETRY_WINDOW_MS),
      },
    }),
  );
  if (count === 0) throw ValidationError.of("input.deliveryId", "is already waiting to be sent");
  return { deliveryId: id };
}
