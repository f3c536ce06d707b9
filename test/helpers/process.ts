// The server as an operator runs it: a real child process, found by its start line.
import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";

export interface Running {
  child: ChildProcess;
  url: string;
  logs: string[];
  exited: Promise<number | null>;
}

/**
 * A new DATA_DIR holding a copy of the run's migrated and seeded database
 * (test/global-setup.ts), so a server started on it skips creating, migrating and
 * seeding a database (seconds of CPU each); only tests about an empty folder need one.
 */
export async function preparedDataDir(prefix = "caseflow-"): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), prefix));
  await cp(inject("pgliteFolder"), path.join(dataDir, "pglite"), { recursive: true });
  return dataDir;
}

/** Servers this file started and has not seen exit. */
const running = new Set<ChildProcess>();

/**
 * Kills what a file left running (test/setup.ts, after each file): a test that failed or
 * timed out before its own SIGTERM must not leave a server loading the machine for the
 * files after it.
 */
export async function killLeftoverServers(): Promise<void> {
  const left = [...running];
  running.clear();
  const alive = left.filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(
    alive.map((child) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      return exited;
    }),
  );
}

/**
 * The server's own entry point (`npm start` is the other way in): dist/main.js when it is
 * up to date with src/, else src/main.ts under tsx (test/global-setup.ts decides).
 */
export const serverCommand = (): [string, ...string[]] => inject("serverCommand");

/**
 * `startTimeoutMs` only bounds a failure: `npm start` may compile the server first, and
 * a server on an empty folder migrates it, which takes minutes on a busy machine.
 */
export async function startServer(
  env: Record<string, string>,
  command: string[] = serverCommand(),
  startTimeoutMs = 180_000,
): Promise<Running> {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line:\n${logs.join("")}`)), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      logs.push(chunk.toString());
      const match = /"url":"([^"]+)"/.exec(logs.join(""));
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace("localhost", "127.0.0.1"));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`exited with ${code}:\n${logs.join("")}`)));
  });
  return { child, url, logs, exited };
}

export async function gqlAt<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data: T; errors?: unknown[] };
}
