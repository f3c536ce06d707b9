// A person's work profile: availability, working hours and skills, which assignment
// and the expert finder read. People keep their own; administrators anyone's.
import { z } from "zod";
import type { Context } from "../context.js";
import { inTransaction } from "../db/transaction.js";
import { hasRole } from "../domain/access.js";
import { calendarProblems, type OpeningWindow } from "../domain/business-time.js";
import { parseInput, tagName } from "../domain/input.js";
import { ForbiddenError, ValidationError } from "../errors.js";
import type { Availability, Prisma } from "../generated/prisma/client.js";
import { decodeId } from "./ids.js";

const skillLevels = z
  .array(z.object({ skill: tagName, level: z.number().int().min(1, "must be 1-10").max(10, "must be 1-10") }))
  .max(30, "at most 30 skills")
  .refine((s) => new Set(s.map((x) => x.skill)).size === s.length, "names a skill twice");

export interface WorkProfileArgs {
  userId?: string | null;
  availability?: Availability | null;
  timeZone?: string | null;
  workingHours?: OpeningWindow[] | null;
  skills?: { skill: string; level: number }[] | null;
}

export async function updateWorkProfile(ctx: Context, args: WorkProfileArgs) {
  const viewer = ctx.viewer;
  if (viewer?.kind !== "user") throw new ForbiddenError("A work profile belongs to a person");
  const userId = args.userId ? decodeId("input.userId", args.userId, "User") : viewer.userId;
  if (userId !== viewer.userId && !hasRole(viewer, "ADMIN"))
    throw new ForbiddenError("People change their own work profile; administrators anyone's");
  const skills = args.skills ? parseInput(skillLevels, args.skills, "input.skills") : null;
  if (args.timeZone || args.workingHours) {
    const current = await ctx.prisma.user.findUnique({ where: { id: userId }, select: { timeZone: true } });
    const problems = calendarProblems({
      timeZone: args.timeZone ?? current?.timeZone ?? "UTC",
      weeklyHours: args.workingHours ?? [],
      holidays: [],
    });
    if (problems.length) {
      throw new ValidationError(
        problems.map((p) => ({
          field: `input.${p.field === "timeZone" ? "timeZone" : p.field.replace("weeklyHours", "workingHours")}`,
          message: p.message,
        })),
      );
    }
  }
  await inTransaction(ctx, async (tx) => {
    const { count } = await tx.user.updateMany({
      where: { id: userId },
      data: {
        ...(args.availability ? { availability: args.availability } : {}),
        ...(args.timeZone ? { timeZone: args.timeZone } : {}),
        ...(args.workingHours ? { workingHours: args.workingHours as unknown as Prisma.InputJsonValue } : {}),
      },
    });
    if (!count) throw ValidationError.of("input.userId", "names no user");
    if (skills) {
      await tx.userSkill.deleteMany({ where: { userId } });
      await tx.userSkill.createMany({ data: skills.map((s) => ({ userId, ...s })) });
    }
  });
  return { id: userId };
}
