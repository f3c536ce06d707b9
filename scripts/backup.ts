// `npm run backup -- <file>` / `npm run restore -- <file>`: the embedded database of
// DATA_DIR (default ./data) to one file and back. Stop the server first; both refuse
// while it holds the folder. On PostgreSQL use pg_dump and pg_restore (README, "Backups").
import { loadConfig } from "../src/config.js";
import { backupDataFolder, restoreDataFolder } from "../src/db/backup.js";

const [command, file] = process.argv.slice(2);
if ((command !== "backup" && command !== "restore") || !file) {
  console.error("usage: npm run backup -- <file> | npm run restore -- <file>");
  process.exit(2);
}
const { database } = loadConfig(process.env);
if (database.kind !== "pglite") {
  console.error("DATABASE_URL is set: back up PostgreSQL with pg_dump and restore with pg_restore (see the README)");
  process.exit(2);
}
try {
  if (command === "backup") {
    const { bytes, tickets } = await backupDataFolder(database.dataDir, file);
    console.log(`backed up ${database.dataDir} to ${file} (${tickets} cases, ${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
  } else {
    const { tickets } = await restoreDataFolder(file, database.dataDir);
    console.log(`restored ${file} into ${database.dataDir} (${tickets} cases); start caseflow to apply newer migrations`);
  }
} catch (error) {
  console.error(`caseflow ${command} failed: ${(error as Error).message}`);
  process.exit(1);
}
