// `npm start` as a process manager runs it: the signal sent to npm reaches the server,
// which shuts down gracefully; npm exits 0 and nothing is left listening (before, npm
// exited while its shell's child kept serving, orphaned).

import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { preparedDataDir, startServer } from "./helpers/process.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "passes %s to the server, which stops cleanly; npm exits 0",
    async (signal) => {
      const dataDir = await preparedDataDir("caseflow-start-");
      dirs.push(dataDir);
      // Builds dist/ first when it is missing or older than src/ (as on a fresh clone).
      const server = await startServer(
        { DATA_DIR: dataDir, CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"), SHUTDOWN_GRACE_SECONDS: "5" },
        ["npm", "start", "--silent"],
        170_000,
      );
      expect((await fetch(server.url.replace("/graphql", "/health"))).status).toBe(200);

      server.child.kill(signal);
      expect(await server.exited).toBe(0);
      expect(server.logs.join("")).toContain("caseflow stopped");
      await expect(fetch(server.url.replace("/graphql", "/health"))).rejects.toThrow();
    },
    240_000,
  );
});
