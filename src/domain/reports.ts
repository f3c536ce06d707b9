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
  /** A breached target that was met too: at its metAt, at2 its breachedAt. */
  missedTwice: "missed_both",
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
