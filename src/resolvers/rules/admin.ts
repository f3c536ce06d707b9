// Administering routing rules: saving one (refusing a set that would loop) and deleting
// one. Applying them on a case's writes is ./apply.ts.
import { z } from "zod";
import type { Context } from "../../context.js";
import { inTransaction } from "../../db/transaction.js";
import { label, parseInput, tagName } from "../../domain/input.js";
import { ASSIGNMENT_STRATEGIES, loopOnSave, RULE_EVENTS } from "../../domain/rules.js";
import { MAX_TAGS } from "../../domain/tags.js";
import { ValidationError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { decodeId } from "../ids.js";
import { asRule } from "./apply.js";

const ruleInput = z.object({
  name: label,
  position: z.number().int().min(0, "must be 0 or more").max(1_000_000, "must be at most 1,000,000"),
  runsOn: z
    .array(z.enum(RULE_EVENTS))
    .min(1, "name at least one event: CREATED, UPDATED")
    .transform((e) => [...new Set(e)]),
  enabled: z.boolean(),
  conditions: z.object({
    types: z.array(z.string()).optional(),
    channels: z.array(z.string()).optional(),
    priorities: z.array(z.string()).optional(),
    tags: z.array(tagName).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).optional(),
    teamIds: z.array(z.string()).optional(),
  }),
  actions: z
    .object({
      teamId: z.string().optional(),
      tierLevel: z.number().int().min(1, "must be 1-4").max(4, "must be 1-4").optional(),
      priority: z.string().optional(),
      addTags: z.array(tagName).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).optional(),
      removeTags: z.array(tagName).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).optional(),
      atRisk: z.boolean().optional(),
      assign: z.enum(ASSIGNMENT_STRATEGIES).optional(),
      assigneeId: z.string().optional(),
      alertSupervisors: z.boolean().optional(),
    })
    .refine((a) => !(a.assign && a.assigneeId), { message: "name a fixed assignee or a strategy, not both", path: ["assigneeId"] })
    .refine((a) => Object.values(a).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)), "name at least one action")
    .refine((a) => !(a.addTags ?? []).some((t) => (a.removeTags ?? []).includes(t)), "a rule cannot add and remove the same tag"),
});

export interface RuleArgs {
  id?: string | null;
  name: string;
  position: number;
  runsOn: string[];
  enabled?: boolean | null;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
}

/** Drops null and empty entries, so the stored JSON says only what the rule checks or does. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as T;
}

export async function upsertRoutingRule(ctx: Context, args: RuleArgs) {
  const id = args.id ? decodeId("input.id", args.id, "RoutingRule") : null;
  const conditions = compact(args.conditions);
  const actions = compact(args.actions);
  const input = parseInput(ruleInput, { ...args, enabled: args.enabled ?? true, conditions, actions });
  const teamIds = (conditions.teamIds as string[] | undefined)?.map((t, i) => decodeId(`input.conditions.teamIds.${i}`, t, "Team"));
  const actionTeam = actions.teamId ? decodeId("input.actions.teamId", actions.teamId as string, "Team") : undefined;
  const actionAssignee = actions.assigneeId ? decodeId("input.actions.assigneeId", actions.assigneeId as string, "User") : undefined;
  return inTransaction(ctx, async (tx) => {
    const known = await tx.team.findMany({
      where: { id: { in: [...(teamIds ?? []), ...(actionTeam ? [actionTeam] : [])] } },
      select: { id: true },
    });
    const missing = (id: string) => !known.some((t) => t.id === id);
    if (actionTeam && missing(actionTeam)) throw ValidationError.of("input.actions.teamId", "names no team");
    if (actionAssignee && !(await tx.user.findFirst({ where: { id: actionAssignee, active: true }, select: { id: true } }))) {
      throw ValidationError.of("input.actions.assigneeId", "names no active user");
    }
    teamIds?.forEach((t, i) => {
      if (missing(t)) throw ValidationError.of(`input.conditions.teamIds.${i}`, "names no team");
    });
    if (id && !(await tx.routingRule.findUnique({ where: { id }, select: { id: true } })))
      throw ValidationError.of("input.id", "names no rule");
    const clash = await tx.routingRule.findUnique({ where: { name: input.name }, select: { id: true } });
    if (clash && clash.id !== id) throw ValidationError.of("input.name", "another rule has this name");
    const data = {
      name: input.name,
      position: input.position,
      runsOn: input.runsOn,
      enabled: input.enabled,
      conditions: compact({ ...input.conditions, teamIds }) as Prisma.InputJsonValue,
      actions: compact({ ...input.actions, teamId: actionTeam, assigneeId: actionAssignee }) as Prisma.InputJsonValue,
      teamId: actionTeam ?? null,
    };
    // Would the rule set loop with this rule in it? Refused now rather than stopped on a live case.
    // Saves take turns, so two that would loop together cannot each pass without the other;
    // this lock mode conflicts with itself and with deletes, not with reads.
    await tx.$executeRaw`LOCK TABLE "RoutingRule" IN SHARE ROW EXCLUSIVE MODE`;
    const others = (await tx.routingRule.findMany({ where: { enabled: true, ...(id ? { id: { not: id } } : {}) } })).map(asRule);
    const candidate = asRule({ id: id ?? "(new rule)", ...data, conditions: data.conditions, actions: data.actions });
    const loop = loopOnSave(others, candidate);
    if (loop) {
      const [a, b] = loop.rules;
      throw ValidationError.of(
        "input.actions",
        a === candidate
          ? `would loop with rule "${b.name}": one undoes the other's change (${loop.what})`
          : `would make rules "${a.name}" and "${b.name}" loop: it sets what lets both fire on one case, and one undoes the other's change (${loop.what})`,
      );
    }
    const saved = id ? await tx.routingRule.update({ where: { id }, data }) : await tx.routingRule.create({ data });
    return { id: saved.id };
  });
}

export async function deleteRoutingRule(ctx: Context, globalId: string) {
  const id = decodeId("input.id", globalId, "RoutingRule");
  const { count } = await inTransaction(ctx, (tx) => tx.routingRule.deleteMany({ where: { id } }));
  if (!count) throw ValidationError.of("input.id", "names no rule");
  return { id: globalId };
}
