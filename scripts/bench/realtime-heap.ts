// What an idle subscription keeps on the server's heap: heap snapshots of the server with
// 0 and with N idle ticketEvents subscribers (clients in a child process, as in
// bench:realtime), compared by object kind. Prints the kinds that grew most, in bytes per
// subscriber.
// Run with: node --expose-gc --import tsx scripts/bench/realtime-heap.ts [N=2000] [top=40]
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeHeapSnapshot } from "node:v8";
import { startBenchServer, startClients, untilSubscribed } from "./realtime-server.js";

const count = Number(process.argv[2] ?? 2000);
const top = Number(process.argv[3] ?? 40);
const exposedGc = (globalThis as { gc?: () => void }).gc;
if (!exposedGc) throw new Error("run with node --expose-gc");
const gc = exposedGc;

const { app, port, token } = await startBenchServer();

/** Self size per "type name" of every object in a snapshot, and how many there are. */
async function kinds(): Promise<Map<string, { bytes: number; count: number }>> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 200));
  }
  const file = writeHeapSnapshot(path.join(tmpdir(), `caseflow-heap-${process.pid}-${Date.now()}.heapsnapshot`));
  const snapshot = JSON.parse(await readFile(file, "utf8"));
  // HEAP_KEEP=1 keeps the snapshots (for retainers: load them in Chrome DevTools' Memory tab).
  if (process.env.HEAP_KEEP) console.log(`snapshot: ${file}`);
  else await rm(file);
  const fields: string[] = snapshot.snapshot.meta.node_fields;
  const types: string[] = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [number, number, number];
  const result = new Map<string, { bytes: number; count: number }>();
  const nodes: number[] = snapshot.nodes;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]!]!;
    // Strings are grouped by their first characters with HEAP_STRINGS=1, else all together.
    const name =
      type === "string" || type === "concatenated string" || type === "sliced string"
        ? process.env.HEAP_STRINGS
          ? JSON.stringify(String(snapshot.strings[nodes[i + nameAt]!]).slice(0, 60))
          : ""
        : type === "number"
          ? ""
          : snapshot.strings[nodes[i + nameAt]!];
    const key = `${type} ${name}`.slice(0, 90);
    const entry = result.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += nodes[i + sizeAt]!;
    entry.count++;
    result.set(key, entry);
  }
  return result;
}

const before = await kinds();
const clients = startClients("caseflow", [`ws://127.0.0.1:${port}/graphql`, token, String(count)]);
await clients.next("live");
await untilSubscribed(app, count, clients.next);
await new Promise((r) => setTimeout(r, 500));
const after = await kinds();
const growth = [...after].map(([key, { bytes, count: n }]) => ({
  key,
  bytes: (bytes - (before.get(key)?.bytes ?? 0)) / count,
  objects: (n - (before.get(key)?.count ?? 0)) / count,
}));
growth.sort((a, b) => b.bytes - a.bytes);
const total = growth.reduce((sum, g) => sum + g.bytes, 0);
console.log(`${count} idle subscribers: ${total.toFixed(0)} bytes of heap each (self sizes)\n`);
console.log("bytes/sub  objects/sub  kind");
for (const g of growth.slice(0, top)) console.log(`${g.bytes.toFixed(0).padStart(9)}  ${g.objects.toFixed(2).padStart(11)}  ${g.key}`);
clients.child.send({ type: "close" });
await app.stop();
process.exit(0);
