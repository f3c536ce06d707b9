// The monitors' pending-check tables are vacuumed early (migration pending_checks_vacuum):
// their dead index entries would otherwise slow every scan until a fifth of the table is dead.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestApp, type TestApp, withoutBackgroundScans } from "./helpers/app.js";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp(withoutBackgroundScans());
});
afterAll(() => app.close());

it("vacuums SlaTarget and AutomationCheck after a thousand dead rows and half a percent of the table", async () => {
  const rows = await app.db.prisma.$queryRaw<{ relname: string; reloptions: string[] | null }[]>`
    SELECT relname, reloptions FROM pg_class WHERE relname IN ('SlaTarget', 'AutomationCheck') AND relkind = 'r' ORDER BY relname`;
  expect(rows).toEqual([
    { relname: "AutomationCheck", reloptions: ["autovacuum_vacuum_threshold=1000", "autovacuum_vacuum_scale_factor=0.005"] },
    { relname: "SlaTarget", reloptions: ["autovacuum_vacuum_threshold=1000", "autovacuum_vacuum_scale_factor=0.005"] },
  ]);
});
