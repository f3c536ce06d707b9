// `npm run db:migrate`: applies pending migrations to the database the environment
// names (PGlite folder by default, PostgreSQL with DATABASE_URL).
import { ConfigError, loadConfig } from "../src/config.js";
import { createDb } from "../src/db.js";

try {
  const config = loadConfig(process.env);
  const db = await createDb(config.database);
  try {
    const applied = await db.migrate();
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s) to ${db.location}:\n${applied.map((n) => `  ${n}`).join("\n")}`
        : `No pending migrations on ${db.location}.`,
    );
  } finally {
    await db.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
