// The rollup migration on a database that already holds cases: after it and the folds it
// asks for, every report equals the plain statements' recount, figure for figure; and the
// migration applied a second time, statement by statement as the runner applies it,
// changes nothing (it is re-runnable after a failure half-way).
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { describe, expect, it } from "vitest";
import type { Context } from "../src/context.js";
import { applyMigrations, migrationsDir } from "../src/db/migrator.js";
import { createDb } from "../src/db.js";
import { foldAll } from "../src/reports/fold.js";
import { buildReport } from "../src/resolvers/reports.js";
import { freshDatabase } from "./helpers/app.js";
import { recountReport } from "./report-reference.js";

const MIGRATION = "20261207230526_report_rollups";

// A few hundred cases over ten days, as scripts/bench/report.ts seeds a million: every
// status, targets met, breached and breached then met, status events with reopenings,
// surveys, tags, two teams and one case without, practice cases.
const SEED = [
  `INSERT INTO "Team" (id, name, "updatedAt") VALUES ('00000000-0000-4000-8000-00000000000a', 'Mig-A', now()), ('00000000-0000-4000-8000-00000000000b', 'Mig-B', now())`,
  `INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") VALUES ('00000000-0000-4000-8000-0000000000a1', 'a1@example.com', 'Agent 1', 'x', now()), ('00000000-0000-4000-8000-0000000000a2', 'a2@example.com', 'Agent 2', 'x', now())`,
  `INSERT INTO "Tag" (id, name) VALUES ('00000000-0000-4000-8000-0000000000f1', 'mig-1'), ('00000000-0000-4000-8000-0000000000f2', 'mig-2'), ('00000000-0000-4000-8000-0000000000f3', 'mig-3')`,
  `INSERT INTO "Ticket" (id, number, title, "accountId", channel, type, subcategory, priority, status, "teamId", "assigneeId", practice, "createdAt", "updatedAt")
   SELECT gen_random_uuid(), 'MIG-20260101-' || g, 'Case ' || g, 'ACC-' || g,
     (ARRAY['WEB','APP','EMAIL','CHAT','PHONE'])[1 + g % 5]::"Channel", (ARRAY['INQUIRY','COMPLAINT','SUGGESTION','TECHNICAL_FAULT'])[1 + g % 4]::"TicketType",
     CASE WHEN g % 7 = 0 THEN NULL ELSE 'sub-' || (g % 6) END, (ARRAY['HIGH','MEDIUM','LOW'])[1 + g % 3]::"Priority",
     (ARRAY['DONE','DONE','DONE','NOT_STARTED','TEAM_CHECKING','INFORM_CUSTOMER','NEW'])[1 + g % 7]::"TicketStatus",
     (ARRAY['00000000-0000-4000-8000-00000000000a','00000000-0000-4000-8000-00000000000b',NULL])[1 + g % 3]::uuid,
     (ARRAY['00000000-0000-4000-8000-0000000000a1','00000000-0000-4000-8000-0000000000a2',NULL])[1 + g % 3 * (g % 2)]::uuid,
     g % 11 = 0, c, c
   FROM generate_series(1, 400) g, LATERAL (SELECT TIMESTAMP '2026-11-01 00:00:00' + ((g::bigint * 7919) % 864000) * interval '1 second' AS c) x`,
  `INSERT INTO "SlaTarget" (id, "ticketId", kind, cycle, "budgetSeconds", "startedAt", "metAt", "breachedAt", "elapsedSeconds")
   SELECT gen_random_uuid(), t.id, 'FIRST_RESPONSE'::"SlaTargetKind", 1, 14400, t."createdAt",
     CASE WHEN g % 5 <> 0 THEN t."createdAt" + (g * 97 % 40000) * interval '1 second' END,
     CASE WHEN g * 97 % 40000 > 14400 OR g % 5 = 0 THEN t."createdAt" + interval '4 hours' END,
     CASE WHEN g % 5 <> 0 THEN g * 97 % 40000 END
   FROM "Ticket" t, LATERAL (SELECT substring(t.number from 14)::int AS g) x
   UNION ALL
   SELECT gen_random_uuid(), t.id, 'RESOLUTION'::"SlaTargetKind", 1, 172800, t."createdAt", t."createdAt" + (g * 131 % 300000) * interval '1 second',
     CASE WHEN g * 131 % 300000 > 172800 THEN t."createdAt" + interval '2 days' END, g * 131 % 300000
   FROM "Ticket" t, LATERAL (SELECT substring(t.number from 14)::int AS g) x WHERE t.status = 'DONE'`,
  `INSERT INTO "TicketEvent" ("ticketId", type, "actorKind", before, after, at)
   SELECT t.id, 'STATUS_CHANGED', 'SYSTEM'::"ActorKind", '{"status":"NEW"}'::jsonb, '{"status":"NOT_STARTED"}'::jsonb, t."createdAt" + interval '1 minute' FROM "Ticket" t WHERE t.status <> 'NEW'
   UNION ALL
   SELECT t.id, 'STATUS_CHANGED', 'SYSTEM', '{"status":"NOT_STARTED"}', '{"status":"DONE"}', t."createdAt" + interval '30 hours' FROM "Ticket" t WHERE t.status = 'DONE' OR t."accountId" LIKE '%3'
   UNION ALL
   SELECT t.id, 'STATUS_CHANGED', 'SYSTEM', '{"status":"DONE"}', '{"status":"NOT_STARTED"}', t."createdAt" + interval '40 hours' FROM "Ticket" t WHERE t."accountId" LIKE '%3'`,
  `INSERT INTO "Survey" (id, "ticketId", "tokenHash", "sendAt", "expiresAt", rating, "answeredAt")
   SELECT gen_random_uuid(), t.id, 'mig-' || t.number, t."createdAt", t."createdAt" + interval '30 days',
     (ARRAY['SATISFIED','NEUTRAL','UNSATISFIED', NULL])[1 + length(t.number) % 4]::"SurveyRating", t."createdAt" + interval '3 days'
   FROM "Ticket" t WHERE t.status = 'DONE'`,
  `INSERT INTO "TicketTag" ("ticketId", "tagId") SELECT t.id, g.id FROM "Ticket" t JOIN "Tag" g ON g.name = 'mig-' || (1 + length(t."accountId") % 3) OR (g.name = 'mig-3' AND t.priority = 'HIGH')`,
];

const PERIODS = [
  { from: new Date("2026-10-25T00:00:00Z"), to: new Date("2026-11-20T00:00:00Z") },
  { from: new Date("2026-11-02T13:17:00Z"), to: new Date("2026-11-08T05:45:00Z") },
  { from: new Date("2026-11-04T08:00:00Z"), to: new Date("2026-11-04T20:00:00Z") },
  // Shorter than many breached-then-met resolutions: pairs span the whole period.
  { from: new Date("2026-11-06T00:00:00Z"), to: new Date("2026-11-06T01:00:00Z") },
];

describe("the report_rollups migration", { timeout: 300_000 }, () => {
  it("on a database with cases: reports equal the recount after the folds, and a second run changes nothing", async () => {
    const before = await mkdtemp(path.join(tmpdir(), "caseflow-migrations-"));
    const { database, drop } = await freshDatabase({ prepared: false });
    const db = await createDb(database);
    try {
      await cp(migrationsDir, before, { recursive: true });
      await rm(path.join(before, MIGRATION), { recursive: true });
      expect(await readdir(before)).not.toContain(MIGRATION);
      await applyMigrations(db.adapter, before);
      for (const statement of SEED) await db.prisma.$executeRawUnsafe(statement);

      expect(await applyMigrations(db.adapter)).toEqual([MIGRATION]);
      expect(await foldAll(db.prisma, 150)).toBe(400);
      await expectReportsExact(db.prisma);

      // Applied again statement by statement, as the runner splits it: nothing fails, the
      // cases are marked again, and once folded the figures are the same.
      const script = await readFile(path.join(migrationsDir, MIGRATION, "migration.sql"), "utf8");
      for (const statement of script.split(/;\s*$/m).filter((s) => s.replace(/--.*$/gm, "").trim()))
        await db.prisma.$executeRawUnsafe(statement);
      await expectReportsExact(db.prisma);
      expect(await foldAll(db.prisma)).toBe(400);
      await expectReportsExact(db.prisma);
    } finally {
      await db.close();
      await drop();
      await rm(before, { recursive: true });
    }
  });
});

async function expectReportsExact(prisma: Awaited<ReturnType<typeof createDb>>["prisma"]) {
  // An unrestricted report token, the viewer buildReport needs.
  const ctx = { prisma, viewer: { kind: "token", teamIds: [] } } as unknown as Context;
  let compared = 0;
  for (const period of PERIODS) {
    for (const teamId of [null, "00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b"]) {
      const expected = await recountReport(prisma, { ...period, teamId });
      const report = await buildReport(ctx, { ...period, teamId: teamId ? encodeGlobalID("Team", teamId) : null });
      const { from: _f, to: _t, teamId: _team, agentLoad, teamLoad, ...figures } = report;
      expect({
        ...figures,
        agentLoad: agentLoad.map(({ name, openCases }) => ({ name, openCases })),
        teamLoad: teamLoad.map(({ name, openCases }) => ({ name, openCases })),
      }).toEqual(expected);
      compared += expected.totalCases;
    }
  }
  // The periods hold cases: the comparison is not between empty reports.
  expect(compared).toBeGreaterThan(400);
}
