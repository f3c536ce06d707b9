// Prisma CLI configuration. The CLI is used only for `prisma generate`; migrations
// run through scripts/migrate.ts, which needs no downloaded engine.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
