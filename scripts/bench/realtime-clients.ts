// Child process of bench:realtime: opens N graphql-ws connections to caseflow (raw
// protocol, to keep the client side light), each with one ticketEvents subscription, and,
// when asked, N plain WebSocket connections to the bare-socket server (realtime-bare.ts).
// Both kinds are read by the same handler; for each side it reports to the parent when an
// event has reached every one of its N connections, with the time the last one arrived
// (process.hrtime.bigint(): the system's monotonic clock, comparable across processes).
import WebSocket from "ws";

const [url, token, countText] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);
const QUERY = "subscription { ticketEvents { type ticket { number status } } }";
const NEXT_PREFIX = '"type":"next","payload":';
type Side = "caseflow" | "bare";
const delivered: Record<Side, number> = { caseflow: 0, bare: 0 };
const sockets: WebSocket[] = [];

/** Counts a `next` message; the last of N reports the time and (for the bare side's use) the payload. */
function received(side: Side, text: string) {
  const message = JSON.parse(text);
  if (message.type !== "next") return false;
  if (++delivered[side] === count) {
    const last = process.hrtime.bigint();
    delivered[side] = 0;
    const payload = text.slice(text.indexOf(NEXT_PREFIX) + NEXT_PREFIX.length, -1);
    process.send!({ type: "delivered", side, last: String(last), payload });
  }
  return true;
}

/**
 * Opens subscription `i`. On a loaded machine the server may close a connection before it
 * is live (graphql-ws's 3 s wait for connection_init); that one is opened again.
 */
function subscribe(i: number, attempt = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    let live = false;
    socket.on("close", (code, reason) => {
      if (live) return;
      if (attempt >= 5) return reject(new Error(`subscription ${i} closed before it was live: ${code} ${reason}`));
      console.error(`subscription ${i} closed before it was live (${code} ${reason}); opening it again`);
      subscribe(i, attempt + 1).then(resolve, reject);
    });
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    socket.on("message", (raw) => {
      const text = raw.toString();
      if (received("caseflow", text)) return;
      const message = JSON.parse(text);
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: String(i), type: "subscribe", payload: { query: QUERY } }));
        live = true;
        sockets.push(socket);
        resolve();
      } else if (message.type === "error") {
        reject(new Error(JSON.stringify(message.payload)));
      }
    });
    socket.on("error", reject);
  });
}

function connectBare(bareUrl: string, i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${bareUrl}?id=${i}`);
    sockets.push(socket);
    socket.on("open", () => resolve());
    socket.on("message", (raw) => received("bare", raw.toString()));
    socket.on("error", reject);
  });
}

/** Opens in batches so the servers' accept queues are not the thing measured. */
async function inBatches(open: (i: number) => Promise<void>) {
  for (let i = 0; i < count; i += 200) await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, j) => open(i + j)));
}

process.on("message", async (message: { type: string; url?: string }) => {
  if (message.type === "bare") {
    await inBatches((i) => connectBare(message.url!, i));
    process.send!({ type: "bare-live" });
  } else if (message.type === "close") {
    for (const s of sockets) s.terminate();
    process.exit(0);
  }
});

await inBatches((i) => subscribe(i)).catch((error) => {
  console.error(error);
  process.exit(1);
});
process.send!({ type: "live" });
