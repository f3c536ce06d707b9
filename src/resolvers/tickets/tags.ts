// Adding and removing a case's tags by hand: refused past MAX_TAGS rather than left off.
import type { Context } from "../../context.js";
import { parseInput, tagList } from "../../domain/input.js";
import { MAX_TAGS, tagChange } from "../../domain/tags.js";
import { ValidationError } from "../../errors.js";
import type { Ticket } from "../../generated/prisma/client.js";
import { recordEvent } from "../audit.js";
import { runRules } from "../rules/apply.js";
import { ensureTags, saveTicket, tagNamesOf } from "../ticket-rows.js";
import { loadForWrite, type TicketResult, type Write, write } from "../write-frame.js";

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
  // The case's versioned update first: it locks the case, so a concurrent change of its
  // tags waits here and then loses as a version conflict, instead of both reading the
  // same tags and the second failing on the duplicate row.
  await saveTicket(tx, ticket, null, { updatedAt: now });
  if (mode === "add") {
    const rows = await ensureTags(tx, change.added);
    await tx.ticketTag.createMany({ data: rows.map((tag) => ({ ticketId: ticket.id, tagId: tag.id, addedAt: now })) });
  } else {
    await tx.ticketTag.deleteMany({ where: { ticketId: ticket.id, tag: { name: { in: change.removed } } } });
  }
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
