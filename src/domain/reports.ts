// How a report period splits between the daily rollups and the facts themselves. Rollups
// are kept per UTC day (src/reports/fold.ts); a period rarely starts or ends at midnight,
// so its whole days come from the rollups and the part-days at either end from the facts.

/** A whole-day range of rollups, `from` inclusive and `to` exclusive, as UTC dates (YYYY-MM-DD). */
export interface DayRange {
  from: string;
  to: string;
}

/** A period cut into whole UTC days (null when it holds none) and the instants around them. */
export interface PeriodSplit {
  days: DayRange | null;
  /** Half-open [from, to) spans outside `days`, non-empty and in order. */
  edges: [Date, Date][];
}

const DAY_MS = 86_400_000;

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Splits [from, to) into the whole UTC days it contains and the part-days before and
 * after them; a period inside one day, or shorter than the gap to the next midnight, is
 * all edge.
 */
export function splitPeriod(from: Date, to: Date): PeriodSplit {
  if (!(from < to)) return { days: null, edges: [] };
  const firstMidnight = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  const lastMidnight = Math.floor(to.getTime() / DAY_MS) * DAY_MS;
  if (firstMidnight >= lastMidnight) return { days: null, edges: [[from, to]] };
  const edges: [Date, Date][] = [];
  if (from.getTime() < firstMidnight) edges.push([from, new Date(firstMidnight)]);
  if (lastMidnight < to.getTime()) edges.push([new Date(lastMidnight), to]);
  return { days: { from: utcDate(firstMidnight), to: utcDate(lastMidnight) }, edges };
}

/**
 * The facts a report counts, each computed per case from the case's rows
 * (src/reports/facts.ts). Dated facts fall on an instant; the others are about now.
 */
export const REPORT_METRICS = {
  /** Dated by the case's creation. */
  cases: "cases",
  channel: "channel",
  type: "type",
  subcategory: "subcategory",
  tag: "tag",
  /** A first-response or resolution target met (value: business seconds), keyed by kind. */
  met: "met",
  /** A target met without a breach, at its metAt, keyed by the case's priority. */
  kept: "kept",
  /**
   * A breached target, at its breachedAt and again at its metAt if it was met later: a
   * target counts once when either falls in the period, so a period holding both takes
   * back one through `missedTwice`.
   */
  missed: "missed",
  /**
   * A breached target met later (breachedAt < metAt, as the monitor only breaches unmet
   * targets): at its metAt, at2 its breachedAt. Both fall in [from, to) exactly when
   * metAt < to and not breachedAt < from, unless the pair spans the whole period, so
   * the pairs inside a period are sums: #(metAt < to) − #(breachedAt < from) +
   * #(breachedAt < from, metAt ≥ to), the last read one by one (none for a period ending now).
   */
  missedTwice: "missed_both",
  /** The same pair dated by its breachedAt (at2: metAt). */
  missedTwiceByBreach: "missed_both_breach",
  /** A pair the other way round (met before its breach, never by the monitor): read one by one. */
  missedTwiceOther: "missed_both_other",
  /** A survey answered, keyed by its rating ('' without one). */
  csat: "csat",
  closed: "closed",
  reopened: "reopened",
  /** About now: an open case. */
  open: "open",
  /** About now: an open case, keyed by its assignee. */
  openByAgent: "open_agent",
} as const;

export type ReportMetric = (typeof REPORT_METRICS)[keyof typeof REPORT_METRICS];

/** Facts about now are stored at this instant and in this rollup day, so one range query shape serves both. */
export const NOW_FACT_AT = "-infinity";

/**
 * Lower bounds of the duration classes, in business seconds, about 10 % apart: a met
 * target's class is stored with it, and the daily rollups count each class, so a
 * percentile finds the class holding its rank from the rollups and reads only that
 * class's values. The class of v is the last bound ≤ v (PostgreSQL's width_bucket; 0
 * below the first).
 */
export const DURATION_CLASS_BOUNDS: readonly number[] = (() => {
  const bounds = [1];
  while (bounds.at(-1)! < 100_000_000) bounds.push(Math.max(bounds.at(-1)! + 1, Math.round(bounds.at(-1)! * 1.1)));
  return bounds;
})();

/** Digits of a class number in a fact's key: fixed, so keys sort as the classes do. */
export const DURATION_CLASS_DIGITS = 4;

/** The fraction of the duration percentile reports show (p90). */
export const DURATION_PERCENTILE = 0.9;

/**
 * The two ranks (0-based, in ascending order of value) that PostgreSQL's
 * percentile_cont(fraction) interpolates between over `count` values.
 */
export function percentileRanks(fraction: number, count: number): { low: number; high: number } {
  const position = fraction * (count - 1);
  return { low: Math.floor(position), high: Math.ceil(position) };
}

/** percentile_cont(fraction) from the values at its two ranks, with PostgreSQL's arithmetic (float8_lerp). */
export function percentileCont(fraction: number, count: number, low: number, high: number): number {
  const position = fraction * (count - 1);
  return low + (high - low) * (position - Math.floor(position));
}

/** Before any fact and after every fact: the open ends of the pair sums above. */
export const FACTS_SINCE = new Date("1900-01-01T00:00:00Z");
export const FACTS_UNTIL = new Date("9999-01-01T00:00:00Z");
