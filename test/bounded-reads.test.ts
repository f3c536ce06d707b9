// A read made for a request ends with the request's time: PostgreSQL cancels it, so a
// request answered TIMEOUT does not leave its statement running on a pool connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Deadline } from "../src/context.js";
import { boundedReads } from "../src/db/bounded.js";
import { createTestApp, type TestApp, withoutBackgroundScans } from "./helpers/app.js";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp(withoutBackgroundScans());
});
afterAll(() => app.close());

describe("boundedReads", () => {
  it("answers as $queryRaw does, with or without a deadline", async () => {
    for (const deadline of [null, new Deadline(Date.now() + 60_000)]) {
      const rows = await boundedReads(app.db.prisma, deadline).$queryRaw<{ n: number }[]>`SELECT ${41}::int + 1 AS n`;
      expect(rows).toEqual([{ n: 42 }]);
    }
  });

  // PGlite runs in this process and has no timer to cancel a statement with.
  it.skipIf(!process.env.DATABASE_URL)("has PostgreSQL cancel a statement still running at the deadline", async () => {
    // A deadline already past: the statement gets the least time there is, so the test
    // does not wait for a deadline to arrive.
    const reads = boundedReads(app.db.prisma, new Deadline(0));
    // Five minutes of sleep: only the statement timeout ends it within the test's time.
    const error = await reads.$queryRaw`SELECT pg_sleep(300)`.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(JSON.stringify(error)).toContain("57014");
    // The connection went back to the pool in working order, without the setting.
    const [setting] = await app.db.prisma.$queryRaw<{ timeout: string }[]>`SELECT current_setting('statement_timeout') AS timeout`;
    expect(setting!.timeout).toBe("0");
  });
});
