// `npm run generate`: generates the Prisma client and the Pothos types offline.
// The Prisma CLI insists on locating its native schema engine before it generates,
// even though generation never runs it; pointing it at any executable is enough.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const run = spawnSync(process.execPath, [cli, "generate", "--no-hints"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(run.status ?? 1);
