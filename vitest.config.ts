import { createRequire } from "node:module";
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
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
