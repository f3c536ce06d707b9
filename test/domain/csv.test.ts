// The case export's rows are written by column name (caseCsvRow), so every value lands
// under its own header whatever order it is given in, which is what the import reads by.
import { describe, expect, it } from "vitest";
import { CASE_CSV_COLUMNS, type CaseCsvColumn, caseCsvRow, csvRow } from "../../src/domain/csv.js";
import { IMPORT_FIELDS } from "../../src/domain/import.js";

describe("caseCsvRow", () => {
  it("writes each value under its own header, whatever order the values come in", () => {
    const reversed = Object.fromEntries([...CASE_CSV_COLUMNS].reverse().map((column) => [column, `v-${column}`])) as Record<
      CaseCsvColumn,
      string
    >;
    const cells = caseCsvRow(reversed).trimEnd().split(",");
    const header = csvRow(CASE_CSV_COLUMNS).trimEnd().split(",");
    expect(cells).toEqual(header.map((column) => `v-${column}`));
  });

  it("is what the import reads: every export column is an import field", () => {
    expect(IMPORT_FIELDS.slice(0, CASE_CSV_COLUMNS.length)).toEqual([...CASE_CSV_COLUMNS]);
  });
});
