// Two writes that lock the same cases in opposite orders deadlock; PostgreSQL aborts one.
// inTransaction runs the aborted one again, so both writes land and neither answers
// INTERNAL, and what the aborted attempt queued for after its commit is never published.
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction, publishAfterCommit, type Tx } from "../src/db/transaction.js";
import { createTestApp, type TestApp, withoutBackgroundScans } from "./helpers/app.js";
import { createTicketVia, seedTeam, seedUser } from "./helpers/seed.js";

// PGlite serves one connection at a time: two transactions cannot wait on each other there.
describe.skipIf(!process.env.DATABASE_URL)("a write aborted to break a deadlock (PostgreSQL only)", () => {
  let app: TestApp;
  let first: string;
  let second: string;

  beforeAll(async () => {
    app = await createTestApp(withoutBackgroundScans());
    const team = await seedTeam(app, "CS-Payment");
    const manager = await seedUser(app, "MANAGER");
    first = decodeGlobalID((await createTicketVia(app, manager.token, { teamId: team.gid })).id).id;
    second = decodeGlobalID((await createTicketVia(app, manager.token, { teamId: team.gid })).id).id;
  });
  afterAll(() => app.close());

  // Prisma reports the abort differently for its own queries and for raw statements.
  it.each(["model", "raw"] as const)(
    "runs again from the start (%s statements): both writes land, only committed attempts publish",
    async (kind) => {
      // Both transactions hold their first case before either asks for its second: a deadlock
      // on the first attempts, whatever the timing. Later attempts do not wait for each other.
      const before = await app.db.prisma.ticket.findMany({ where: { id: { in: [first, second] } }, select: { id: true, version: true } });
      const versions = new Map(before.map((row) => [row.id, row.version]));
      let holding = 0;
      let bothHold!: () => void;
      const barrier = new Promise<void>((resolve) => (bothHold = resolve));
      const attempts = { a: 0, b: 0 };
      const published: string[] = [];
      const touch = (tx: Tx, id: string, note: string) =>
        kind === "model"
          ? tx.ticket.update({ where: { id }, data: { details: note, version: { increment: 1 } }, select: { id: true } })
          : tx.$queryRaw`UPDATE "Ticket" SET "details" = ${note}, "version" = "version" + 1 WHERE "id" = ${id}::uuid RETURNING "id"`;
      const write = (name: "a" | "b", one: string, other: string) =>
        inTransaction({ prisma: app.db.prisma, realtime: app.realtime }, async (tx) => {
          const attempt = ++attempts[name];
          publishAfterCommit(tx, () => published.push(`${name}#${attempt}`));
          await touch(tx, one, `${name} first`);
          if (attempt === 1) {
            if (++holding === 2) bothHold();
            await barrier;
          }
          await touch(tx, other, `${name} second`);
          return attempt;
        });

      const [a, b] = await Promise.all([write("a", first, second), write("b", second, first)]);

      // At least one was a deadlock's victim and ran again.
      expect(Math.max(a, b)).toBeGreaterThan(1);
      expect(published.sort()).toEqual([`a#${a}`, `b#${b}`].sort());
      const rows = await app.db.prisma.ticket.findMany({ where: { id: { in: [first, second] } }, select: { id: true, version: true } });
      // Each case moves two versions per test: touched once by each write.
      expect(rows.map((row) => row.version - versions.get(row.id)!)).toEqual([2, 2]);
    },
  );
});
