// The server the live-subscription benchmarks measure: caseflow in this process on an
// in-memory PGlite, with no SLA monitor, one team and a manager signed in with a bearer
// session (bench:realtime and realtime-heap.ts).
//
// All the subscribers share that one session, so the per-credential rate limit (1,200
// operations a minute by default, each subscribe one operation) would refuse most of
// 10,000 subscriptions opened within seconds: it is set to its highest allowed value,
// as the bare-socket ceiling has no such limit either. Real subscribers each have their
// own credential and stay far below it.
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import { type App, createApp } from "../../src/server.js";

export async function startBenchServer() {
  const config = {
    ...loadConfig({
      LOG_LEVEL: "silent",
      CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      SLA_MONITOR: "false",
      RATE_LIMIT_PER_MINUTE: "1000000",
    }),
    database: { kind: "pglite" as const, dataDir: "memory://" },
  };
  const app = await createApp(config, { logger: pino({ level: "silent" }) });
  const { port } = await app.start(0);
  const prisma = app.db.prisma;
  const team = await prisma.team.create({ data: { name: "Bench" } });
  const user = await prisma.user.create({
    data: { email: "bench@example.com", name: "Bench", role: "MANAGER", passwordHash: "x", memberships: { create: { teamId: team.id } } },
  });
  const token = newBearerToken("session");
  await prisma.session.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) } });
  return { app, port, team, token };
}

type Message = { type: string; [key: string]: unknown };

/**
 * A child process's messages in order: `next(type)` takes the first of that type, waiting
 * for it, or rejects, naming the cause, once the child has reported a failure or exited.
 * `timeoutMs` bounds the wait, so a run that cannot finish says so instead of idling.
 */
export function mailbox(child: ChildProcess, name: string) {
  const queue: Message[] = [];
  const waiting: { type: string; resolve: (m: Message) => void; reject: (e: Error) => void }[] = [];
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  child.on("message", (m: Message) => {
    if (m.type === "failed") return failAll(new Error(`${name}: ${m.reason}`));
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m);
    else queue.push(m);
  });
  child.on("exit", (code, signal) => failAll(new Error(`${name} exited (${signal ?? `code ${code}`})`)));
  return (type: string, timeoutMs = 0, onTimeout?: () => Promise<string>) =>
    new Promise<Message>((resolve, reject) => {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return resolve(queue.splice(i, 1)[0]!);
      if (failure) return reject(failure);
      const entry = { type, resolve, reject };
      waiting.push(entry);
      if (!timeoutMs) return;
      const timer = setTimeout(async () => {
        const at = waiting.indexOf(entry);
        if (at < 0) return;
        waiting.splice(at, 1);
        reject(new Error(`${name}: no ${type} within ${timeoutMs / 1000} s${onTimeout ? ` (${await onTimeout()})` : ""}`));
      }, timeoutMs);
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          f(v);
        };
      entry.resolve = settle(resolve);
      entry.reject = settle(reject);
    });
}

/** Starts the clients of one side (realtime-clients.ts) in a process of their own. */
export function startClients(side: "caseflow" | "bare", args: string[]) {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), "realtime-clients.ts"), [side, ...args], {
    execArgv: ["--import", "tsx"],
  });
  return { child, next: mailbox(child, `the ${side} clients`) };
}

/**
 * Resolves once `count` subscriptions are members of the server's groups: graphql-ws sends
 * no message when a subscription starts, so only the server can tell that all of them are
 * live. Fails when the clients report a failure first (`next`: their mailbox), or after `timeoutMs`.
 */
export async function untilSubscribed(app: App, count: number, next: ReturnType<typeof mailbox>, timeoutMs = 120_000) {
  // A message that never comes: this wait only ever ends by the clients' failure.
  const failed = next("failure");
  failed.catch(() => {});
  let stop = false;
  const members = () => app.subscriptionGroups.size.members;
  const polled = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (!stop && members() < count) {
      if (Date.now() > deadline) throw new Error(`only ${members()} of ${count} subscriptions became live within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await Promise.race([polled, failed]);
  } finally {
    stop = true;
  }
}
