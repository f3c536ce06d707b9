// CSV for spreadsheets (RFC 4180). Cells that a spreadsheet would run as a formula are
// defused with a leading apostrophe: a customer's text must never execute on a desk.
/**
 * The columns of the case export, in order; the import reads them by these names
 * (domain/import.ts IMPORT_FIELDS), and the export writes its rows by them (caseCsvRow),
 * so a column added here is written and read under the same name or fails to compile.
 */
export const CASE_CSV_COLUMNS = [
  "number",
  "title",
  "status",
  "priority",
  "channel",
  "type",
  "subcategory",
  "team",
  "assignee",
  "accountId",
  "externalRef",
  "requester",
  "requesterContact",
  "tags",
  "createdAt",
  "updatedAt",
  "dueAt",
  "firstRespondedAt",
  "doneAt",
  "resolution",
  "practice",
] as const;

export type CaseCsvColumn = (typeof CASE_CSV_COLUMNS)[number];

/** One exported case: every column's value by its name, written in CASE_CSV_COLUMNS' order under its header. */
export function caseCsvRow(values: Readonly<Record<CaseCsvColumn, unknown>>): string {
  return csvRow(CASE_CSV_COLUMNS.map((column) => values[column]));
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/**
 * A cell as it was before csvCell defused it: the apostrophe before a formula start is
 * taken off again, so an exported file imports as the cases it came from. (A text that
 * itself began with an apostrophe and a formula start loses the apostrophe.)
 */
export function uncsvCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}
