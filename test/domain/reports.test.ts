import { describe, expect, it } from "vitest";
import { splitPeriod } from "../../src/domain/reports.js";

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
