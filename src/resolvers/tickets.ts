// Database work for cases: each write is one transaction that checks the rules in
// src/domain, changes the case with an optimistic version check, and writes its audit
// events. Reads build their conditions from the same access rules.
import type { Context } from "../context.js";
import type { Tx } from "../db/transaction.js";
import { actsForTeam, directsTicket, mayAssign, type Viewer, visibleTicketsWhere } from "../domain/access.js";
import { createTicketInput, parseInput, reason as reasonText, tagList, transitionTexts, updateTicketInput } from "../domain/input.js";
import { formatTicketNumber, numberingDay } from "../domain/numbering.js";
import { maskContact, redactionsIn } from "../domain/privacy.js";
import { type AssignmentStrategy, evaluateRules, STRATEGY_NAMES, tierForLevel } from "../domain/rules.js";
import { likeLiteral } from "../domain/search.js";
import { MAX_TAGS, tagChange } from "../domain/tags.js";
import { assertTransition, dropsAssignee, titleProblem, transitionEffects } from "../domain/workflow.js";
import { ForbiddenError, ValidationError } from "../errors.js";
import type { Prisma, Ticket } from "../generated/prisma/client.js";
import type { Channel, Priority, TicketStatus, TicketType } from "../generated/prisma/enums.js";
import { pickAssignee } from "./assignment.js";
import { recordEvent } from "./audit.js";
import { acknowledge } from "./auto-replies.js";
import { autoEscalateNewCase } from "./escalation.js";
import { decodeId } from "./ids.js";
import { enabledRules, recordFirings, runRules } from "./rules/apply.js";
import { explainBreaches, slaOnPolicyChange, slaOnTransition, slaTargetsOf } from "./sla/clocks.js";
import { issueSurvey } from "./surveys.js";
import { addCommentRow, ensureTags, saveTicket, tagNamesOf } from "./ticket-rows.js";
import { loadForWrite, type TicketResult, viewerOf, type Write, write } from "./write-frame.js";

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
        { title: { contains: likeLiteral(search), mode: "insensitive" } },
        { description: { contains: likeLiteral(search), mode: "insensitive" } },
      ],
    });
  }
  return { AND: and };
}

/** A single case's condition: its id, and only if the viewer may see it. */
export function visibleTicketWhere(viewer: Viewer, where: { id: string } | { number: string }): Prisma.TicketWhereInput {
  return { AND: [where, visibleTicketsWhere(viewer)] };
}

/** A token limited to teams writes only cases of those teams. */
function assertWithinTokenTeams(viewer: Viewer, teamId: string | null) {
  if (viewer.kind === "token" && !actsForTeam(viewer, teamId)) {
    throw ValidationError.of("input.teamId", "must be one of the teams this token is limited to");
  }
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

/**
 * The customer row for an account, created or updated in one statement: INSERT … ON
 * CONFLICT, so concurrent first cases of one customer do not collide on the account ID
 * (a failed insert would abort the whole transaction on PostgreSQL).
 */
async function upsertCustomer(
  ctx: Context,
  tx: Tx,
  accountId: string,
  requester: { name?: string | null; contact?: string | null } | null | undefined,
) {
  const name = requester?.name || null;
  const encrypted = requester?.contact ? ctx.cipher.encrypt(requester.contact) : null;
  const masked = requester?.contact ? maskContact(requester.contact) : null;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Customer" ("id", "accountId", "name", "contactEncrypted", "contactMasked", "createdAt", "updatedAt")
    VALUES (gen_random_uuid(), ${accountId}, ${name}, ${encrypted}, ${masked}, now(), now())
    ON CONFLICT ("accountId") DO UPDATE SET
      "name" = COALESCE(EXCLUDED."name", "Customer"."name"),
      "contactEncrypted" = COALESCE(EXCLUDED."contactEncrypted", "Customer"."contactEncrypted"),
      "contactMasked" = COALESCE(EXCLUDED."contactMasked", "Customer"."contactMasked"),
      "updatedAt" = now()
    RETURNING "id"::text AS "id"`;
  return rows[0]!.id;
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
  const replay = async () => (idempotencyKey ? ctx.prisma.ticket.findUnique({ where: { idempotencyKey }, select: { id: true } }) : null);
  const earlier = await replay();
  if (earlier) return { ticketId: earlier.id };

  try {
    const ticketId = await write(ctx, async (w) => {
      const { tx, now } = w;
      if (teamId) await assertTeamExists(tx, teamId, "input.teamId");
      // Routing rules and tag triggers decide team, tier, priority, tags and flags
      // before the case exists, so it is written once, whole.
      const [rules, tiers] = await Promise.all([
        enabledRules(tx),
        tx.tier.findMany({ orderBy: { level: "asc" }, select: { id: true, level: true } }),
      ]);
      const evaluation = evaluateRules(
        rules,
        {
          type: args.type,
          channel: args.channel,
          priority: args.priority,
          tags: input.tags ?? [],
          teamId,
          tierLevel: tiers[0]?.level ?? 1,
          atRisk: false,
        },
        "CREATED",
        { teamFixed: teamId !== null, assigned: assigneeId !== null },
      );
      const { facts } = evaluation;
      const owningTeam = facts.teamId;
      assertWithinTokenTeams(viewer, owningTeam);
      if (assigneeId) await assertAssignable(tx, assigneeId, owningTeam, "input.assigneeId");

      const tier = tierForLevel(tiers, facts.tierLevel);
      const [customerId, number, tagRows] = await Promise.all([
        upsertCustomer(ctx, tx, input.accountId, input.requester),
        nextTicketNumber(ctx, tx, args.channel, now),
        ensureTags(tx, facts.tags),
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
          priority: facts.priority,
          severity: input.severity,
          description: input.description,
          details: input.details,
          teamId: owningTeam,
          tierId: tier?.id,
          atRisk: facts.atRisk,
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
        select: { id: true, number: true, teamId: true, version: true },
      });
      // The CREATED event shows the case as the submitter sent it; each rule's change follows as its own event.
      await recordEvent(tx, viewer, ticket.id, now, {
        type: "CREATED",
        after: {
          number,
          status: "NEW",
          priority: args.priority,
          teamId,
          assigneeId,
          tags: [...(input.tags ?? [])].sort(),
          ...redactionsIn(
            input.title,
            input.externalRef,
            input.subcategory,
            input.description,
            input.details,
            input.requester?.name,
            ...(input.attachments ?? []).flatMap((a) => [a.name, a.kind, a.url]),
          ),
        },
      });
      await recordFirings(w, ticket, evaluation);
      await autoEscalateNewCase(tx, { id: ticket.id, accountId: input.accountId, type: args.type, tierId: tier?.id ?? null }, now);
      await acknowledge(tx, ticket.id, args.channel, now);
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

export interface TicketFieldChanges {
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

export interface UpdateTicketArgs extends TicketFieldChanges {
  id: string;
  expectedVersion?: number | null;
}

const AUDITED_FIELDS = [
  "title",
  "accountId",
  "externalRef",
  "type",
  "subcategory",
  "priority",
  "severity",
  "teamId",
  "description",
  "details",
  "dueAt",
] as const;

/** Changes a case's fields (teamId already decoded), with one UPDATED event. */
export async function updateStep(w: Write, ticket: Ticket, changes: TicketFieldChanges, expectedVersion?: number | null) {
  const { tx, ctx, viewer, now } = w;
  // The case's texts this update leaves alone are read with the new ones (a number split across writes).
  const kept = (["title", "description", "details", "externalRef", "subcategory"] as const).filter((field) => changes[field] == null);
  const input = parseInput(updateTicketInput, changes, "input", [...kept.map((field) => ticket[field]), ticket.resolution]);
  const teamId = changes.teamId ?? undefined;
  if (teamId) await assertTeamExists(tx, teamId, "input.teamId");
  const candidate: Partial<Record<(typeof AUDITED_FIELDS)[number], unknown>> = {
    title: input.title ?? undefined,
    accountId: input.accountId ?? undefined,
    externalRef: input.externalRef ?? undefined,
    type: changes.type ?? undefined,
    subcategory: input.subcategory ?? undefined,
    priority: changes.priority ?? undefined,
    severity: input.severity ?? undefined,
    teamId,
    description: input.description ?? undefined,
    details: input.details ?? undefined,
    dueAt: input.dueAt ?? undefined,
  };
  const title = (candidate.title as string | undefined) ?? ticket.title;
  const accountId = (candidate.accountId as string | undefined) ?? ticket.accountId;
  const problem = titleProblem(title, accountId);
  if (problem) {
    throw ValidationError.of(candidate.title ? "input.title" : "input.accountId", `the title ${problem}`);
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
  if (dropsAssignee(ticket, teamId)) {
    before.assigneeId = ticket.assigneeId;
    after.assigneeId = null;
  }
  const customerId = customerChanged ? await upsertCustomer(ctx, tx, accountId, input.requester) : undefined;
  await saveTicket(tx, ticket, expectedVersion, {
    ...(after as Prisma.TicketUncheckedUpdateManyInput),
    ...(customerId ? { customerId } : {}),
    updatedAt: now,
  } as Prisma.TicketUncheckedUpdateManyInput);
  if (after.priority !== undefined || after.teamId !== undefined) {
    await slaOnPolicyChange(tx, {
      id: ticket.id,
      tierId: ticket.tierId,
      priority: (after.priority as Priority | undefined) ?? ticket.priority,
      teamId: (after.teamId as string | undefined) ?? ticket.teamId,
    });
  }
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "UPDATED",
    before: before as Prisma.InputJsonValue,
    after: {
      ...after,
      ...(customerChanged ? { requester: "changed" } : {}),
      ...redactionsIn(input.title, input.externalRef, input.subcategory, input.description, input.details, input.requester?.name),
    } as Prisma.InputJsonValue,
  });
}

export async function updateTicket(ctx: Context, args: UpdateTicketArgs): Promise<TicketResult> {
  const teamId = args.teamId ? decodeId("input.teamId", args.teamId, "Team") : undefined;
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.id, args.expectedVersion);
    await updateStep(w, ticket, { ...args, teamId }, args.expectedVersion);
    await runRules(w, ticket.id);
    return { ticketId: ticket.id };
  });
}

// ─── workflow ───────────────────────────────────────────────────────────────

export interface MoveRequest {
  to: TicketStatus;
  note?: string | null;
  resolution?: string | null;
  breachReason?: string | null;
}

export interface TransitionArgs extends MoveRequest {
  id: string;
  expectedVersion?: number | null;
}

export interface TransitionResult extends TicketResult {
  /** The one-time token of the satisfaction survey a move to DONE issued. */
  surveyToken?: string;
  surveySendAt?: Date;
}

/**
 * Moves a case through the workflow's rules. The note is kept as a comment (the
 * customer's reply when going back) unless the caller already posted it.
 */
export async function moveStep(
  w: Write,
  ticket: Ticket,
  request: MoveRequest,
  expectedVersion?: number | null,
  options: { noteIsPosted?: boolean } = {},
): Promise<TransitionResult> {
  const { tx, ctx, viewer, now } = w;
  // One input: a number split between note, resolution and reason is found too.
  const texts = parseInput(transitionTexts, {
    note: request.note,
    resolution: request.resolution || undefined,
    breachReason: request.breachReason,
  });
  const note = texts.note ?? null;
  const resolution = texts.resolution ?? request.resolution;
  assertTransition(viewer, ticket, { to: request.to, note, resolution });
  const customerReplied = ticket.status === "INFORM_CUSTOMER" && request.to === "NOT_STARTED";
  // Staff moving a late case on say why; a customer's reply is never held up for it
  // (the reason is still owed at the team's next move).
  const breachReason = texts.breachReason ?? null;
  const targets = await slaTargetsOf(tx, ticket.id);
  if (!customerReplied) await explainBreaches(tx, targets, breachReason);
  const safeResolution = request.to === "DONE" ? resolution : undefined;
  await saveTicket(tx, ticket, expectedVersion, {
    ...transitionEffects(ticket.status, request.to, now, ticket.firstRespondedAt),
    ...(safeResolution ? { resolution: safeResolution } : {}),
    updatedAt: now,
  });
  await slaOnTransition(tx, ticket, targets, ticket.status, request.to, now);
  if (note && !options.noteIsPosted) {
    await addCommentRow(
      tx,
      viewer,
      ticket.id,
      now,
      note,
      customerReplied ? "PUBLIC" : "INTERNAL",
      customerReplied ? "CUSTOMER_REPLY" : "NOTE",
    );
  }
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "STATUS_CHANGED",
    before: { status: ticket.status },
    after: {
      status: request.to,
      ...(safeResolution ? { resolution: safeResolution } : {}),
      ...redactionsIn(note, safeResolution, breachReason),
    },
    note: note ?? breachReason ?? null,
  });
  return { ticketId: ticket.id, ...(request.to === "DONE" ? await issueSurvey(tx, ctx, ticket.id, now) : {}) };
}

export function transitionTicket(ctx: Context, args: TransitionArgs): Promise<TransitionResult> {
  return write(ctx, async (w) => moveStep(w, await loadForWrite(w, args.id, args.expectedVersion), args, args.expectedVersion));
}

// ─── assignment, escalation, tags ───────────────────────────────────────────

/** Assigns or unassigns: agents take or drop cases themselves; handing a case to someone else is a supervisor's call. */
export async function assignStep(w: Write, ticket: Ticket, assigneeId: string | null, expectedVersion?: number | null, note?: string) {
  const { tx, viewer, now } = w;
  if (!mayAssign(viewer, ticket, { assigneeId }))
    throw new ForbiddenError("Only supervisors assign cases to others; agents of the owning team may take or drop a case themselves");
  if (assigneeId === ticket.assigneeId) throw ValidationError.of("input.assigneeId", "is already the assignee");
  if (assigneeId) await assertAssignable(tx, assigneeId, ticket.teamId, "input.assigneeId");
  await saveTicket(tx, ticket, expectedVersion, { assigneeId, updatedAt: now });
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "ASSIGNED",
    before: { assigneeId: ticket.assigneeId },
    after: { assigneeId },
    note: note ?? null,
  });
}

export function assignTicket(
  ctx: Context,
  args: { id: string; assigneeId?: string | null; expectedVersion?: number | null },
): Promise<TicketResult> {
  const assigneeId = args.assigneeId ? decodeId("input.assigneeId", args.assigneeId, "User") : null;
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.id, args.expectedVersion);
    await assignStep(w, ticket, assigneeId, args.expectedVersion);
    return { ticketId: ticket.id };
  });
}

/** Supervisors, managers and tokens of the owning team move a case up to a higher tier. */
export async function escalateStep(
  w: Write,
  ticket: Ticket,
  tierLevel: number,
  why: string,
  expectedVersion?: number | null,
  field = "input.tierLevel",
) {
  const { tx, viewer, now } = w;
  if (!directsTicket(viewer, ticket)) {
    throw new ForbiddenError("Only supervisors and managers escalate cases");
  }
  const [current, target] = await Promise.all([
    ticket.tierId ? tx.tier.findUnique({ where: { id: ticket.tierId } }) : null,
    tx.tier.findUnique({ where: { level: tierLevel } }),
  ]);
  if (!target) throw ValidationError.of(field, "names no support tier");
  if (current && target.level <= current.level) {
    throw ValidationError.of(field, `must be above the current tier (L${current.level})`);
  }
  await saveTicket(tx, ticket, expectedVersion, { tierId: target.id, updatedAt: now });
  await slaOnPolicyChange(tx, { ...ticket, tierId: target.id });
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "ESCALATED",
    before: { tierLevel: current?.level ?? null },
    after: { tierLevel: target.level, ...redactionsIn(why) },
    note: why,
  });
}

export function escalateTicket(
  ctx: Context,
  args: { id: string; tierLevel: number; reason: string; expectedVersion?: number | null },
): Promise<TicketResult> {
  const why = parseInput(reasonText, args.reason, "input.reason");
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.id, args.expectedVersion);
    await escalateStep(w, ticket, args.tierLevel, why, args.expectedVersion);
    return { ticketId: ticket.id };
  });
}

/** Adds or removes tags (names already parsed), with one TAGGED event. */
export async function tagStep(w: Write, ticket: Ticket, names: readonly string[], mode: "add" | "remove", field = "input.tags") {
  const { tx, viewer, now } = w;
  const currentNames = await tagNamesOf(tx, ticket.id);
  const change = mode === "add" ? tagChange(currentNames, names) : tagChange(currentNames, [], names);
  if (!change.added.length && !change.removed.length && !change.leftOff.length) {
    throw ValidationError.of(field, mode === "add" ? "the case already has these tags" : "the case has none of these tags");
  }
  // A person asked for these tags: leaving some off would be a surprise, so it is refused.
  if (change.leftOff.length) throw ValidationError.of(field, `a case carries at most ${MAX_TAGS} tags`);
  const after = change.tags;
  if (mode === "add") {
    const rows = await ensureTags(tx, change.added);
    await tx.ticketTag.createMany({ data: rows.map((tag) => ({ ticketId: ticket.id, tagId: tag.id, addedAt: now })) });
  } else {
    await tx.ticketTag.deleteMany({ where: { ticketId: ticket.id, tag: { name: { in: change.removed } } } });
  }
  await saveTicket(tx, ticket, null, { updatedAt: now });
  await recordEvent(tx, viewer, ticket.id, now, {
    type: "TAGGED",
    before: { tags: currentNames },
    after: { tags: after.sort() },
  });
}

export function changeTags(ctx: Context, args: { ticketId: string; tags: string[] }, mode: "add" | "remove"): Promise<TicketResult> {
  const names = parseInput(
    tagList.refine((t) => t.length > 0, "name at least one tag"),
    args.tags,
    "input.tags",
  );
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.ticketId, null, "input.ticketId");
    await tagStep(w, ticket, names, mode);
    await runRules(w, ticket.id);
    return { ticketId: ticket.id };
  });
}

/** Hands an unassigned (or reassigned) case to the next person of its team. Supervisors and team tokens. */
export function autoAssignTicket(
  ctx: Context,
  args: { id: string; strategy: AssignmentStrategy; expectedVersion?: number | null },
): Promise<TicketResult> {
  return write(ctx, async (w) => {
    const ticket = await loadForWrite(w, args.id, args.expectedVersion);
    if (!mayAssign(w.viewer, ticket, { byStrategy: true })) {
      throw new ForbiddenError("Only supervisors, managers and tokens of the owning team hand out cases");
    }
    if (!ticket.teamId) throw ValidationError.of("input.id", "the case has no owning team to pick from");
    const assigneeId = await pickAssignee(w.tx, ticket.teamId, args.strategy, w.now);
    if (!assigneeId) throw ValidationError.of("input.strategy", "nobody in the team is available and inside their working hours");
    await assignStep(w, ticket, assigneeId, args.expectedVersion, `Automatic: ${STRATEGY_NAMES[args.strategy]}`);
    return { ticketId: ticket.id };
  });
}
