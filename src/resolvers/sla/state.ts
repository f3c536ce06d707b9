// Reading a case's SLA state: the latest cycle of each target with its clock as it
// stands now, for every case a request shows at once (the schema's Ticket.sla loader).
import type { Context } from "../../context.js";
import { clockState, latestCycles, type SlaKind, type TargetClock } from "../../domain/sla.js";
import { calendarRules } from "./clocks.js";

export interface TargetView {
  kind: SlaKind;
  cycle: number;
  dueAt: Date | null;
  remainingSeconds: number;
  state: string;
  metAt: Date | null;
  breachedAt: Date | null;
  breachReason: string | null;
  pausedAt: Date | null;
}

export interface TicketSla {
  targets: TargetView[];
  pausedSince: Date | null;
}

/**
 * The SLA state of each case in `ticketIds`, in one statement for every case a request
 * shows: only the latest cycle of each kind is read (a case that went back and forth
 * has many FOLLOW_UP cycles), with its calendar.
 */
export async function loadSlaStates(
  ticketIds: readonly string[],
  ctx: { prisma: Context["prisma"]; clock: Context["clock"] },
): Promise<TicketSla[]> {
  const rows = await ctx.prisma.slaTarget.findMany({
    where: { ticketId: { in: [...ticketIds] } },
    distinct: ["ticketId", "kind"],
    orderBy: [{ ticketId: "asc" }, { kind: "asc" }, { cycle: "desc" }],
    include: { calendar: true },
  });
  const now = ctx.clock.now();
  const byTicket = new Map<string, typeof rows>();
  for (const row of rows) {
    const list = byTicket.get(row.ticketId);
    if (list) list.push(row);
    else byTicket.set(row.ticketId, [row]);
  }
  return ticketIds.map((id) => slaStateOf(byTicket.get(id) ?? [], now));
}

/** A target's clock and what Ticket.sla shows of it, with its calendar. */
export type SlaTargetRow = TargetClock & {
  kind: string;
  cycle: number;
  breachReason: string | null;
  calendar: { timeZone: string; weeklyHours: unknown; holidays: unknown } | null;
};

/** One case's SLA state at `now` from its targets (the latest cycle of each kind is used). */
export function slaStateOf(rows: readonly SlaTargetRow[], now: Date): TicketSla {
  const targets = [...latestCycles(rows).values()].map(
    (target): TargetView => ({
      ...target,
      kind: target.kind as SlaKind,
      ...clockState(calendarRules(target.calendar), target, now),
    }),
  );
  const paused = targets.find((v) => v.kind === "RESOLUTION" && v.state === "PAUSED");
  return { targets, pausedSince: paused?.pausedAt ?? null };
}
