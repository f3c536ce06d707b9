// Database work for cases: each write is one transaction that checks the rules in
// src/domain, changes the case with an optimistic version check, and writes its audit
// events. Reads build their conditions from the same access rules.
import type { Context } from "../context.js";
import {
  actsForTeam,
  canEditTicket,
  canSeeTicket,
  hasRole,
  visibleTicketsWhere,
  type TicketAccessFacts,
  type Viewer,
} from "../domain/access.js";
import {
  createTicketInput,
  parseInput,
  reason as reasonText,
  resolution as resolutionText,
  tagList,
  text,
  updateTicketInput,
} from "../domain/input.js";
import { formatTicketNumber, numberingDay } from "../domain/numbering.js";
import { maskContact, redact, type RedactionKind } from "../domain/privacy.js";
import { route, type RoutingRule } from "../domain/routing.js";
import { assertTransition, transitionEffects } from "../domain/workflow.js";
import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from "../errors.js";
import type { Prisma, Ticket } from "../generated/prisma/client.js";
import type { Channel, CommentVisibility, Priority, TicketStatus, TicketType } from "../generated/prisma/enums.js";
import { inTransaction, recordEvent, type Tx } from "./audit.js";
import { decodeId } from "./ids.js";
import { explainBreaches, slaOnPolicyChange, slaOnTransition } from "./sla.js";
import { issueSurvey } from "./surveys.js";
import { acknowledge } from "./auto-replies.js";
import { escalateRepeatComplaint } from "./escalation.js";

/** What a ticket write hands back to the schema: the case to reload under the viewer's selection. */
export interface TicketResult {
  ticketId: string;
}

export function viewerOf(ctx: Context): Viewer {
  if (!ctx.viewer) throw ctx.unauthenticated();
  return ctx.viewer;
}

// ─── reads ──────────────────────────────────────────────────────────────────

export interface TicketFilter {
  status?: TicketStatus[] | null;
  teamId?: string | null;
  assigneeId?: string | null;
  priority?: Priority[] | null;
  channel?: Channel[] | null;
  type?: TicketType[] | null;
  tag?: string | null;
  search?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

/** The filter as a query condition, always narrowed to what the viewer may see. */
export function ticketListWhere(viewer: Viewer, filter: TicketFilter | null | undefined): Prisma.TicketWhereInput {
  const and: Prisma.TicketWhereInput[] = [visibleTicketsWhere(viewer)];
  if (filter?.status?.length) and.push({ status: { in: filter.status } });
  if (filter?.priority?.length) and.push({ priority: { in: filter.priority } });
  if (filter?.channel?.length) and.push({ channel: { in: filter.channel } });
  if (filter?.type?.length) and.push({ type: { in: filter.type } });
  if (filter?.teamId) and.push({ teamId: decodeId("filter.teamId", filter.teamId, "Team") });
  if (filter?.assigneeId) and.push({ assigneeId: decodeId("filter.assigneeId", filter.assigneeId, "User") });
  if (filter?.tag) and.push({ tags: { some: { tag: { name: filter.tag.trim().toLowerCase() } } } });
  if (filter?.createdAfter) and.push({ createdAt: { gte: filter.createdAfter } });
  if (filter?.createdBefore) and.push({ createdAt: { lt: filter.createdBefore } });
  const search = filter?.search?.trim();
  if (search) {
    if (search.length > 200) throw ValidationError.of("filter.search", "must be at most 200 characters");
    and.push({
      OR: [
        { number: { equals: search.toUpperCase() } },
        { accountId: { equals: search } },
        { externalRef: { equals: search } },
        { title: { contains: search, mode: "insensitive" } },
        { description: { contains: search, mode: "insensitive" } },
      ],
    });
  }
  return { AND: and };
}

/** A single case's condition: its id, and only if the viewer may see it. */
export function visibleTicketWhere(viewer: Viewer, where: { id: string } | { number: string }): Prisma.TicketWhereInput {
  return { AND: [where, visibleTicketsWhere(viewer)] };
}

// ─── shared write steps ─────────────────────────────────────────────────────

/**
 * The gate of every write on a case: a case the viewer may not see is NOT_FOUND, so its
 * existence does not leak; one they may see but not change this way is FORBIDDEN.
 */
export function permitted<T extends TicketAccessFacts>(
  viewer: Viewer,
  ticket: T | null,
  globalId: string,
  may: (viewer: Viewer, ticket: T) => boolean,
  refusal: string,
  entity = "Ticket",
): asserts ticket is T {
  if (!ticket || !canSeeTicket(viewer, ticket)) throw new NotFoundError(entity, globalId);
  if (!may(viewer, ticket)) throw new ForbiddenError(refusal);
}

/** A token limited to teams writes only cases of those teams. */
function assertWithinTokenTeams(viewer: Viewer, teamId: string | null) {
  if (viewer.kind === "token" && !actsForTeam(viewer, teamId)) {
    throw ValidationError.of("input.teamId", "must be one of the teams this token is limited to");
  }
}

/**
 * Loads a case for a write. Invisible cases are NOT_FOUND so their existence does not
 * leak; a stale expectedVersion is a conflict before any rule judges the newer state.
 */
async function loadForWrite(
  tx: Tx,
  viewer: Viewer,
  globalId: string,
  expectedVersion?: number | null,
  field = "input.id",
): Promise<Ticket> {
  const ticket = await tx.ticket.findUnique({ where: { id: decodeId(field, globalId, "Ticket") } });
  permitted(viewer, ticket, globalId, canEditTicket, "Your token may read this case but not change it (needs tickets:write)");
  if (expectedVersion !== null && expectedVersion !== undefined && expectedVersion !== ticket.version) {
    throw new VersionConflictError(expectedVersion, ticket.version);
  }
  return ticket;
}

/**
 * Applies `data` only if nobody changed the case since it was read: the version in the
 * WHERE clause makes the update lose cleanly instead of overwriting a concurrent write.
 */
export async function saveTicket(tx: Tx, ticket: Ticket, expectedVersion: number | null | undefined, data: Prisma.TicketUncheckedUpdateManyInput) {
  const { count } = await tx.ticket.updateMany({
    where: { id: ticket.id, version: ticket.version },
    data: { ...data, version: { increment: 1 } },
  });
  if (count === 0) {
    const current = await tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { version: true } });
    throw new VersionConflictError(expectedVersion ?? ticket.version, current.version);
  }
}

export function redactField(value: string | null | undefined, kinds: Set<RedactionKind>): string | null | undefined {
  if (value === null || value === undefined) return value;
  const redacted = redact(value);
  redacted.kinds.forEach((kind) => kinds.add(kind));
  return redacted.text;
}

async function ensureTags(tx: Tx, names: readonly string[]): Promise<{ id: string; name: string }[]> {
  if (!names.length) return [];
  // INSERT … ON CONFLICT DO NOTHING: concurrent writers may introduce the same new tag.
  await tx.tag.createMany({ data: names.map((name) => ({ name })), skipDuplicates: true });
  return tx.tag.findMany({ where: { name: { in: [...names] } }, select: { id: true, name: true } });
}

async function assertTeamExists(tx: Tx, teamId: string, field: string) {
  if (!(await tx.team.findUnique({ where: { id: teamId }, select: { id: true } }))) {
    throw ValidationError.of(field, "names no team");
  }
}

/** An assignee must be an active member of the case's owning team. */
async function assertAssignable(tx: Tx, userId: string, teamId: string | null, field: string) {
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { active: true, memberships: { where: { teamId: teamId ?? undefined }, select: { teamId: true } } },
  });
  if (!user) throw ValidationError.of(field, "names no user");
  if (!user.active) throw ValidationError.of(field, "names a deactivated user");
  if (!teamId || user.memberships.length === 0) {
    throw ValidationError.of(field, "must be a member of the team that owns the case");
  }
}

async function upsertCustomer(ctx: Context, tx: Tx, accountId: string, requester: { name?: string | null; contact?: string | null } | null | undefined) {
  const contact = requester?.contact
    ? { contactEncrypted: ctx.cipher.encrypt(requester.contact), contactMasked: maskContact(requester.contact) }
    : {};
  const name = requester?.name ? { name: requester.name } : {};
  const customer = await tx.customer.upsert({
    where: { accountId },
    create: { accountId, ...name, ...contact },
    update: { ...name, ...contact },
    select: { id: true },
  });
  return customer.id;
}

/** The next number of the channel's day. The counter row is locked until commit, so it never repeats or skips. */
async function nextTicketNumber(ctx: Context, tx: Tx, channel: Channel, at: Date): Promise<string> {
  const day = numberingDay(at, ctx.numberingTimeZone);
  const rows = await tx.$queryRaw<{ last: number }[]>`
    INSERT INTO "TicketSequence" ("channel", "day", "last") VALUES (${channel}::"Channel", ${day}, 1)
    ON CONFLICT ("channel", "day") DO UPDATE SET "last" = "TicketSequence"."last" + 1
    RETURNING "last"`;
  return formatTicketNumber(channel, day, Number(rows[0]!.last));
}

// ─── create ─────────────────────────────────────────────────────────────────

export interface CreateTicketArgs {
  title: string;
  accountId: string;
  externalRef?: string | null;
  channel: Channel;
  type: TicketType;
  subcategory?: string | null;
  priority: Priority;
  severity?: number | null;
  teamId?: string | null;
  description?: string | null;
  details?: string | null;
  requester?: { name?: string | null; contact?: string | null } | null;
  tags?: string[] | null;
  assigneeId?: string | null;
  attachments?: { name: string; kind: string; size: number; url?: string | null }[] | null;
  idempotencyKey?: string | null;
  dueAt?: Date | null;
}

function idempotencyScope(viewer: Viewer, key: string) {
  return viewer.kind === "user" ? `user:${viewer.userId}:${key}` : `token:${viewer.tokenId}:${key}`;
}

export async function createTicket(ctx: Context, args: CreateTicketArgs): Promise<TicketResult> {
  const viewer = viewerOf(ctx);
  const input = parseInput(createTicketInput, args);
  const teamId = args.teamId ? decodeId("input.teamId", args.teamId, "Team") : null;
  const assigneeId = args.assigneeId ? decodeId("input.assigneeId", args.assigneeId, "User") : null;
  const idempotencyKey = input.idempotencyKey ? idempotencyScope(viewer, input.idempotencyKey) : null;

  // A retried request gets the case its first attempt created.
  const replay = async () =>
    idempotencyKey
      ? ctx.prisma.ticket.findUnique({ where: { idempotencyKey }, select: { id: true } })
      : null;
  const earlier = await replay();
  if (earlier) return { ticketId: earlier.id };

  try {
    const ticketId = await inTransaction(ctx, async (tx) => {
      const now = ctx.clock.now();
      const tags = input.tags ?? [];
      let owningTeam = teamId;
      if (owningTeam) {
        await assertTeamExists(tx, owningTeam, "input.teamId");
      } else {
        const rules = await tx.routingRule.findMany({ where: { enabled: true } });
        owningTeam = route(rules as unknown as RoutingRule[], { type: args.type, channel: args.channel, priority: args.priority, tags })?.actions.teamId ?? null;
      }
      assertWithinTokenTeams(viewer, owningTeam);
      if (assigneeId) await assertAssignable(tx, assigneeId, owningTeam, "input.assigneeId");

      const redactions = new Set<RedactionKind>();
      const description = redactField(input.description, redactions);
      const details = redactField(input.details, redactions);
      const [tier, customerId, number, tagRows] = await Promise.all([
        tx.tier.findFirst({ orderBy: { level: "asc" }, select: { id: true } }),
        upsertCustomer(ctx, tx, input.accountId, input.requester),
        nextTicketNumber(ctx, tx, args.channel, now),
        ensureTags(tx, tags),
      ]);
      const ticket = await tx.ticket.create({
        data: {
          number,
          title: input.title,
          accountId: input.accountId,
          externalRef: input.externalRef,
          channel: args.channel,
          type: args.type,
          subcategory: input.subcategory,
          priority: args.priority,
          severity: input.severity,
          description,
          details,
          teamId: owningTeam,
          tierId: tier?.id,
          assigneeId,
          customerId,
          dueAt: input.dueAt,
          idempotencyKey,
          submittedById: viewer.kind === "user" ? viewer.userId : null,
          submittedByTokenId: viewer.kind === "token" ? viewer.tokenId : null,
          createdAt: now,
          updatedAt: now,
          tags: { create: tagRows.map((tag) => ({ tagId: tag.id, addedAt: now })) },
          attachments: { create: (input.attachments ?? []).map((a) => ({ ...a, createdAt: now })) },
        },
        select: { id: true },
      });
      await recordEvent(tx, viewer, ticket.id, now, {
        type: "CREATED",
        after: {
          number,
          status: "NEW",
          priority: args.priority,
          teamId: owningTeam,
          assigneeId,
          tags: tagRows.map((t) => t.name).sort(),
          ...(redactions.size ? { redacted: [...redactions].sort() } : {}),
        },
      });
      if (args.type === "COMPLAINT") {
        await escalateRepeatComplaint(tx, { id: ticket.id, accountId: input.accountId, tierId: tier?.id ?? null }, now);
      }
      await acknowledge(tx, ticket.id, now);
      return ticket.id;
    });
    return { ticketId };
  } catch (error) {
    // Two attempts with one key raced; the loser returns the winner's case.
    const earlier = (error as { code?: string }).code === "P2002" ? await replay() : null;
    if (earlier) return { ticketId: earlier.id };
    throw error;
  }
}

// ─── update ─────────────────────────────────────────────────────────────────

export interface UpdateTicketArgs {
  id: string;
  expectedVersion?: number | null;
  title?: string | null;
  accountId?: string | null;
  externalRef?: string | null;
  type?: TicketType | null;
  subcategory?: string | null;
  priority?: Priority | null;
  severity?: number | null;
  teamId?: string | null;
  description?: string | null;
  details?: string | null;
  requester?: { name?: string | null; contact?: string | null } | null;
  dueAt?: Date | null;
}

const AUDITED_FIELDS = ["title", "accountId", "externalRef", "type", "subcategory", "priority", "severity", "teamId", "description", "details", "dueAt"] as const;

export async function updateTicket(ctx: Context, args: UpdateTicketArgs): Promise<TicketResult> {
  const viewer = viewerOf(ctx);
  const input = parseInput(updateTicketInput, args);
  const teamId = args.teamId ? decodeId("input.teamId", args.teamId, "Team") : undefined;
  await inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const ticket = await loadForWrite(tx, viewer, args.id, args.expectedVersion);
    if (teamId) await assertTeamExists(tx, teamId, "input.teamId");
    const redactions = new Set<RedactionKind>();
    const candidate: Partial<Record<(typeof AUDITED_FIELDS)[number], unknown>> = {
      title: input.title ?? undefined,
      accountId: input.accountId ?? undefined,
      externalRef: input.externalRef ?? undefined,
      type: args.type ?? undefined,
      subcategory: input.subcategory ?? undefined,
      priority: args.priority ?? undefined,
      severity: input.severity ?? undefined,
      teamId,
      description: redactField(input.description, redactions) ?? undefined,
      details: redactField(input.details, redactions) ?? undefined,
      dueAt: input.dueAt ?? undefined,
    };
    const title = (candidate.title as string | undefined) ?? ticket.title;
    const accountId = (candidate.accountId as string | undefined) ?? ticket.accountId;
    if (!title.includes(accountId)) {
      throw ValidationError.of(candidate.title ? "input.title" : "input.accountId", `the title must contain the account ID (${accountId})`);
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const field of AUDITED_FIELDS) {
      const next = candidate[field];
      const current = ticket[field];
      const same = next instanceof Date && current instanceof Date ? next.getTime() === current.getTime() : next === current;
      if (next !== undefined && !same) {
        before[field] = current instanceof Date ? current.toISOString() : current;
        after[field] = next instanceof Date ? next.toISOString() : next;
      }
    }
    const customerChanged = Boolean(input.requester?.name || input.requester?.contact);
    if (!Object.keys(after).length && !customerChanged) {
      throw ValidationError.of("input", "changes nothing: send at least one field with a new value");
    }
    if (teamId) assertWithinTokenTeams(viewer, teamId);
    const customerId = customerChanged ? await upsertCustomer(ctx, tx, accountId, input.requester) : undefined;
    await saveTicket(tx, ticket, args.expectedVersion, {
      ...(after as Prisma.TicketUncheckedUpdateManyInput),
      ...(customerId ? { customerId } : {}),
      // A case moved to another team loses an assignee who is not in it.
      ...(teamId && ticket.assigneeId ? { assigneeId: null } : {}),
      updatedAt: now,
    } as Prisma.TicketUncheckedUpdateManyInput);
    if (after.priority !== undefined || after.teamId !== undefined) {
      await slaOnPolicyChange(tx, { id: ticket.id, tierId: ticket.tierId, priority: (after.priority as Priority | undefined) ?? ticket.priority, teamId: (after.teamId as string | undefined) ?? ticket.teamId });
    }
    await recordEvent(tx, viewer, ticket.id, now, {
      type: "UPDATED",
      before: before as Prisma.InputJsonValue,
      after: { ...after, ...(customerChanged ? { requester: "changed" } : {}), ...(redactions.size ? { redacted: [...redactions].sort() } : {}) } as Prisma.InputJsonValue,
    });
  });
  return { ticketId: decodeId("input.id", args.id, "Ticket") };
}

// ─── workflow ───────────────────────────────────────────────────────────────

export interface TransitionArgs {
  id: string;
  to: TicketStatus;
  expectedVersion?: number | null;
  note?: string | null;
  resolution?: string | null;
  breachReason?: string | null;
}

export interface TransitionResult extends TicketResult {
  /** The one-time token of the satisfaction survey a move to DONE issued. */
  surveyToken?: string;
  surveySendAt?: Date;
}

/** Moves a case; a note is kept as a comment (the customer's reply when going back). */
export async function transitionTicket(ctx: Context, args: TransitionArgs): Promise<TransitionResult> {
  const viewer = viewerOf(ctx);
  const note = args.note === null || args.note === undefined ? null : parseInput(text(10000), args.note, "input.note");
  const resolution = args.resolution ? parseInput(resolutionText, args.resolution, "input.resolution") : args.resolution;
  return inTransaction(ctx, async (tx): Promise<TransitionResult> => {
    const now = ctx.clock.now();
    const ticket = await loadForWrite(tx, viewer, args.id, args.expectedVersion);
    assertTransition(viewer, ticket, { to: args.to, note, resolution });
    const customerReplied = ticket.status === "INFORM_CUSTOMER" && args.to === "NOT_STARTED";
    // Staff moving a late case on say why; a customer's reply is never held up for it
    // (the reason is still owed at the team's next move).
    if (!customerReplied) {
      await explainBreaches(tx, ticket.id, args.breachReason === null || args.breachReason === undefined ? null : parseInput(reasonText, args.breachReason, "input.breachReason"));
    }
    const redactions = new Set<RedactionKind>();
    const safeNote = redactField(note, redactions);
    const safeResolution = args.to === "DONE" ? redactField(resolution, redactions) : undefined;
    await saveTicket(tx, ticket, args.expectedVersion, {
      ...transitionEffects(ticket.status, args.to, now, ticket.firstRespondedAt),
      ...(safeResolution ? { resolution: safeResolution } : {}),
      updatedAt: now,
    });
    await slaOnTransition(tx, ticket, ticket.status, args.to, now);
    if (safeNote) {
      await addCommentRow(tx, viewer, ticket.id, now, safeNote, customerReplied ? "PUBLIC" : "INTERNAL", customerReplied ? "CUSTOMER_REPLY" : "NOTE");
    }
    await recordEvent(tx, viewer, ticket.id, now, {
      type: "STATUS_CHANGED",
      before: { status: ticket.status },
      after: { status: args.to, ...(safeResolution ? { resolution: safeResolution } : {}) },
      note: safeNote ?? args.breachReason?.trim() ?? null,
    });
    return { ticketId: ticket.id, ...(args.to === "DONE" ? await issueSurvey(tx, ctx, ticket.id, now) : {}) };
  });
}

// ─── assignment, escalation, tags ───────────────────────────────────────────

export async function assignTicket(ctx: Context, args: { id: string; assigneeId?: string | null; expectedVersion?: number | null }): Promise<TicketResult> {
  const viewer = viewerOf(ctx);
  const assigneeId = args.assigneeId ? decodeId("input.assigneeId", args.assigneeId, "User") : null;
  let ticketId = "";
  await inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const ticket = await loadForWrite(tx, viewer, args.id, args.expectedVersion);
    ticketId = ticket.id;
    // Agents take or drop cases themselves; handing a case to someone else is a supervisor's call.
    const selfService =
      viewer.kind === "user" &&
      (assigneeId === viewer.userId || (assigneeId === null && ticket.assigneeId === viewer.userId));
    const mayAssign = hasRole(viewer, "SUPERVISOR") || (viewer.kind === "token" ? actsForTeam(viewer, ticket.teamId) : selfService && actsForTeam(viewer, ticket.teamId));
    if (!mayAssign) throw new ForbiddenError("Only supervisors assign cases to others; agents of the owning team may take or drop a case themselves");
    if (assigneeId === ticket.assigneeId) throw ValidationError.of("input.assigneeId", "is already the assignee");
    if (assigneeId) await assertAssignable(tx, assigneeId, ticket.teamId, "input.assigneeId");
    await saveTicket(tx, ticket, args.expectedVersion, { assigneeId, updatedAt: now });
    await recordEvent(tx, viewer, ticket.id, now, {
      type: "ASSIGNED",
      before: { assigneeId: ticket.assigneeId },
      after: { assigneeId },
    });
  });
  return { ticketId };
}

export async function escalateTicket(ctx: Context, args: { id: string; tierLevel: number; reason: string; expectedVersion?: number | null }): Promise<TicketResult> {
  const viewer = viewerOf(ctx);
  const why = parseInput(reasonText, args.reason, "input.reason");
  let ticketId = "";
  await inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const ticket = await loadForWrite(tx, viewer, args.id, args.expectedVersion);
    ticketId = ticket.id;
    if (!hasRole(viewer, "SUPERVISOR") && !(viewer.kind === "token" && actsForTeam(viewer, ticket.teamId))) {
      throw new ForbiddenError("Only supervisors and managers escalate cases");
    }
    const [current, target] = await Promise.all([
      ticket.tierId ? tx.tier.findUnique({ where: { id: ticket.tierId } }) : null,
      tx.tier.findUnique({ where: { level: args.tierLevel } }),
    ]);
    if (!target) throw ValidationError.of("input.tierLevel", "names no support tier");
    if (current && target.level <= current.level) {
      throw ValidationError.of("input.tierLevel", `must be above the current tier (L${current.level})`);
    }
    await saveTicket(tx, ticket, args.expectedVersion, { tierId: target.id, updatedAt: now });
    await slaOnPolicyChange(tx, { ...ticket, tierId: target.id });
    await recordEvent(tx, viewer, ticket.id, now, {
      type: "ESCALATED",
      before: { tierLevel: current?.level ?? null },
      after: { tierLevel: target.level },
      note: why,
    });
  });
  return { ticketId };
}

export async function changeTags(ctx: Context, args: { ticketId: string; tags: string[] }, mode: "add" | "remove"): Promise<TicketResult> {
  const viewer = viewerOf(ctx);
  const names = parseInput(tagList.refine((t) => t.length > 0, "name at least one tag"), args.tags, "input.tags");
  let ticketId = "";
  await inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const ticket = await loadForWrite(tx, viewer, args.ticketId, null, "input.ticketId");
    ticketId = ticket.id;
    const current = (await tx.ticketTag.findMany({ where: { ticketId: ticket.id }, select: { tag: { select: { id: true, name: true } } } })).map((t) => t.tag);
    const currentNames = current.map((t) => t.name);
    const changing = mode === "add" ? names.filter((n) => !currentNames.includes(n)) : names.filter((n) => currentNames.includes(n));
    if (!changing.length) {
      throw ValidationError.of("input.tags", mode === "add" ? "the case already has these tags" : "the case has none of these tags");
    }
    if (mode === "add") {
      if (currentNames.length + changing.length > 20) throw ValidationError.of("input.tags", "a case carries at most 20 tags");
      const rows = await ensureTags(tx, changing);
      await tx.ticketTag.createMany({ data: rows.map((tag) => ({ ticketId: ticket.id, tagId: tag.id, addedAt: now })) });
    } else {
      await tx.ticketTag.deleteMany({ where: { ticketId: ticket.id, tag: { name: { in: changing } } } });
    }
    const after = mode === "add" ? [...currentNames, ...changing] : currentNames.filter((n) => !changing.includes(n));
    await saveTicket(tx, ticket, null, { updatedAt: now });
    await recordEvent(tx, viewer, ticket.id, now, {
      type: "TAGGED",
      before: { tags: [...currentNames].sort() },
      after: { tags: after.sort() },
    });
  });
  return { ticketId };
}

// ─── comments ───────────────────────────────────────────────────────────────

export async function addCommentRow(
  tx: Tx,
  viewer: Viewer,
  ticketId: string,
  at: Date,
  body: string,
  visibility: CommentVisibility,
  kind: "NOTE" | "REPLY" | "CUSTOMER_REPLY",
) {
  return tx.comment.create({
    data: {
      ticketId,
      body,
      visibility,
      kind,
      createdAt: at,
      authorId: viewer.kind === "user" ? viewer.userId : null,
      authorTokenId: viewer.kind === "token" ? viewer.tokenId : null,
    },
    select: { id: true },
  });
}
