// Conditions for reading cases: a list's filter and a single case, always narrowed by
// the access rules to what the viewer may see.
import { type Viewer, visibleTicketsWhere } from "../../domain/access.js";
import { likeLiteral } from "../../domain/search.js";
import { ValidationError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Channel, Priority, TicketStatus, TicketType } from "../../generated/prisma/enums.js";
import { decodeId } from "../ids.js";

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
  /** true: practice cases only; false: production cases only; absent: both. */
  practice?: boolean | null;
}

/** Sort orders of a case list, with the id last so every order is total (cursors need that). */
export const TICKET_ORDER = {
  NEWEST: [{ createdAt: "desc" }, { id: "desc" }],
  OLDEST: [{ createdAt: "asc" }, { id: "asc" }],
  RECENTLY_UPDATED: [{ updatedAt: "desc" }, { id: "desc" }],
  PRIORITY: [{ priority: "asc" }, { createdAt: "asc" }, { id: "asc" }],
  DUE_SOONEST: [{ dueAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
} as const;

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
  if (filter?.practice !== null && filter?.practice !== undefined) and.push({ practice: filter.practice });
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
