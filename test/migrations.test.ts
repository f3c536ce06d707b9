import { describe, expect, it } from "vitest";
import { diagnoseMigrations, readMigrations, upToDate } from "../src/db/migrator.js";
import { createDb } from "../src/db.js";
import { freshDatabase } from "./helpers/app.js";

// These build databases from nothing (the schema engine and every migration), the work
// the rest of the suite does once in test/global-setup.ts; on a busy machine that takes
// longer than the usual test timeout, which here only bounds a hang.
describe("offline migrations", { timeout: 180_000 }, () => {
  it("applies every migration once; a second run applies none and the history is clean", async () => {
    const { database, drop } = await freshDatabase({ prepared: false });
    const db = await createDb(database);
    try {
      const all = (await readMigrations()).migrationDirectories.map((m) => m.path);
      expect(all.length).toBeGreaterThan(0);
      expect(await db.migrate()).toEqual(all);
      expect(await db.migrate()).toEqual([]);
      const history = await diagnoseMigrations(db.adapter);
      expect(history.failedMigrationNames).toEqual([]);
      expect(history.editedMigrationNames).toEqual([]);
      expect(history.history).toBeNull();
      const rows = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`,
      );
      expect(Number(rows[0]?.n)).toBe(all.length);

      // Starting up skips the schema engine only while the recorded history matches the folder.
      const read = (sql: string) => db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql);
      expect(await upToDate(read)).toBe(true);
      await db.prisma.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET checksum = 'edited' WHERE migration_name = '${all[0]}'`);
      expect(await upToDate(read)).toBe(false);
      await db.prisma.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = '${all.at(-1)}'`);
      expect(await upToDate(read)).toBe(false);
    } finally {
      await db.close();
      await drop();
    }
  });

  it("committed migrations match prisma/schema.prisma", async () => {
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const { diffSchemaAgainstMigrations } = await import("../src/db/migrator.js");
    const { openPGlite } = await import("../src/db/pglite.js");
    const scratch = await openPGlite();
    try {
      expect(await diffSchemaAgainstMigrations(new PrismaPGlite(scratch))).toBe("");
    } finally {
      await scratch.close();
    }
  });
});
