// A report figure is only exact if every change to a column it reads marks the case for a
// recount (migration report_rollups). The columns figures read are those of factSource
// (src/reports/facts.ts); the marks come from each table's update trigger, whose WHEN
// condition lists the columns it watches. This test reads both and fails when a figure
// starts to read a column no trigger watches.
import { afterAll, beforeAll, expect, it } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { ALL_METRICS, factSource } from "../src/reports/facts.js";
import { createTestApp, type TestApp, withoutBackgroundScans } from "./helpers/app.js";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp(withoutBackgroundScans());
});
afterAll(() => app.close());

/** The table each alias in factSource stands for. Audit events are never updated (an append-only trigger refuses it). */
const ALIASES: Record<string, string> = { t: "Ticket", tt: "TicketTag", s: "SlaTarget", v: "Survey" };

/** Columns whose value never changes in an update: a row's own id. */
const IMMUTABLE: Record<string, string[]> = { Ticket: ["id"] };

it("marks a case whenever a column any report figure reads changes", async () => {
  const sql = factSource(ALL_METRICS, Prisma.sql`= 'x'`).sql;
  const read = new Map<string, Set<string>>();
  for (const [, alias, quoted, bare] of sql.matchAll(/\b(tt|t|s|v)\.(?:"(\w+)"|(\w+))/g)) {
    const table = ALIASES[alias!]!;
    const column = quoted ?? bare!;
    if (IMMUTABLE[table]?.includes(column)) continue;
    read.set(table, (read.get(table) ?? new Set()).add(column));
  }
  expect([...read.keys()].sort()).toEqual(["SlaTarget", "Survey", "Ticket", "TicketTag"]);

  const triggers = await app.db.prisma.$queryRaw<{ table: string; definition: string }[]>`
    SELECT c.relname AS "table", pg_get_triggerdef(g.oid) AS definition
    FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
    WHERE g.tgname LIKE '%\\_report\\_update' AND NOT g.tgisinternal`;
  for (const [table, columns] of read) {
    const trigger = triggers.find((row) => row.table === table);
    expect(trigger, `${table} has a report update trigger`).toBeDefined();
    const watched = new Set([...trigger!.definition.matchAll(/\bold\.(?:"(\w+)"|(\w+))/gi)].map(([, quoted, bare]) => quoted ?? bare!));
    expect(
      [...columns].filter((column) => !watched.has(column)),
      `${table}: columns read by figures but not watched`,
    ).toEqual([]);
  }
});
