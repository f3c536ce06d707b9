// Importing a team's existing escalation list from CSV: which columns are read, how a
// file's headers map onto them, and how one row's cells become the input of a case. The
// case's own rules (lengths, free text redacted, tags, the title naming the account) are
// createTicket's (`createTicketInput` in input.ts); this module only turns cells into that
// input and checks what only an import carries: original times, status and number.
import { ValidationError } from "../errors.js";
import { administersEverything, type Viewer } from "./access.js";
import { CASE_CSV_COLUMNS, uncsvCell } from "./csv.js";
import { CHANNEL_PREFIX } from "./numbering.js";

export const IMPORT_CHANNELS = ["WEB", "APP", "WECHAT", "WEIBO", "MINI_PROGRAM", "EMAIL", "CHAT", "PHONE", "SLACK", "API"] as const;
export const IMPORT_STATUSES = ["NEW", "NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER", "DONE", "BACKLOG"] as const;
export const IMPORT_PRIORITIES = ["HIGH", "MEDIUM", "LOW"] as const;
export const IMPORT_TYPES = ["INQUIRY", "COMPLAINT", "SUGGESTION", "TECHNICAL_FAULT"] as const;
type ImportChannel = (typeof IMPORT_CHANNELS)[number];
type ImportStatus = (typeof IMPORT_STATUSES)[number];

/**
 * The columns an import reads: the CSV export's (CASE_CSV_COLUMNS), in its order,
 * plus the longer texts and severity a list may carry. Other columns are ignored.
 */
export const IMPORT_FIELDS = [
  // "practice" included: a practice case exported comes back a practice case (domain/training.ts).
  ...CASE_CSV_COLUMNS,
  "description",
  "details",
  "severity",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** What a row defaults to when its column is absent or its cell empty. */
export const IMPORT_DEFAULTS = { channel: "API", type: "INQUIRY", priority: "MEDIUM", status: "NEW" } as const;

/** A problem with one row (or the file, line 1 for the header): the field and why. */
export interface ImportProblem {
  field: string;
  reason: string;
}

/** Who may import: those who administer the whole installation (a row may name any team). */
export function mayImport(viewer: Viewer | null): boolean {
  return administersEverything(viewer);
}

/**
 * Reads a header mapping, "Subject=title,Opened=createdAt": the file's header on the
 * left, an import field on the right. A target that is not a field, or a malformed pair,
 * is a ValidationError naming `map`.
 */
export function parseHeaderMapping(text: string | null | undefined): Map<string, ImportField> {
  const mapping = new Map<string, ImportField>();
  if (!text?.trim()) return mapping;
  for (const pair of text.split(",")) {
    const at = pair.lastIndexOf("=");
    const from = pair.slice(0, at).trim();
    const to = pair.slice(at + 1).trim();
    if (at <= 0 || !from || !to) throw ValidationError.of("map", `"${pair.trim()}" is not <file header>=<field>`);
    if (!(IMPORT_FIELDS as readonly string[]).includes(to)) {
      throw ValidationError.of("map", `"${to}" is not a field; fields are ${IMPORT_FIELDS.join(", ")}`);
    }
    mapping.set(from, to as ImportField);
  }
  return mapping;
}

/**
 * Which field each column of the file feeds (null: ignored), from its header row and the
 * mapping. A mapped header wins over a header that is itself a field's name. Problems:
 * a field fed by two columns, a mapped header missing, no title or accountId column.
 */
export function resolveColumns(
  header: readonly string[],
  mapping: ReadonlyMap<string, ImportField>,
): { columns: (ImportField | null)[]; problems: ImportProblem[] } {
  const names = header.map((h, i) => (i === 0 ? h.replace(/^\ufeff/, "") : h).trim());
  const problems: ImportProblem[] = [];
  const columns = names.map(
    (name) => mapping.get(name) ?? ((IMPORT_FIELDS as readonly string[]).includes(name) ? (name as ImportField) : null),
  );
  for (const from of mapping.keys()) {
    if (!names.includes(from)) problems.push({ field: "map", reason: `the file has no column "${from}"` });
  }
  const seen = new Set<ImportField>();
  for (const field of columns) {
    if (!field) continue;
    if (seen.has(field)) problems.push({ field, reason: "is fed by more than one column" });
    seen.add(field);
  }
  for (const required of ["title", "accountId"] as const) {
    if (!seen.has(required)) problems.push({ field: required, reason: "has no column (map one with title=… / accountId=…)" });
  }
  return { columns, problems };
}

/** One row as named cells, empty cells left out, each cell read back as exported (csv.ts). */
export function rowCells(columns: readonly (ImportField | null)[], record: readonly string[]): Partial<Record<ImportField, string>> {
  const cells: Partial<Record<ImportField, string>> = {};
  columns.forEach((field, i) => {
    const raw = record[i];
    if (!field || raw === undefined) return;
    const value = uncsvCell(raw).trim();
    if (value !== "") cells[field] = value;
  });
  return cells;
}

/** What a row asks for beyond createTicket's input: the import's own facts. */
export interface ImportedFacts {
  channel: ImportChannel;
  status: ImportStatus;
  priority: (typeof IMPORT_PRIORITIES)[number];
  type: (typeof IMPORT_TYPES)[number];
  createdAt: Date | null;
  updatedAt: Date | null;
  firstRespondedAt: Date | null;
  doneAt: Date | null;
  dueAt: Date | null;
  number: string | null;
  team: string | null;
  assignee: string | null;
  resolution: string | null;
  /** A contact as the export shows it (masked): kept masked, since the original is not known. */
  maskedContact: string | null;
  /** The key that makes importing the row again a skip: its externalRef, else its number. */
  importKey: string | null;
  /** A practice case (training mode), as the export's `practice` column says; real when empty. */
  practice: boolean;
}

/** The `practice` cell as the export writes it (true/false), also yes/no and 1/0, any case; null when it is none of them. */
export function practiceCell(raw: string | undefined): boolean | null {
  if (raw === undefined) return false;
  const value = raw.toLowerCase();
  if (value === "true" || value === "yes" || value === "1") return true;
  if (value === "false" || value === "no" || value === "0") return false;
  return null;
}

/**
 * Splits a row into createTicket's input (for createTicketInput) and the import's own
 * facts, checking enums and dates; problems name the field. `now` bounds the times: a
 * case cannot have been created in the future.
 */
export function readRow(
  cells: Partial<Record<ImportField, string>>,
  now: Date,
): { input: Record<string, unknown>; facts: ImportedFacts; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const oneOf = <T extends string>(field: ImportField, allowed: readonly T[], fallback: T): T => {
    const raw = cells[field];
    if (raw === undefined) return fallback;
    const value = raw.toUpperCase().replace(/[\s-]+/g, "_");
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push({ field, reason: `"${raw}" is not one of ${allowed.join(", ")}` });
    return fallback;
  };
  const time = (field: ImportField): Date | null => {
    const raw = cells[field];
    if (raw === undefined) return null;
    const value = new Date(raw);
    if (Number.isNaN(value.getTime())) {
      problems.push({ field, reason: "must be an ISO-8601 date-time" });
      return null;
    }
    return value;
  };
  const channel = oneOf("channel", IMPORT_CHANNELS, IMPORT_DEFAULTS.channel);
  const status = oneOf("status", IMPORT_STATUSES, IMPORT_DEFAULTS.status);
  const priority = oneOf("priority", IMPORT_PRIORITIES, IMPORT_DEFAULTS.priority);
  const type = oneOf("type", IMPORT_TYPES, IMPORT_DEFAULTS.type);
  const createdAt = time("createdAt");
  const updatedAt = time("updatedAt");
  const firstRespondedAt = time("firstRespondedAt");
  const doneAt = time("doneAt");
  const dueAt = time("dueAt");
  for (const [field, at] of [
    ["createdAt", createdAt],
    ["updatedAt", updatedAt],
    ["firstRespondedAt", firstRespondedAt],
    ["doneAt", doneAt],
  ] as const) {
    if (at && at > now) problems.push({ field, reason: "must not be in the future" });
    if (at && createdAt && field !== "createdAt" && at < createdAt) problems.push({ field, reason: "must not be before createdAt" });
  }
  if (doneAt && status !== "DONE") problems.push({ field: "doneAt", reason: `is only for DONE cases (the row is ${status})` });
  const practice = practiceCell(cells.practice);
  if (practice === null) problems.push({ field: "practice", reason: `"${cells.practice}" is not true or false` });
  let severity: number | null = null;
  if (cells.severity !== undefined) {
    severity = /^-?\d+$/.test(cells.severity) ? Number(cells.severity) : Number.NaN;
    if (Number.isNaN(severity)) problems.push({ field: "severity", reason: "must be a whole number" });
  }
  const contact = cells.requesterContact ?? null;
  const maskedContact = contact && isMaskedContact(contact) ? contact : null;
  const requester =
    cells.requester !== undefined || (contact && !maskedContact)
      ? { name: cells.requester ?? null, contact: maskedContact ? null : contact }
      : null;
  const input: Record<string, unknown> = {
    title: cells.title ?? "",
    accountId: cells.accountId ?? "",
    externalRef: cells.externalRef ?? null,
    subcategory: cells.subcategory ?? null,
    severity: Number.isNaN(severity) ? null : severity,
    description: cells.description ?? null,
    details: cells.details ?? null,
    requester,
    tags: cells.tags ? cells.tags.split(/[\s,;]+/).filter(Boolean) : null,
    dueAt,
  };
  const number = cells.number ?? null;
  const importKey = cells.externalRef ? `ref:${cells.externalRef}` : number ? `number:${number}` : null;
  if (!importKey) problems.push({ field: "externalRef", reason: "or number is needed, so importing the file again skips the row" });
  return {
    input: { ...input, priority, type, channel },
    facts: {
      channel,
      status,
      priority,
      type,
      createdAt,
      updatedAt,
      firstRespondedAt,
      doneAt,
      dueAt,
      number,
      team: cells.team ?? null,
      assignee: cells.assignee ?? null,
      resolution: cells.resolution ?? null,
      maskedContact,
      importKey,
      practice: practice ?? false,
    },
    problems,
  };
}

/** The idempotency key an imported case is stored with: one per channel and source key. */
export function importIdempotencyKey(channel: ImportChannel, importKey: string): string {
  return `import:${channel}:${importKey}`;
}

/**
 * A case number a row may keep: <PREFIX>-<YYYYMMDD>-<NNN> of the row's own channel, a real
 * day, a sequence from 1. Returns its day and sequence, or why it is not kept.
 */
export function keptNumber(number: string, channel: ImportChannel): { day: string; sequence: number } | { reason: string } {
  const match = /^([A-Z]+)-(\d{8})-(\d{3,})$/.exec(number);
  if (!match) return { reason: "is not <PREFIX>-<YYYYMMDD>-<NNN>" };
  const [, prefix, day, digits] = match;
  if (prefix !== CHANNEL_PREFIX[channel]) return { reason: `has prefix ${prefix}, but ${channel} cases are ${CHANNEL_PREFIX[channel]}-…` };
  const date = new Date(`${day!.slice(0, 4)}-${day!.slice(4, 6)}-${day!.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replace(/-/g, "") !== day)
    return { reason: `${day} is no calendar day` };
  const sequence = Number(digits);
  if (sequence < 1 || sequence > 2 ** 31 - 1) return { reason: "has no sequence from 1" };
  return { day: day!, sequence };
}

/**
 * Whether a contact is in the form maskContact gives (`j***@example.com`, `138****5678`,
 * `+861****5678`, `****`): exported contacts are masked, and a masked one is kept as it
 * is, without an encrypted original.
 */
export function isMaskedContact(value: string): boolean {
  return /^[^\s@]\*\*\*@[^\s@]+\.[^\s@]+$/.test(value) || /^\+?(\d{3}\*{4}\d{4}|\*+\d{4}|\*{4})$/.test(value);
}
