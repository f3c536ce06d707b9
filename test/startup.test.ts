// What an operator sees when a dependency is missing: one clear line instead of a stack
// trace when the database does not answer at start; a running server whose Redis is
// away still stops cleanly on SIGTERM, with status 0.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { preparedDataDir, serverCommand, startServer } from "./helpers/process.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const key = randomBytes(32).toString("base64");

describe("start-up and shutdown without their dependencies", () => {
  it("says in one line that the database does not answer, without its password, and exits 1", async () => {
    const [file, ...args] = serverCommand();
    const child = spawn(file, args, {
      env: {
        PATH: process.env.PATH,
        PORT: "0",
        DATABASE_URL: "postgres://caseflow:s3cret-pass@127.0.0.1:1/caseflow",
        CASEFLOW_ENCRYPTION_KEY: key,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^caseflow cannot start: .*127\.0\.0\.1:1/);
    expect(output).not.toMatch(/s3cret-pass|\n\s+at /);
  }, 300_000);

  it("starts while Redis does not answer, says so, and exits 0 on SIGTERM", async () => {
    const dataDir = await preparedDataDir();
    dirs.push(dataDir);
    const server = await startServer({ DATA_DIR: dataDir, REDIS_URL: "redis://127.0.0.1:1", SHUTDOWN_GRACE_SECONDS: "2" });
    expect(server.logs.join("")).toMatch(/Redis does not answer/);
    expect(
      await (
        await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ health }" }),
        })
      ).json(),
    ).toEqual({ data: { health: "ok" } });
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 300_000);
});
