// src/db/where-sql.ts on its own: what it refuses to translate (the compiled case list then
// falls back to Prisma), so a condition can never select other rows than Prisma would. That
// it selects the same rows as Prisma where it does translate is test/compiled-list.test.ts's.
import { describe, expect, it } from "vitest";
import { orderSql, UntranslatableWhere, whereSql } from "../src/db/where-sql.js";

describe("whereSql", () => {
  it("translates case-insensitive equals and text matches", () => {
    expect(whereSql("Ticket", { title: { contains: "refund", mode: "insensitive" } }, "t").sql).toMatch(/ILIKE/);
    expect(whereSql("Ticket", { title: { equals: "Refund", mode: "insensitive" } }, "t").sql).toMatch(/lower\(t\."title"\) = lower\(/);
  });

  it("refuses case-insensitive in, notIn, not and ranges, which it would compare with case", () => {
    for (const filter of [{ in: ["a"] }, { notIn: ["a"] }, { not: "a" }, { lt: "a" }, { gte: "a" }]) {
      expect(() => whereSql("Ticket", { title: { ...filter, mode: "insensitive" } }, "t"), JSON.stringify(filter)).toThrow(
        UntranslatableWhere,
      );
    }
  });
});

describe("orderSql", () => {
  it("writes directions as words", () => {
    expect(orderSql("Ticket", [{ createdAt: "desc" }, { id: { sort: "asc", nulls: "last" } }], "t").sql).toBe(
      't."createdAt" DESC, t."id" ASC NULLS LAST',
    );
  });

  it("refuses anything but asc/desc and first/last, which would be written into the statement", () => {
    expect(() => orderSql("Ticket", [{ createdAt: "desc, (SELECT 1)" as "desc" }], "t")).toThrow(UntranslatableWhere);
    expect(() => orderSql("Ticket", [{ createdAt: { sort: "asc", nulls: "last; DROP TABLE x" as "last" } }], "t")).toThrow(
      UntranslatableWhere,
    );
  });
});
