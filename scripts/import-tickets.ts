// `npm run import:tickets -- <file.csv> [--team <name>] [--map "Subject=title,Opened=createdAt"] [--dry-run]`:
// imports cases from a CSV file into the configured database (PGlite folder, or
// DATABASE_URL), as the system (the audit trail's actor is SYSTEM). The same import as
// POST /import/tickets.csv (src/resolvers/import.ts). On PGlite the server must be
// stopped (one process per data folder); on PostgreSQL it may run.
// A progress line on a terminal; the summary and every refused row at the end. Exits 1
// when a row was refused or the file could not be read to its end, 2 on bad arguments.
import { createReadStream, statSync } from "node:fs";
import { Transform } from "node:stream";
import { ConfigError, loadConfig } from "../src/config.js";
import { parseHeaderMapping } from "../src/domain/import.js";
import { ValidationError } from "../src/errors.js";
import { type ImportProgress, type ImportReport, importTickets } from "../src/resolvers/import.js";
import { createApp } from "../src/server.js";

const USAGE = 'Usage: npm run import:tickets -- <file.csv> [--team <name>] [--map "Header=field,…"] [--dry-run]';
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const valued = new Set(["--team", "--map"]);
const positional = args.filter((arg, i) => !arg.startsWith("--") && !valued.has(args[i - 1] ?? ""));
const file = positional[0];
const unknown = args.filter((arg) => arg.startsWith("--") && !valued.has(arg) && arg !== "--dry-run");
if (
  !file ||
  positional.length > 1 ||
  unknown.length ||
  (args.includes("--team") && !option("--team")) ||
  (args.includes("--map") && !option("--map"))
) {
  console.error([...unknown.map((arg) => `unknown option ${arg}`), USAGE].join("\n"));
  process.exit(2);
}
let mapping: ReturnType<typeof parseHeaderMapping>;
let size: number;
try {
  mapping = parseHeaderMapping(option("--map"));
  size = statSync(file).size;
} catch (error) {
  console.error(error instanceof ValidationError ? `--map: ${error.message}` : `cannot read ${file}: ${(error as Error).message}`);
  process.exit(2);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
// This process imports and leaves: no alerts, no deliveries of its own (a running server sends them).
const app = await createApp({ ...config, logLevel: "warn", slaMonitor: false, webhooks: { ...config.webhooks, dispatcher: false } });

// A progress line only where someone watches it.
const tty = process.stdout.isTTY === true;
let read = 0;
const counted = new Transform({
  transform(chunk: Buffer, _encoding, done) {
    read += chunk.byteLength;
    done(null, chunk);
  },
});
let shownAt = 0;
const show = (p: ImportProgress, force = false) => {
  const now = Date.now();
  if (!tty || (!force && now - shownAt < 100)) return;
  shownAt = now;
  const share = size ? Math.min(1, read / size) : 1;
  const width = 30;
  const bar = "#".repeat(Math.round(share * width)).padEnd(width, ".");
  process.stdout.write(
    `\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${p.rows} rows: ${p.imported} imported, ${p.skipped} skipped, ${p.rejected} rejected`,
  );
};

let report: ImportReport;
try {
  report = await importTickets(app.services, null, createReadStream(file).pipe(counted), {
    team: option("--team") ?? null,
    mapping,
    dryRun: args.includes("--dry-run"),
    onProgress: (p) => show(p),
  });
  show(report, true);
  if (tty) process.stdout.write("\n");
} finally {
  await app.stop();
}

const verb = report.dryRun ? "would import" : "imported";
console.log(
  `${file}: ${report.rows} rows, ${verb} ${report.imported}, skipped ${report.skipped} (already imported), rejected ${report.rejected}${report.dryRun ? " (dry run: nothing written)" : ""}`,
);
/** Rows as aligned columns, a header line first. */
const table = (rows: Record<string, unknown>[]) => {
  const keys = Object.keys(rows[0]!);
  const cells = [keys, ...rows.map((row) => keys.map((key) => String(row[key] ?? "")))];
  const widths = keys.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  for (const line of cells) console.log(line.map((cell, i) => (i === keys.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "));
};
if (report.renumbered.length) {
  console.log("\nNew numbers:");
  table(report.renumbered);
}
if (report.problems.length) {
  console.log("\nRejected rows:");
  table(report.problems);
}
const listedProblems = new Set(report.problems.map((p) => p.line)).size;
if (report.rejected > listedProblems) console.log(`(${report.rejected - listedProblems} more rejected rows not listed)`);
if (report.fileError) console.error(`\n${file} line ${report.fileError.line}: ${report.fileError.field}: ${report.fileError.reason}`);
process.exit(report.rejected || report.fileError ? 1 : 0);
