// Cases as CSV, streamed a page at a time so an export of any size holds one page in memory.
// Production cases only, unless practice=true asks for the practice cases instead.
import type { Context } from "../context.js";
import { hasScope } from "../domain/access.js";
import { CASE_CSV_COLUMNS, caseCsvRow, csvRow } from "../domain/csv.js";
import { PRODUCTION_CASES } from "../domain/training.js";
import { ForbiddenError, ValidationError } from "../errors.js";
import { Channel, Priority, TicketStatus, TicketType } from "../generated/prisma/enums.js";
import { type TicketFilter, ticketListWhere } from "./tickets/reads.js";

const PAGE = 1000;

/** Reads the filter from query parameters: the TicketFilter fields, lists comma-separated. */
export function filterFromQuery(params: URLSearchParams): TicketFilter {
  const list = <T extends string>(name: string, allowed: Record<string, T>): T[] | null => {
    const raw = params.get(name);
    if (!raw) return null;
    const values = raw.split(",").map((v) => v.trim().toUpperCase());
    const bad = values.find((v) => !(v in allowed));
    if (bad) throw ValidationError.of(name, `"${bad}" is not one of ${Object.keys(allowed).join(", ")}`);
    return values as T[];
  };
  const date = (name: string) => {
    const raw = params.get(name);
    if (!raw) return null;
    const value = new Date(raw);
    if (Number.isNaN(value.getTime())) throw ValidationError.of(name, "must be an ISO-8601 date-time");
    return value;
  };
  const flag = (name: string) => {
    const raw = params.get(name);
    if (raw === null || raw === "") return null;
    if (raw !== "true" && raw !== "false") throw ValidationError.of(name, "must be true or false");
    return raw === "true";
  };
  return {
    status: list("status", TicketStatus),
    priority: list("priority", Priority),
    channel: list("channel", Channel),
    type: list("type", TicketType),
    teamId: params.get("teamId"),
    assigneeId: params.get("assigneeId"),
    tag: params.get("tag"),
    search: params.get("search"),
    createdAfter: date("createdAfter"),
    createdBefore: date("createdBefore"),
    practice: flag("practice"),
  };
}

export async function* exportTickets(ctx: Context, filter: TicketFilter): AsyncGenerator<string> {
  if (!ctx.viewer) throw ctx.unauthenticated();
  if (!hasScope(ctx.viewer, "tickets:read")) throw new ForbiddenError("Exporting cases needs tickets:read");
  // Practice cases are left out unless asked for with practice=true (src/domain/training.ts).
  const listed = ticketListWhere(ctx.viewer, filter);
  const where = filter.practice === null || filter.practice === undefined ? { AND: [listed, PRODUCTION_CASES] } : listed;
  yield csvRow(CASE_CSV_COLUMNS);
  for (let cursor: string | undefined; ; ) {
    const page = await ctx.prisma.ticket.findMany({
      where,
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      relationLoadStrategy: "join",
      include: {
        team: { select: { name: true } },
        assignee: { select: { name: true } },
        customer: { select: { name: true, contactMasked: true } },
        tags: { select: { tag: { select: { name: true } } } },
      },
    });
    for (const t of page) {
      yield caseCsvRow({
        number: t.number,
        title: t.title,
        status: t.status,
        priority: t.priority,
        channel: t.channel,
        type: t.type,
        subcategory: t.subcategory,
        team: t.team?.name,
        assignee: t.assignee?.name,
        accountId: t.accountId,
        externalRef: t.externalRef,
        requester: t.customer?.name,
        requesterContact: t.customer?.contactMasked,
        tags: t.tags
          .map((x) => x.tag.name)
          .sort()
          .join(" "),
        createdAt: t.createdAt,
        updatedAt: t.updatedAt,
        dueAt: t.dueAt,
        firstRespondedAt: t.firstRespondedAt,
        doneAt: t.doneAt,
        resolution: t.resolution,
        practice: t.practice,
      });
    }
    if (page.length < PAGE) return;
    cursor = page.at(-1)!.id;
  }
}
