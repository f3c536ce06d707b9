// `npm run bench:realtime`: graphql-ws fan-out in one server process.
// For 1,000 and 10,000 idle subscribers it reports the server's memory per subscription
// and the time from publishing one event to its delivery to the last subscriber.
// Clients run in a child process so the server's memory is measured alone.
// Run with: node --expose-gc --import tsx scripts/bench/realtime.ts [counts...]
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { hashToken, newBearerToken } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server.js";

const counts = process.argv.slice(2).map(Number).filter(Boolean);
const sizes = counts.length ? counts : [1_000, 10_000];
// Events per size; the machines are shared, so the median of many beats a few.
const ROUNDS = 15;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 200));
  }
};
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const config = {
  ...loadConfig({ LOG_LEVEL: "silent", CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"), SLA_MONITOR: "false" }),
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

// Time of the last publish, taken where the event leaves the server.
let publishedAt = 0;
const publish = app.realtime.pubsub.publish.bind(app.realtime.pubsub);
app.realtime.pubsub.publish = ((topic: string, ...args: unknown[]) => {
  if (topic === "ticket-event") publishedAt = Date.now();
  return (publish as (...a: unknown[]) => void)(topic, ...args);
}) as typeof publish;

const gql = async (query: string, variables: Record<string, unknown>) => {
  const response = await app.yoga.fetch("http://bench/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
};

const rows: string[] = [];
for (const count of sizes) {
  await settle();
  const before = process.memoryUsage();
  const child = fork(
    path.join(path.dirname(fileURLToPath(import.meta.url)), "realtime-clients.ts"),
    [`ws://127.0.0.1:${port}/graphql`, token, String(count)],
    {
      execArgv: ["--import", "tsx"],
    },
  );
  const messages: { type: string; last?: number }[] = [];
  const next = (type: string) =>
    new Promise<{ last?: number }>((resolve) => {
      const poll = () => {
        const i = messages.findIndex((m) => m.type === type);
        if (i >= 0) resolve(messages.splice(i, 1)[0]!);
        else setTimeout(poll, 5);
      };
      poll();
    });
  child.on("message", (m: { type: string }) => messages.push(m));
  await next("live");
  await new Promise((r) => setTimeout(r, 500));
  await settle();
  const after = process.memoryUsage();
  const perSubscription = (after.heapUsed - before.heapUsed) / count;
  const rssPerSubscription = (after.rss - before.rss) / count;

  // BENCH_CPU_PROFILE=<folder> writes a .cpuprofile of the server during the deliveries.
  const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const delivered = next("delivered");
    await gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { __typename } }`, {
      i: {
        title: `ACC-${round} bench`,
        accountId: `ACC-${round}`,
        channel: "API",
        type: "INQUIRY",
        priority: "LOW",
        teamId: `${Buffer.from(`Team:${team.id}`).toString("base64")}`,
      },
    });
    const { last } = await delivered;
    latencies.push(last! - publishedAt);
  }
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    await writeFile(path.join(process.env.BENCH_CPU_PROFILE!, `realtime-${count}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  latencies.sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)]!;
  rows.push(
    `| ${count.toLocaleString("en")} | ${(perSubscription / 1024).toFixed(1)} KiB | ${(rssPerSubscription / 1024).toFixed(1)} KiB | ${median} ms | ${latencies[0]} / ${latencies.at(-1)} ms | ${((median * 1000) / count).toFixed(0)} µs |`,
  );
  console.log(
    `${count} subscribers: heap +${mb(after.heapUsed - before.heapUsed)} MiB, rss +${mb(after.rss - before.rss)} MiB, publish→last delivery ${latencies.join(", ")} ms`,
  );
  child.send({ type: "close" });
  await new Promise((r) => child.on("exit", r));
}

console.log(
  `\n| subscribers | heap per idle subscription | RSS per idle subscription | publish → last delivery (median of ${ROUNDS}) | min / max | per delivery |`,
);
console.log("|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
await app.stop();
