// Macros at work: saving them (templates checked at save time) and applying one to a
// case: every action through the same step, and so the same rules, as the mutation a
// person would have used, all in one transaction.
import type { Context } from "../context.js";
import { inTransaction } from "../db/transaction.js";
import { parseInput } from "../domain/input.js";
import { canManageMacro, canUseMacro, MACRO_ACTION_ORDER, type MacroAction, type MacroActions, macroInput } from "../domain/macros.js";
import { redactionsIn } from "../domain/privacy.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.js";
import type { MacroVisibility, Prisma } from "../generated/prisma/client.js";
import { recordEvent } from "./audit.js";
import { checkTemplate, renderForTicket } from "./auto-replies.js";
import { commentStep } from "./comments.js";
import { decodeId } from "./ids.js";
import { runRules } from "./rules/apply.js";
import { tagNamesOf } from "./ticket-rows.js";
import { assignStep } from "./tickets/assign.js";
import { escalateStep } from "./tickets/escalate.js";
import { tagStep } from "./tickets/tags.js";
import { moveStep, type TransitionResult } from "./tickets/transition.js";
import { updateStep } from "./tickets/update.js";
import { loadForWrite, reload, type Write, write } from "./write-frame.js";

export interface MacroArgs {
  id?: string | null;
  name: string;
  description?: string | null;
  visibility: MacroVisibility;
  teamId?: string | null;
  actions: Record<string, unknown>;
}

function parseMacro(args: MacroArgs): { name: string; description: string | null; actions: MacroActions } {
  const present = Object.fromEntries(Object.entries(args.actions).filter(([, v]) => v !== null && v !== undefined));
  const input = parseInput(macroInput, { name: args.name, description: args.description || null, actions: present });
  const actions = input.actions as MacroActions;
  // An unknown placeholder is refused now, not discovered when a reply goes out.
  if (actions.comment) actions.comment.template = checkTemplate(actions.comment.template, "input.actions.comment.template");
  if (actions.resolution) actions.resolution = checkTemplate(actions.resolution, "input.actions.resolution");
  return { name: input.name, description: input.description ?? null, actions };
}

export async function saveMacro(ctx: Context, args: MacroArgs) {
  const viewer = ctx.viewer!;
  const { name, description, actions } = parseMacro(args);
  const teamId = args.teamId ? decodeId("input.teamId", args.teamId, "Team") : null;
  if (args.visibility === "TEAM" && !teamId) throw ValidationError.of("input.teamId", "is required for a TEAM macro");
  if (args.visibility !== "TEAM" && teamId) throw ValidationError.of("input.teamId", "is only for TEAM macros");
  const ownership = { visibility: args.visibility, teamId, ownerId: viewer.kind === "user" ? viewer.userId : null };
  if (!canManageMacro(viewer, ownership)) {
    throw new ForbiddenError("People keep personal macros; a team's supervisors keep its team macros; managers keep global ones");
  }
  return inTransaction(ctx, async (tx) => {
    if (teamId && !(await tx.team.findUnique({ where: { id: teamId }, select: { id: true } })))
      throw ValidationError.of("input.teamId", "names no team");
    const data = {
      name,
      description,
      visibility: args.visibility,
      teamId,
      ownerId: args.visibility === "PERSONAL" ? ownership.ownerId : null,
      actions: actions as Prisma.InputJsonValue,
    };
    if (!args.id) return tx.macro.create({ data, select: { id: true } });
    const id = decodeId("input.id", args.id, "Macro");
    const existing = await tx.macro.findUnique({ where: { id } });
    if (!existing || !canUseMacro(viewer, existing)) throw new NotFoundError("Macro", args.id);
    if (!canManageMacro(viewer, existing)) throw new ForbiddenError("You may use this macro but not change it");
    return tx.macro.update({ where: { id }, data, select: { id: true } });
  });
}

export async function deleteMacro(ctx: Context, globalId: string) {
  const id = decodeId("id", globalId, "Macro");
  const existing = await ctx.prisma.macro.findUnique({ where: { id } });
  if (!existing || !canUseMacro(ctx.viewer, existing)) throw new NotFoundError("Macro", globalId);
  if (!canManageMacro(ctx.viewer, existing)) throw new ForbiddenError("You may use this macro but not delete it");
  await inTransaction(ctx, (tx) => tx.macro.delete({ where: { id } }));
  return { id: globalId };
}

/** Runs the macro's actions on the case in their fixed order (MACRO_ACTION_ORDER), each through its step. */
async function runActions(w: Write, ticketId: string, macro: { name: string; actions: MacroActions }) {
  const { actions } = macro;
  const why = `Macro "${macro.name}"`;
  // The {{agent.name}} placeholder's value, read only when the macro has a text to render.
  const rendersText = Boolean(actions.comment || (actions.status && actions.resolution));
  const agentName =
    rendersText && w.viewer.kind === "user"
      ? ((await w.tx.user.findUnique({ where: { id: w.viewer.userId }, select: { name: true } }))?.name ?? null)
      : null;
  let result: TransitionResult = { ticketId };
  let reply: string | null = null;
  let replyHeld = false;
  // One step per entry of MACRO_ACTION_ORDER, run in that order; the type asks for every entry.
  const steps: Record<MacroAction, () => Promise<void>> = {
    tags: async () => {
      // A tag the case already has (or lacks) is not a reason to fail the whole macro: only the difference is applied.
      const tags = await tagNamesOf(w.tx, ticketId);
      const adding = (actions.addTags ?? []).filter((t) => !tags.includes(t));
      const removing = (actions.removeTags ?? []).filter((t) => tags.includes(t));
      if (adding.length) await tagStep(w, await reload(w, ticketId), adding, "add", "macro.actions.addTags");
      if (removing.length) await tagStep(w, await reload(w, ticketId), removing, "remove", "macro.actions.removeTags");
    },
    priority: async () => {
      if (!actions.priority) return;
      const ticket = await reload(w, ticketId);
      if (ticket.priority !== actions.priority) await updateStep(w, ticket, { priority: actions.priority });
    },
    tier: async () => {
      if (!actions.tierLevel) return;
      const ticket = await reload(w, ticketId);
      const current = ticket.tierId ? await w.tx.tier.findUnique({ where: { id: ticket.tierId } }) : null;
      if (!current || current.level < actions.tierLevel)
        await escalateStep(w, ticket, actions.tierLevel, why, null, "macro.actions.tierLevel");
    },
    assignee: async () => {
      if (!actions.assignToMe && !actions.unassign) return;
      const ticket = await reload(w, ticketId);
      const to = actions.assignToMe && w.viewer.kind === "user" ? w.viewer.userId : null;
      if (actions.assignToMe && w.viewer.kind !== "user")
        throw ValidationError.of("macro.actions.assignToMe", "an API token cannot be an assignee");
      if (ticket.assigneeId !== to) await assignStep(w, ticket, to, null, why);
    },
    comment: async () => {
      if (!actions.comment) return;
      reply = await renderForTicket(w.tx, ticketId, actions.comment.template, agentName);
      const kind = actions.comment.visibility === "PUBLIC" ? "REPLY" : "NOTE";
      const row = await commentStep(w, await reload(w, ticketId), reply, actions.comment.visibility, kind, { macro: macro.name });
      replyHeld = row.reviewState === "PENDING_REVIEW";
    },
    status: async () => {
      if (!actions.status) return;
      // A reply held for review has not reached the customer: moving the case on it would
      // pause or close the clocks on words nobody sent, and the move's note (the reply)
      // would tell every reader of the case what only the reviewers may read.
      if (replyHeld) {
        throw ValidationError.of(
          "macro.actions.status",
          "cannot move the case while the macro's reply waits for review; move it once the reply is approved",
        );
      }
      const ticket = await reload(w, ticketId);
      const resolution = actions.resolution ? await renderForTicket(w.tx, ticketId, actions.resolution, agentName) : null;
      // The macro's reply is the move's note (the team's answer); it is already on the case.
      result = await moveStep(w, ticket, { to: actions.status, note: reply, resolution }, null, { noteIsPosted: reply !== null });
    },
  };
  for (const step of MACRO_ACTION_ORDER) await steps[step]();
  return result;
}

export function applyMacro(
  ctx: Context,
  args: { ticketId: string; macroId: string; expectedVersion?: number | null },
): Promise<TransitionResult> {
  const macroId = decodeId("input.macroId", args.macroId, "Macro");
  return write(ctx, async (w) => {
    const macro = await w.tx.macro.findUnique({ where: { id: macroId } });
    if (!macro || !canUseMacro(w.viewer, macro)) throw new NotFoundError("Macro", args.macroId);
    const ticket = await loadForWrite(w, args.ticketId, args.expectedVersion, "input.ticketId");
    await recordEvent(w.tx, w.viewer, ticket.id, w.now, {
      type: "MACRO_APPLIED",
      after: { macroId: macro.id, ...redactionsIn(macro.name) },
      note: macro.name,
    });
    const result = await runActions(w, ticket.id, { name: macro.name, actions: macro.actions as MacroActions });
    await runRules(w, ticket.id);
    return result;
  });
}
