// Backup and restore of the embedded database as an operator runs them (`npm run backup`
// / `npm run restore` in their own processes): refused while the server holds the folder,
// and a restore into a fresh folder serves the same cases, contact details included
// (decrypted with the same key). A second server on one folder is refused too.
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DataFolderInUse, lockDataFolder } from "../src/db/data-folder.js";
import { createApp } from "../src/server.js";
import { createTestApp, testConfig } from "./helpers/app.js";
import { createTicketVia, seedTeam, seedUser } from "./helpers/seed.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function npmRun(script: "backup" | "restore", file: string, dataDir: string) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      "npm",
      ["run", "--silent", script, "--", file],
      { env: { PATH: process.env.PATH, DATA_DIR: dataDir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

const LIST = `{ tickets(first: 50) { edges { node { number title status requester { name contact } } } } }`;

describe("embedded backup and restore", () => {
  it("backs up a stopped server's folder and restores it into a fresh one with the same cases", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "caseflow-backup-"));
    dirs.push(root);
    const [original, restored, file] = [path.join(root, "a"), path.join(root, "b"), path.join(root, "caseflow.tar.gz")];
    const encryptionKey = randomBytes(32);
    const embedded = (dataDir: string) => ({
      kind: "pglite" as const,
      dataDir: path.join(dataDir, "pglite"),
      loadDataDir: inject("pgliteDump") ?? undefined,
    });

    const app = await createTestApp({ database: embedded(original), encryptionKey });
    const team = await seedTeam(app);
    const manager = await seedUser(app, "MANAGER", [team.id], { canViewContact: true });
    for (let i = 0; i < 3; i++) await createTicketVia(app, manager.token, { teamId: team.gid });
    const before = await app.gql(LIST, {}, { token: manager.token });
    expect(before.data.tickets.edges).toHaveLength(3);

    // While the server holds the folder: no backup, no second server.
    const busy = await npmRun("backup", file, original);
    expect(busy.code).toBe(1);
    expect(busy.output).toMatch(/in use by another caseflow process/);
    await expect(createApp(testConfig({ database: embedded(original), encryptionKey }))).rejects.toThrow(
      /in use by another caseflow process/,
    );
    await app.close();

    const backup = await npmRun("backup", file, original);
    expect(backup.output).toMatch(/\(3 cases, /);
    expect(backup.code).toBe(0);
    const restore = await npmRun("restore", file, restored);
    expect(restore.output).toMatch(/\(3 cases\)/);
    expect(restore.code).toBe(0);
    const again = await npmRun("restore", file, restored);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/already holds a database/);

    const copy = await createTestApp({ database: { kind: "pglite", dataDir: path.join(restored, "pglite") }, encryptionKey });
    try {
      const after = await copy.gql(LIST, {}, { token: manager.token });
      expect(after.data).toEqual(before.data);
      expect(after.data.tickets.edges[0].node.requester.contact).toBe("13812345678");
    } finally {
      await copy.close();
    }
  }, 300_000);

  it("takes over a lock left by a process that is gone, or by an earlier process with this pid, but not a live one", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "caseflow-lock-"));
    dirs.push(root);
    const folder = path.join(root, "pglite");
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    await writeFile(`${folder}.lock`, gone); // killed with SIGKILL: its lock stayed behind
    const release = await lockDataFolder(folder);
    await expect(lockDataFolder(folder)).rejects.toBeInstanceOf(DataFolderInUse);
    await release();
    await writeFile(`${folder}.lock`, String(process.pid)); // a container restarted: every server is pid 1
    const again = await lockDataFolder(folder);
    await again();
    await writeFile(`${folder}.lock`, String(process.ppid)); // a live process
    await expect(lockDataFolder(folder)).rejects.toThrow(`pid ${process.ppid}`);
  });
});
