// TicketEvent.position is handed out at commit, per transaction (migrations
// ticket_event_position and ticket_event_position_per_transaction): every event gets one,
// in insertion order, and a transaction that commits later gets higher positions than one
// that committed before it, whatever order their rows were inserted in.
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Tx } from "../src/db/transaction.js";
import { createTestApp, type TestApp, withoutBackgroundScans } from "./helpers/app.js";
import { createTicketVia, seedTeam, seedUser } from "./helpers/seed.js";

let app: TestApp;
let ticketId: string;

beforeAll(async () => {
  app = await createTestApp(withoutBackgroundScans());
  const team = await seedTeam(app, "CS-Payment");
  const manager = await seedUser(app, "MANAGER");
  ticketId = decodeGlobalID((await createTicketVia(app, manager.token, { teamId: team.gid })).id).id;
});
afterAll(() => app.close());

const insertEvents = (tx: Tx, count: number, mark: string) =>
  tx.$queryRaw<{ seq: bigint }[]>`
    INSERT INTO "TicketEvent" ("ticketId", "type", "actorKind", "after")
    SELECT ${ticketId}::uuid, 'UPDATED', 'SYSTEM', jsonb_build_object('mark', ${mark}::text, 'n', g) FROM generate_series(1, ${count}) g
    RETURNING "seq"`;

const positionsOf = async (mark: string) =>
  (
    await app.db.prisma.$queryRaw<{ seq: bigint; position: bigint | null }[]>`
      SELECT "seq", "position" FROM "TicketEvent" WHERE "after"->>'mark' = ${mark} ORDER BY "seq"`
  ).map((row) => ({ seq: row.seq, position: row.position }));

const highestPosition = async () => (await app.db.prisma.ticketEvent.aggregate({ _max: { position: true } }))._max.position ?? 0n;

describe("audit event positions", () => {
  it("numbers every event of a transaction at its commit, in insertion order, above every earlier position", async () => {
    const before = await highestPosition();
    await app.db.prisma.$transaction(async (tx) => {
      await insertEvents(tx, 120, "bulk-a");
      await insertEvents(tx, 30, "bulk-b");
    });
    const rows = [...(await positionsOf("bulk-a")), ...(await positionsOf("bulk-b"))];
    expect(rows).toHaveLength(150);
    const positions = rows.map((row) => row.position);
    expect(positions.every((position) => position !== null && position > before)).toBe(true);
    // In `seq` order, strictly increasing, none shared.
    for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
  });

  it("still numbers events inserted after the transaction's positions were handed out", async () => {
    await app.db.prisma.$transaction(async (tx) => {
      await insertEvents(tx, 5, "early");
      // Fires the deferred numbering now, as a commit would; the events after it come later.
      await tx.$executeRawUnsafe(`SET CONSTRAINTS "TicketEvent_position" IMMEDIATE`);
      await tx.$executeRawUnsafe(`SET CONSTRAINTS "TicketEvent_position" DEFERRED`);
      await insertEvents(tx, 5, "late");
    });
    const early = await positionsOf("early");
    const late = await positionsOf("late");
    expect([...early, ...late].every((row) => row.position !== null)).toBe(true);
    expect(late[0]!.position! > early.at(-1)!.position!).toBe(true);
  });

  // Two connections at once: PGlite serves one at a time.
  it.skipIf(!process.env.DATABASE_URL)(
    "gives a transaction that commits later higher positions, though its rows were inserted first",
    async () => {
      let inserted!: () => void;
      const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
      let release!: () => void;
      const otherCommitted = new Promise<void>((resolve) => (release = resolve));
      const first = app.db.prisma.$transaction(async (tx) => {
        await insertEvents(tx, 50, "inserted-first");
        inserted();
        await otherCommitted;
      });
      await firstInserted;
      await app.db.prisma.$transaction((tx) => insertEvents(tx, 50, "committed-first"));
      release();
      await first;
      const insertedFirst = await positionsOf("inserted-first");
      const committedFirst = await positionsOf("committed-first");
      expect(insertedFirst[0]!.seq < committedFirst[0]!.seq).toBe(true);
      expect(insertedFirst[0]!.position! > committedFirst.at(-1)!.position!).toBe(true);
    },
  );
});
