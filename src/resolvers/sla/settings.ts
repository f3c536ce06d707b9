// Administrators' SLA settings: policies (targets per priority, optionally per team,
// tier and channels) and business calendars. New targets use them at once; running targets keep the
// budget they started with until the case's priority, team or tier changes.
import type { Context } from "../../context.js";
import { inTransaction } from "../../db/transaction.js";
import { calendarProblems, type OpeningWindow } from "../../domain/business-time.js";
import { label, parseInput } from "../../domain/input.js";
import { policiesOverlap } from "../../domain/sla.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import type { Channel, Priority } from "../../generated/prisma/enums.js";
import { decodeId } from "../ids.js";

const MAX_SECONDS = 365 * 86400;

function seconds(field: string, value: number, min = 1) {
  if (!Number.isInteger(value) || value < min || value > MAX_SECONDS) {
    throw ValidationError.of(field, `must be a whole number of seconds from ${min} to ${MAX_SECONDS}`);
  }
  return value;
}

export interface SlaPolicyArgs {
  id?: string | null;
  name: string;
  priority: Priority;
  teamId?: string | null;
  tierLevel?: number | null;
  channels?: readonly Channel[] | null;
  firstResponseSeconds: number;
  resolutionSeconds: number;
  followUpSeconds: number;
  warningBeforeSeconds?: number | null;
  calendarId?: string | null;
}

export async function upsertSlaPolicy(ctx: Context, args: SlaPolicyArgs) {
  const id = args.id ? decodeId("input.id", args.id, "SlaPolicy") : null;
  const data = {
    name: parseInput(label, args.name, "input.name"),
    priority: args.priority,
    teamId: args.teamId ? decodeId("input.teamId", args.teamId, "Team") : null,
    tierLevel: args.tierLevel ?? null,
    // A set: order and repeats mean nothing, and a sorted list reads the same everywhere.
    channels: [...new Set(args.channels ?? [])].sort(),
    firstResponseSeconds: seconds("input.firstResponseSeconds", args.firstResponseSeconds),
    resolutionSeconds: seconds("input.resolutionSeconds", args.resolutionSeconds),
    followUpSeconds: seconds("input.followUpSeconds", args.followUpSeconds),
    warningBeforeSeconds: seconds("input.warningBeforeSeconds", args.warningBeforeSeconds ?? 0, 0),
    calendarId: args.calendarId ? decodeId("input.calendarId", args.calendarId, "BusinessCalendar") : null,
  };
  if (data.tierLevel !== null && !(await ctx.prisma.tier.findUnique({ where: { level: data.tierLevel } }))) {
    throw ValidationError.of("input.tierLevel", "names no support tier");
  }
  if (data.teamId && !(await ctx.prisma.team.findUnique({ where: { id: data.teamId } })))
    throw ValidationError.of("input.teamId", "names no team");
  if (data.calendarId && !(await ctx.prisma.businessCalendar.findUnique({ where: { id: data.calendarId } }))) {
    throw ValidationError.of("input.calendarId", "names no calendar");
  }
  // One policy per priority, team, tier and channel: a second one would make the choice ambiguous.
  const siblings = await ctx.prisma.slaPolicy.findMany({
    where: { priority: data.priority, teamId: data.teamId, tierLevel: data.tierLevel, ...(id ? { NOT: { id } } : {}) },
    select: { name: true, priority: true, teamId: true, tierLevel: true, channels: true },
  });
  const twin = siblings.find((other) => policiesOverlap(data, other));
  if (twin) {
    if (data.channels.length)
      throw ValidationError.of(
        "input.channels",
        `policy "${twin.name}" already covers ${twin.channels.filter((c) => data.channels.includes(c)).join(", ")} for this priority, team and tier`,
      );
    throw ValidationError.of("input.priority", `policy "${twin.name}" already covers this priority, team and tier`);
  }
  try {
    if (id) {
      if (!(await ctx.prisma.slaPolicy.findUnique({ where: { id } }))) throw new NotFoundError("SlaPolicy", args.id!);
      return await inTransaction(ctx, (tx) => tx.slaPolicy.update({ where: { id }, data, select: { id: true } }));
    }
    return await inTransaction(ctx, (tx) => tx.slaPolicy.create({ data, select: { id: true } }));
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw ValidationError.of("input.name", "is already taken by another policy");
    throw error;
  }
}

export interface CalendarArgs {
  id?: string | null;
  name: string;
  timeZone: string;
  weeklyHours: OpeningWindow[];
  holidays?: string[] | null;
  isDefault?: boolean | null;
}

export async function upsertBusinessCalendar(ctx: Context, args: CalendarArgs) {
  const id = args.id ? decodeId("input.id", args.id, "BusinessCalendar") : null;
  const name = parseInput(label, args.name, "input.name");
  const rules = { timeZone: args.timeZone, weeklyHours: args.weeklyHours, holidays: [...new Set(args.holidays ?? [])].sort() };
  const problems = calendarProblems(rules);
  if (problems.length) throw new ValidationError(problems.map((p) => ({ field: `input.${p.field}`, message: p.message })));
  const data = {
    name,
    timeZone: rules.timeZone,
    weeklyHours: rules.weeklyHours.map((w) => ({ day: w.day, start: w.start, end: w.end })),
    holidays: rules.holidays,
    isDefault: args.isDefault ?? false,
  };
  try {
    return await inTransaction(ctx, async (tx) => {
      // There is one default calendar: making this one the default retires the other.
      if (data.isDefault)
        await tx.businessCalendar.updateMany({ where: { isDefault: true, ...(id ? { NOT: { id } } : {}) }, data: { isDefault: false } });
      if (id) {
        if (!(await tx.businessCalendar.findUnique({ where: { id } }))) throw new NotFoundError("BusinessCalendar", args.id!);
        return tx.businessCalendar.update({ where: { id }, data, select: { id: true } });
      }
      return tx.businessCalendar.create({ data, select: { id: true } });
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw ValidationError.of("input.name", "is already taken by another calendar");
    throw error;
  }
}
