// Importing cases from CSV (`npm run import:tickets`, `POST /import/tickets.csv`): the file
// is parsed as a stream (csv-parse) and each row is written in a transaction of its own,
// so a refused row leaves nothing behind and the rows before it stay imported. A row's
// input passes createTicket's rules (createTicketInput: redaction, lengths, tags, the title
// naming the account); the import keeps the row's original times, status and, when it
// can, its number, and audits the case as one IMPORTED event.
// What an import does not do, on purpose (docs/domain.md, "Import"): no routing rules, no
// automatic escalation, no acknowledgment to the customer, no SLA targets and no
// time-in-status checks for the imported history, no webhooks.
import { parse } from "csv-parse";
import { type AppServices, createContext } from "../context.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import type { Viewer } from "../domain/access.js";
import {
  type ImportField,
  type ImportProblem,
  importIdempotencyKey,
  keptNumber,
  readRow,
  resolveColumns,
  rowCells,
} from "../domain/import.js";
import { createTicketInput, parseInput, transitionTexts } from "../domain/input.js";
import { formatTicketNumber } from "../domain/numbering.js";
import { isEmail, redactionsIn } from "../domain/privacy.js";
import { ValidationError } from "../errors.js";
import { recordEvent } from "./audit.js";
import { ensureTags } from "./ticket-rows.js";
import { nextTicketNumber } from "./tickets/create.js";
import { upsertCustomer } from "./tickets/customer.js";
import { assertAssignable } from "./tickets/team-checks.js";

/** How many rows of each kind the report lists one by one; the counts are always whole. */
export const IMPORT_REPORT_LIMIT = 1000;
/** The longest single row read: a row is held in memory whole. */
const MAX_ROW_BYTES = 1_000_000;

export interface ImportOptions {
  /** The team (by name) of rows whose team cell is empty. */
  team?: string | null;
  /** File header → field ("Subject" → "title"), from parseHeaderMapping. */
  mapping?: ReadonlyMap<string, ImportField>;
  /** Validate and report, write nothing. */
  dryRun?: boolean;
  /** Called after each row, for a progress display. */
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  rows: number;
  imported: number;
  skipped: number;
  rejected: number;
}

export interface ImportReport extends ImportProgress {
  dryRun: boolean;
  /** Rows refused, one entry per problem: the file's line, the field, why. */
  problems: { line: number; field: string; reason: string }[];
  /** Rows already imported (the same channel and externalRef, or number without one). */
  skippedRows: { line: number; number: string }[];
  /** Imported rows whose number could not be kept, with the number they got. */
  renumbered: { line: number; from: string | null; to: string; reason: string }[];
  /** A problem with the file itself (`file`: broken quoting; a field or `map`: the header); the rows before it stand. */
  fileError: { line: number; field: string; reason: string } | null;
}

type Outcome =
  | { kind: "imported"; number: string; renumbered: { from: string | null; reason: string } | null }
  | { kind: "skipped"; number: string }
  | { kind: "rejected"; problems: ImportProblem[] };

class RowRejected extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super("row rejected");
  }
}
class DryRunRollback extends Error {
  constructor(readonly outcome: Outcome) {
    super("dry run");
  }
}

/** The import field a createTicket input path belongs to ("row.requester.contact" → requesterContact). */
function fieldOfPath(path: string): string {
  const [, first, second] = path.split(".");
  if (first === "requester") return second === "contact" ? "requesterContact" : "requester";
  return first ?? path;
}

const asProblems = (error: ValidationError): ImportProblem[] =>
  error.issues.map((issue) => ({ field: fieldOfPath(issue.field), reason: issue.message }));

/** What one run reads once: the tiers, and the teams by name. */
interface RunCache {
  firstTierId: string | null;
  teams: Map<string, string | null>;
}

async function teamIdByName(tx: Tx, cache: RunCache, name: string): Promise<string | null> {
  if (!cache.teams.has(name)) {
    const team = await tx.team.findUnique({ where: { name }, select: { id: true } });
    cache.teams.set(name, team?.id ?? null);
  }
  return cache.teams.get(name)!;
}

/** The assignee a cell names: by e-mail, else by a name exactly one active person has. */
async function assigneeIdOf(tx: Tx, cell: string): Promise<string> {
  if (isEmail(cell)) {
    const user = await tx.user.findUnique({ where: { email: cell.toLowerCase() }, select: { id: true } });
    if (!user) throw new RowRejected([{ field: "assignee", reason: `no person has the e-mail ${cell}` }]);
    return user.id;
  }
  const users = await tx.user.findMany({ where: { name: cell, active: true }, select: { id: true }, take: 2 });
  if (users.length !== 1) {
    throw new RowRejected([
      {
        field: "assignee",
        reason: users.length ? `${users.length} people are named ${cell}; give an e-mail` : `no active person is named ${cell}`,
      },
    ]);
  }
  return users[0]!.id;
}

async function importRow(
  services: AppServices,
  actor: Viewer | null,
  cache: RunCache,
  line: number,
  cells: Partial<Record<ImportField, string>>,
  options: ImportOptions,
): Promise<Outcome> {
  const now = services.clock.now();
  const { input: rawInput, facts, problems } = readRow(cells, now);
  let input: ReturnType<typeof parseInput<typeof createTicketInput>> | null = null;
  let resolution: string | null = null;
  try {
    input = parseInput(createTicketInput, rawInput, "row");
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...asProblems(error));
  }
  try {
    resolution = parseInput(transitionTexts, { resolution: facts.resolution }, "row").resolution ?? null;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...asProblems(error));
  }
  if (problems.length || !input || !facts.importKey) return { kind: "rejected", problems };
  const parsed = input;
  const idempotencyKey = importIdempotencyKey(facts.channel, facts.importKey);
  const ctx = createContext(services, actor);

  const write = (tx: Tx): Promise<Outcome> =>
    (async () => {
      const earlier = await tx.ticket.findUnique({ where: { idempotencyKey }, select: { number: true } });
      if (earlier) return { kind: "skipped", number: earlier.number } as const;

      const teamName = facts.team ?? options.team ?? null;
      const teamId = teamName ? await teamIdByName(tx, cache, teamName) : null;
      if (teamName && !teamId) throw new RowRejected([{ field: "team", reason: `no team is named ${teamName}` }]);
      let assigneeId: string | null = null;
      if (facts.assignee) {
        assigneeId = await assigneeIdOf(tx, facts.assignee);
        try {
          await assertAssignable(tx, assigneeId, teamId, "assignee");
        } catch (error) {
          if (error instanceof ValidationError) throw new RowRejected([{ field: "assignee", reason: error.issues[0]!.message }]);
          throw error;
        }
      }

      const createdAt = facts.createdAt ?? now;
      // The row's number when it is well formed for its channel and free; otherwise the
      // next of its creation day, from the day's counter like every new case's.
      let number: string | null = null;
      let renumbered: { from: string | null; reason: string } | null = null;
      if (facts.number) {
        const kept = keptNumber(facts.number, facts.channel);
        if ("reason" in kept) renumbered = { from: facts.number, reason: `the number ${kept.reason}` };
        else if (await tx.ticket.findUnique({ where: { number: facts.number }, select: { id: true } })) {
          renumbered = { from: facts.number, reason: "the number is taken by another case" };
        } else {
          number = formatTicketNumber(facts.channel, kept.day, kept.sequence);
          // The day's counter moves past a kept number, so no later case is given it again.
          await tx.$executeRaw`
            INSERT INTO "TicketSequence" ("channel", "day", "last") VALUES (${facts.channel}::"Channel", ${kept.day}, ${kept.sequence})
            ON CONFLICT ("channel", "day") DO UPDATE SET "last" = GREATEST("TicketSequence"."last", EXCLUDED."last")`;
        }
      }
      if (!number) {
        number = await nextTicketNumber(ctx, tx, facts.channel, createdAt);
        if (!renumbered) renumbered = { from: null, reason: "the row has no number" };
      }

      const [customerId, tagRows] = await Promise.all([
        upsertCustomer(ctx, tx, parsed.accountId, parsed.requester),
        ensureTags(tx, parsed.tags ?? []),
      ]);
      if (facts.maskedContact) {
        // Only the masked form is known: shown as it was, with no encrypted original.
        await tx.customer.updateMany({ where: { id: customerId, contactMasked: null }, data: { contactMasked: facts.maskedContact } });
      }
      const ticket = await tx.ticket.create({
        data: {
          number,
          title: parsed.title,
          accountId: parsed.accountId,
          externalRef: parsed.externalRef,
          channel: facts.channel,
          type: facts.type,
          subcategory: parsed.subcategory,
          priority: facts.priority,
          severity: parsed.severity,
          status: facts.status,
          description: parsed.description,
          details: parsed.details,
          resolution,
          teamId,
          tierId: cache.firstTierId,
          assigneeId,
          customerId,
          dueAt: parsed.dueAt,
          practice: facts.practice,
          idempotencyKey,
          submittedById: actor?.kind === "user" ? actor.userId : null,
          submittedByTokenId: actor?.kind === "token" ? actor.tokenId : null,
          firstRespondedAt: facts.firstRespondedAt,
          doneAt: facts.doneAt,
          createdAt,
          updatedAt: facts.updatedAt ?? createdAt,
          tags: { create: tagRows.map((tag) => ({ tagId: tag.id, addedAt: createdAt })) },
        },
        select: { id: true },
      });
      await recordEvent(tx, actor, ticket.id, now, {
        type: "IMPORTED",
        after: {
          number,
          ...(renumbered?.from ? { sourceNumber: renumbered.from } : {}),
          status: facts.status,
          priority: facts.priority,
          teamId,
          assigneeId,
          tags: [...(parsed.tags ?? [])].sort(),
          createdAt: createdAt.toISOString(),
          ...(facts.practice ? { practice: true } : {}),
          line,
          ...redactionsIn(
            parsed.title,
            parsed.externalRef,
            parsed.subcategory,
            parsed.description,
            parsed.details,
            parsed.requester?.name,
            resolution,
          ),
        },
      });
      const outcome: Outcome = { kind: "imported", number, renumbered };
      if (options.dryRun) throw new DryRunRollback(outcome);
      return outcome;
    })();

  try {
    return await inTransaction(services, write);
  } catch (error) {
    if (error instanceof DryRunRollback) return error.outcome;
    if (error instanceof RowRejected) return { kind: "rejected", problems: error.problems };
    if ((error as { code?: string }).code === "P2002") {
      // Another import wrote the same row, or took the number, meanwhile.
      const earlier = await services.prisma.ticket.findUnique({ where: { idempotencyKey }, select: { number: true } });
      if (earlier) return { kind: "skipped", number: earlier.number };
      return { kind: "rejected", problems: [{ field: "number", reason: "was taken by another case meanwhile; import the row again" }] };
    }
    throw error;
  }
}

type CsvRecord = { record: string[]; raw: string };

/**
 * The records of a CSV byte stream, a chunk at a time: each chunk's complete records are
 * handed out (and imported) before the next chunk is read, so the parser never runs ahead
 * of the import, and when the stream fails (too large, say) every record before the
 * failure has been handed out and the incomplete one after it is dropped, never imported
 * cut short.
 */
async function* csvRecords(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<CsvRecord> {
  const parser = parse({ bom: true, raw: true, relax_column_count: true, max_record_size: MAX_ROW_BYTES });
  let failure: Error | null = null;
  parser.on("error", (error) => (failure ??= error));
  // Hands out the records of one write (or of the end): reading makes room for the parser,
  // which holds a write's callback while its output is full.
  async function* drained(give: (done: (error?: Error | null) => void) => void): AsyncGenerator<CsvRecord> {
    let finished = false;
    let wake = () => {};
    give((error) => {
      if (error) failure ??= error;
      finished = true;
      wake();
    });
    for (;;) {
      for (let record = parser.read() as CsvRecord | null; record !== null; record = parser.read() as CsvRecord | null) yield record;
      if (failure) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => {
        wake = () => {
          parser.off("readable", wake);
          resolve();
        };
        parser.once("readable", wake);
      });
    }
  }
  for await (const chunk of source) yield* drained((done) => parser.write(chunk, done));
  yield* drained((done) => parser.end(done));
}

/**
 * Imports a CSV byte stream row by row. The header row (line 1) says which column is
 * which (with `options.mapping`); a header problem ends the import before any row.
 */
export async function importTickets(
  services: AppServices,
  actor: Viewer | null,
  source: AsyncIterable<Uint8Array | string>,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = {
    dryRun: Boolean(options.dryRun),
    rows: 0,
    imported: 0,
    skipped: 0,
    rejected: 0,
    problems: [],
    skippedRows: [],
    renumbered: [],
    fileError: null,
  };
  const tiers = await services.prisma.tier.findMany({ orderBy: { level: "asc" }, select: { id: true }, take: 1 });
  const cache: RunCache = { firstTierId: tiers[0]?.id ?? null, teams: new Map() };
  if (options.team && !(await services.prisma.team.findUnique({ where: { name: options.team }, select: { id: true } }))) {
    report.fileError = { line: 0, field: "team", reason: `no team is named ${options.team}` };
    return report;
  }
  let columns: (ImportField | null)[] | null = null;
  let nextLine = 1;
  const listed = <T>(list: T[], item: T) => list.length < IMPORT_REPORT_LIMIT && list.push(item);
  try {
    for await (const { record, raw } of csvRecords(source)) {
      // A row is reported by the line it starts on; a quoted cell may span several. (The
      // parser's own line count takes a CRLF inside quotes for two lines.)
      const line = nextLine;
      nextLine += raw.match(/\r\n|\r|\n/g)?.length ?? 0;
      if (record.length === 1 && record[0] === "") continue; // an empty line
      if (!columns) {
        const resolved = resolveColumns(record, options.mapping ?? new Map());
        if (resolved.problems.length) {
          const [first] = resolved.problems;
          report.fileError = { line, field: first!.field, reason: resolved.problems.map((p) => `${p.field} ${p.reason}`).join("; ") };
          return report;
        }
        columns = resolved.columns;
        continue;
      }
      const outcome = await importRow(services, actor, cache, line, rowCells(columns, record), options);
      report.rows++;
      if (outcome.kind === "imported") {
        report.imported++;
        if (outcome.renumbered?.from)
          listed(report.renumbered, { line, from: outcome.renumbered.from, to: outcome.number, reason: outcome.renumbered.reason });
      } else if (outcome.kind === "skipped") {
        report.skipped++;
        listed(report.skippedRows, { line, number: outcome.number });
      } else {
        report.rejected++;
        for (const problem of outcome.problems) listed(report.problems, { line, ...problem });
      }
      options.onProgress?.(report);
    }
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith("CSV_")) {
      report.fileError = { line: nextLine, field: "file", reason: (error as Error).message };
    } else throw error;
  }
  if (!columns && !report.fileError) report.fileError = { line: 1, field: "file", reason: "has no header row" };
  return report;
}
