import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Vite would pick graphql's "module" build for project files while Node loads its
    // CommonJS build for dependencies: two copies of graphql. Use Node's choice for both.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Each file opens its own database (PGlite in memory, or a fresh PostgreSQL
    // database when DATABASE_URL is set), so files run in parallel safely. Each is a
    // copy of one database migrated and seeded once per run by the global setup.
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    pool: "forks",
    // A worker runs its files in one module graph: the app (schema, Prisma client,
    // graphql-yoga) is imported once per worker instead of once per file, most of a
    // small file's time. Nothing in src/ keeps state between apps; what the test helpers
    // keep per file is reset by test/setup.ts. Tests replace functions with vi.spyOn on
    // the module object, not vi.mock, which would not reach modules already loaded.
    isolate: false,
    // vitest's default is one worker fewer than the cores: one worker on a 2-core machine,
    // which leaves a core idle whenever a file waits on a child process, a browser or a
    // socket. One more worker than cores keeps both busy (a whole PGlite run on 2 idle
    // cores: 496 s with 1 worker, 359 s with 3).
    maxWorkers: availableParallelism() + 1,
    // Timeouts only bound a hang: a test that is slow on a busy machine is not wrong. Tests
    // that start processes or browsers set 300 s themselves.
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
