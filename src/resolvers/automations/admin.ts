// Administering time-in-status automations: saving one (its actions checked by the
// domain's actionProblems) and deleting one. Scheduling them on a case's moves is
// ./schedule.ts; firing them is src/realtime/automation-monitor.ts.
import { z } from "zod";
import type { Context } from "../../context.js";
import { inTransaction } from "../../db/transaction.js";
import { AUTOMATION_STATUSES, actionProblems, MAX_AUTOMATION_SECONDS } from "../../domain/automations.js";
import { freeText, label, parseInput, tagName } from "../../domain/input.js";
import { MAX_TAGS } from "../../domain/tags.js";
import { ValidationError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { decodeId } from "../ids.js";

const automationInput = z.object({
  name: label,
  status: z.enum(AUTOMATION_STATUSES, `must be one of ${AUTOMATION_STATUSES.join(", ")}`),
  afterSeconds: z
    .number()
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1 second")
    .max(MAX_AUTOMATION_SECONDS, `must be at most ${MAX_AUTOMATION_SECONDS} seconds`),
  businessTime: z.boolean(),
  enabled: z.boolean(),
  conditions: z.object({
    teamIds: z.array(z.string()).optional(),
    priorities: z.array(z.string()).optional(),
    types: z.array(z.string()).optional(),
    tags: z.array(tagName).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).optional(),
  }),
  actions: z.object({
    alertAssignee: z.boolean().optional(),
    alertSupervisors: z.boolean().optional(),
    addTags: z.array(tagName).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).optional(),
    raisePriority: z.enum(["HIGH", "MEDIUM", "LOW"]).optional(),
    escalateTier: z.boolean().optional(),
    // A template: placeholders are filled in when it is posted; the text itself is checked here.
    note: freeText(2000).optional(),
  }),
});

export interface AutomationArgs {
  id?: string | null;
  name: string;
  status: string;
  afterSeconds: number;
  businessTime?: boolean | null;
  enabled?: boolean | null;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
}

/** Drops null, false and empty entries, so the stored JSON says only what the automation checks or does. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)),
  ) as T;
}

export async function upsertStatusAutomation(ctx: Context, args: AutomationArgs) {
  const id = args.id ? decodeId("input.id", args.id, "StatusAutomation") : null;
  const input = parseInput(automationInput, {
    ...args,
    businessTime: args.businessTime ?? true,
    enabled: args.enabled ?? true,
    conditions: compact(args.conditions),
    actions: compact(args.actions),
  });
  const problems = actionProblems(input.actions as never);
  if (problems.length) throw new ValidationError(problems.map((p) => ({ field: `input.${p.field}`, message: p.message })));
  const teamIds = input.conditions.teamIds?.map((t, i) => decodeId(`input.conditions.teamIds.${i}`, t, "Team"));
  return inTransaction(ctx, async (tx) => {
    if (teamIds?.length) {
      const known = await tx.team.findMany({ where: { id: { in: teamIds } }, select: { id: true } });
      teamIds.forEach((t, i) => {
        if (!known.some((k) => k.id === t)) throw ValidationError.of(`input.conditions.teamIds.${i}`, "names no team");
      });
    }
    if (id && !(await tx.statusAutomation.findUnique({ where: { id }, select: { id: true } })))
      throw ValidationError.of("input.id", "names no automation");
    const clash = await tx.statusAutomation.findUnique({ where: { name: input.name }, select: { id: true } });
    if (clash && clash.id !== id) throw ValidationError.of("input.name", "another automation has this name");
    const data = {
      name: input.name,
      status: input.status,
      afterSeconds: input.afterSeconds,
      businessTime: input.businessTime,
      enabled: input.enabled,
      conditions: compact({ ...input.conditions, teamIds }) as Prisma.InputJsonValue,
      actions: compact(input.actions) as Prisma.InputJsonValue,
    };
    const saved = id ? await tx.statusAutomation.update({ where: { id }, data }) : await tx.statusAutomation.create({ data });
    // Checks already scheduled keep the due time of the stay they were made for; the changed
    // conditions and actions are read when they fall due. A disabled automation's checks go.
    if (id && !input.enabled) await tx.automationCheck.deleteMany({ where: { automationId: id, firedAt: null } });
    return { id: saved.id };
  });
}

export async function deleteStatusAutomation(ctx: Context, globalId: string) {
  const id = decodeId("input.id", globalId, "StatusAutomation");
  // Its pending checks go with it (ON DELETE CASCADE).
  const { count } = await inTransaction(ctx, (tx) => tx.statusAutomation.deleteMany({ where: { id } }));
  if (!count) throw ValidationError.of("input.id", "names no automation");
  return { id: globalId };
}
