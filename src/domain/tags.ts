// A case's tags. The cap is one rule for every road that adds tags: people and bots
// (createTicket, addTags), macros, and routing rules and tag triggers.

/** The most tags a case carries. */
export const MAX_TAGS = 20;

/**
 * The order a case's tags are shown in: by Unicode code point, which is also PostgreSQL's
 * `COLLATE "C"` on UTF-8 (the compiled case list sorts there). JavaScript's default sort
 * compares UTF-16 units and puts 𠀀 before 﨎.
 */
export function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export interface TagChange {
  /** The case's tags afterwards, in the order kept then added. */
  tags: string[];
  added: string[];
  removed: string[];
  /** Tags asked for that did not fit under MAX_TAGS. */
  leftOff: string[];
}

/**
 * A case's tags after removing `remove` and adding `add`. Removals come first, so they
 * make room; a tag the case has is neither added nor left off; additions that would take
 * the case past MAX_TAGS are left off, in the order given. A case that somehow carries
 * more already keeps them and gains none. Whether leaving tags off is an error is the
 * caller's: a person is refused, a rule carries on without them.
 */
export function tagChange(current: readonly string[], add: readonly string[], remove: readonly string[] = []): TagChange {
  const removed = current.filter((t) => remove.includes(t));
  const kept = current.filter((t) => !remove.includes(t));
  const wanted = [...new Set(add)].filter((t) => !kept.includes(t));
  const room = Math.max(0, MAX_TAGS - kept.length);
  const added = wanted.slice(0, room);
  return { tags: [...kept, ...added], added, removed, leftOff: wanted.slice(room) };
}
