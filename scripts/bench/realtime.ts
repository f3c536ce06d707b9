// `npm run bench:realtime`: graphql-ws fan-out in one server process, beside a bare-socket
// ceiling measured in the same run.
// For 1,000 and 10,000 idle subscribers it reports the server's memory per subscription
// and the time from publishing one event to its arrival at the last subscriber. A bare
// server process (realtime-bare.ts: plain `ws`, no GraphQL) writes the same frame to as
// many sockets, held by the same client process; rounds alternate (caseflow, bare,
// caseflow, …), both measured from the first write's start (caseflow: the publish) to
// the last byte read by the clients, with each server's CPU time over the same span.
// Clients run in a child process so the server's memory is measured alone.
// Run with: node --expose-gc --import tsx scripts/bench/realtime.ts [counts...]
// BENCH_ROUNDS=<n> sets the rounds per side (default 15); one more of each is a discarded warm-up.
import { fork } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mailbox, startBenchServer, startClients, untilSubscribed } from "./realtime-server.js";

const counts = process.argv.slice(2).map(Number).filter(Boolean);
const sizes = counts.length ? counts : [1_000, 10_000];
// Events per size and side; the machines are shared, so the median of many beats a few.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 200));
  }
};
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const { app, port, team, token } = await startBenchServer();

// Where the event leaves the server: the time and the process's CPU use at the last publish.
let publishedAt = 0n;
let cpuAtPublish = process.cpuUsage();
const publish = app.realtime.pubsub.publish.bind(app.realtime.pubsub);
app.realtime.pubsub.publish = ((topic: string, ...args: unknown[]) => {
  if (topic === "ticket-event") {
    cpuAtPublish = process.cpuUsage();
    publishedAt = process.hrtime.bigint();
  }
  return (publish as (...a: unknown[]) => void)(topic, ...args);
}) as typeof publish;

const gql = async (query: string, variables: Record<string, unknown>) => {
  const response = await app.yoga.fetch("http://bench/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { errors?: unknown[] };
  // A failed mutation publishes nothing: its round would wait for an event that never comes.
  if (result.errors) throw new Error(`the event's mutation failed: ${JSON.stringify(result.errors)}`);
  return result;
};

const here = path.dirname(fileURLToPath(import.meta.url));
const bare = fork(path.join(here, "realtime-bare.ts"), [], { execArgv: ["--import", "tsx"] });
const fromBare = mailbox(bare, "the bare server");
const barePort = (await fromBare("listening")).port as number;

const ms = (ns: bigint) => Number(ns) / 1e6;
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)]!;
const spread = (values: number[], digits = 0) =>
  `${median(values).toFixed(digits)} (${sorted(values)[0]!.toFixed(digits)}-${sorted(values).at(-1)!.toFixed(digits)})`;

const memoryRows: string[] = [];
const fanOutRows: string[] = [];
let ticketNumber = 0;
for (const count of sizes) {
  await settle();
  const before = process.memoryUsage();
  const caseflowClients = startClients("caseflow", [`ws://127.0.0.1:${port}/graphql`, token, String(count)]);
  await caseflowClients.next("live");
  await untilSubscribed(app, count, caseflowClients.next);
  await new Promise((r) => setTimeout(r, 500));
  await settle();
  const after = process.memoryUsage();
  const perSubscription = (after.heapUsed - before.heapUsed) / count;
  const rssPerSubscription = (after.rss - before.rss) / count;
  const bareClients = startClients("bare", [`ws://127.0.0.1:${barePort}/`, String(count)]);
  await bareClients.next("live");
  await settle();
  // A round that has not ended after this long will not: it fails, saying how far it got.
  const roundLimitMs = 60_000;
  const howFar = (clients: typeof caseflowClients) => async () => {
    const answer = clients.next("count", 5_000);
    clients.child.send({ type: "count" });
    return `${(await answer.catch(() => ({ delivered: "?" }))).delivered} of ${count} delivered`;
  };

  // BENCH_CPU_PROFILE=<folder> writes a .cpuprofile of the server during the deliveries.
  const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  const caseflow = { latency: [] as number[], fanOutCpu: [] as number[], eventCpu: [] as number[] };
  const ceiling = { latency: [] as number[], cpu: [] as number[], writes: [] as number[] };
  let payload = "";
  // Round 0 of each side is a warm-up and is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    // caseflow: a case is created; its CREATED event goes to every subscriber.
    const cpuAtRequest = process.cpuUsage();
    const delivered = caseflowClients.next("delivered", roundLimitMs, howFar(caseflowClients));
    ticketNumber++;
    await gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { __typename } }`, {
      i: {
        title: `ACC-${ticketNumber} bench`,
        accountId: `ACC-${ticketNumber}`,
        channel: "API",
        type: "INQUIRY",
        priority: "LOW",
        teamId: `${Buffer.from(`Team:${team.id}`).toString("base64")}`,
      },
    });
    const caseflowDone = await delivered;
    const cpuAtDelivery = process.cpuUsage();
    if (caseflowDone.side !== "caseflow") throw new Error("deliveries out of turn");
    payload = caseflowDone.payload as string;
    if (round > 0) {
      caseflow.latency.push(ms(BigInt(caseflowDone.last as string) - publishedAt));
      caseflow.fanOutCpu.push(cpuMs(cpuAtDelivery) - cpuMs(cpuAtPublish));
      caseflow.eventCpu.push(cpuMs(cpuAtDelivery) - cpuMs(cpuAtRequest));
    }

    // bare: the same frame to as many sockets.
    const bareDelivered = bareClients.next("delivered", roundLimitMs, howFar(bareClients));
    bare.send({ type: "write", payload });
    const written = await fromBare("written");
    const bareDone = await bareDelivered;
    bare.send({ type: "cpu" });
    const cpu = await fromBare("cpu");
    if (bareDone.side !== "bare") throw new Error("deliveries out of turn");
    if (round > 0) {
      ceiling.latency.push(ms(BigInt(bareDone.last as string) - BigInt(written.start as string)));
      ceiling.writes.push(written.writeMs as number);
      ceiling.cpu.push((cpu.userMs as number) + (cpu.systemMs as number));
    }
  }
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    await writeFile(path.join(process.env.BENCH_CPU_PROFILE!, `realtime-${count}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  const ratios = caseflow.latency.map((latency, i) => latency / ceiling.latency[i]!);
  memoryRows.push(
    `| ${count.toLocaleString("en")} | ${(perSubscription / 1024).toFixed(1)} KiB | ${(rssPerSubscription / 1024).toFixed(1)} KiB |`,
  );
  fanOutRows.push(
    `| ${count.toLocaleString("en")} | ${spread(caseflow.latency)} ms | ${spread(ceiling.latency)} ms | **${(median(caseflow.latency) / median(ceiling.latency)).toFixed(2)}x** (pairs ${spread(ratios, 2)}) | ${spread(caseflow.fanOutCpu)} ms (whole event ${spread(caseflow.eventCpu)}) | ${spread(ceiling.cpu)} ms (writes ${spread(ceiling.writes)} ms) |`,
  );
  console.log(
    `${count} subscribers: heap +${mb(after.heapUsed - before.heapUsed)} MiB, rss +${mb(after.rss - before.rss)} MiB\n` +
      `  caseflow publish→last delivery ${caseflow.latency.map((l) => l.toFixed(0)).join(", ")} ms\n` +
      `  bare     write→last delivery   ${ceiling.latency.map((l) => l.toFixed(0)).join(", ")} ms`,
  );
  for (const clients of [caseflowClients, bareClients]) {
    const exited = new Promise((r) => clients.child.on("exit", r));
    clients.child.send({ type: "close" });
    await exited;
  }
}
bare.send({ type: "close" });

console.log(`\n| subscribers | heap per idle subscription | RSS per idle subscription |`);
console.log("|---|---|---|");
for (const row of memoryRows) console.log(row);
console.log(
  `\n| subscribers | caseflow: publish → last delivery, median (min-max) of ${ROUNDS} | bare sockets: first write → last delivery | ratio of medians (per pair) | caseflow server CPU per event, publish → last delivery | bare server CPU per event |`,
);
console.log("|---|---|---|---|---|---|");
for (const row of fanOutRows) console.log(row);
await app.stop();
