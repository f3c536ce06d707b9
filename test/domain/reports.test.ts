import { describe, expect, it } from "vitest";
import { DURATION_CLASS_BOUNDS, percentileCont, percentileRanks, splitPeriod } from "../../src/domain/reports.js";

const at = (iso: string) => new Date(iso);

describe("splitPeriod", () => {
  it("reads whole days from rollups and the part-days at both ends from facts", () => {
    expect(splitPeriod(at("2026-11-01T10:00:00Z"), at("2026-11-04T06:30:00Z"))).toEqual({
      days: { from: "2026-11-02", to: "2026-11-04" },
      edges: [
        [at("2026-11-01T10:00:00Z"), at("2026-11-02T00:00:00Z")],
        [at("2026-11-04T00:00:00Z"), at("2026-11-04T06:30:00Z")],
      ],
    });
  });

  it("has no edges when the period starts and ends at midnight", () => {
    expect(splitPeriod(at("2026-11-01T00:00:00Z"), at("2026-11-03T00:00:00Z"))).toEqual({
      days: { from: "2026-11-01", to: "2026-11-03" },
      edges: [],
    });
  });

  it("is all edge within one day, or across one midnight with no whole day between", () => {
    expect(splitPeriod(at("2026-11-01T01:00:00Z"), at("2026-11-01T02:00:00Z"))).toEqual({
      days: null,
      edges: [[at("2026-11-01T01:00:00Z"), at("2026-11-01T02:00:00Z")]],
    });
    expect(splitPeriod(at("2026-11-01T23:00:00Z"), at("2026-11-02T01:00:00Z"))).toEqual({
      days: null,
      edges: [[at("2026-11-01T23:00:00Z"), at("2026-11-02T01:00:00Z")]],
    });
  });

  it("ends exactly at a midnight with one edge, and is empty when from is not before to", () => {
    expect(splitPeriod(at("2026-11-01T12:00:00Z"), at("2026-11-03T00:00:00Z"))).toEqual({
      days: { from: "2026-11-02", to: "2026-11-03" },
      edges: [[at("2026-11-01T12:00:00Z"), at("2026-11-02T00:00:00Z")]],
    });
    expect(splitPeriod(at("2026-11-02T00:00:00Z"), at("2026-11-02T00:00:00Z"))).toEqual({ days: null, edges: [] });
  });
});

describe("percentile_cont from its two ranks", () => {
  it("interpolates as PostgreSQL does: p90 of 1..10 is 9.1", () => {
    expect(percentileRanks(0.9, 10)).toEqual({ low: 8, high: 9 });
    expect(percentileCont(0.9, 10, 9, 10)).toBeCloseTo(9.1, 12);
    expect(percentileRanks(0.9, 1)).toEqual({ low: 0, high: 0 });
    expect(percentileCont(0.9, 1, 42, 42)).toBe(42);
    expect(percentileRanks(0.9, 11)).toEqual({ low: 9, high: 9 });
  });

  it("duration classes rise strictly, about 10 % apart, up to 10^8 seconds", () => {
    expect(DURATION_CLASS_BOUNDS[0]).toBe(1);
    for (let i = 1; i < DURATION_CLASS_BOUNDS.length; i++) expect(DURATION_CLASS_BOUNDS[i]!).toBeGreaterThan(DURATION_CLASS_BOUNDS[i - 1]!);
    expect(DURATION_CLASS_BOUNDS.at(-1)!).toBeGreaterThanOrEqual(100_000_000);
    // Class numbers fit the fixed digits of a fact's key.
    expect(String(DURATION_CLASS_BOUNDS.length).length).toBeLessThanOrEqual(4);
  });
});
