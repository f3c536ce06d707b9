// Child process of bench:realtime: the clients of one side. `caseflow` opens N graphql-ws
// connections (raw protocol, to keep the client side light), each with one ticketEvents
// subscription; `bare` opens N plain WebSocket connections to the bare-socket server
// (realtime-bare.ts). Each side has a process of its own, so that each can hold its N
// sockets under the per-process open-file limit (20,000 here), and both are read by the
// same handler. It reports to the parent when an event has reached every one of its N
// connections, with the time the last one arrived (process.hrtime.bigint(): the system's
// monotonic clock, comparable across processes).
//
// Anything that means an event can no longer reach all N (a subscription answered with
// an `error` message, at any time; a connection closed once it was open) ends the
// process with a `failed` message naming the cause, instead of leaving a round waiting
// for a delivery that will not come.
//
// Run by the parent: realtime-clients.ts caseflow <url> <token> <count> | bare <url> <count>
import { randomUUID } from "node:crypto";
import WebSocket from "ws";

type Side = "caseflow" | "bare";
const args = process.argv.slice(2);
const side = args[0] as Side;
const url = args[1]!;
const token = side === "caseflow" ? args[2]! : "";
const count = Number(side === "caseflow" ? args[3] : args[2]);
const QUERY = "subscription { ticketEvents { type ticket { number status } } }";
const NEXT_PREFIX = '"type":"next","payload":';
/**
 * Each subscription's id, as graphql-ws's own client makes them (a UUID), the same on both
 * sides so that both write frames of the same size. Not the subscriber's number: graphql-ws
 * keeps a connection's subscriptions in an object keyed by id, and an id like "537" is an
 * array index there, which makes V8 give that one connection an elements array 537 slots long.
 */
const ids = Array.from({ length: count }, () => randomUUID());
let delivered = 0;
let closing = false;
const sockets: WebSocket[] = [];

let failed = false;
/** Reports the first failure to the parent and exits once the report is out. */
function fail(reason: string): void {
  if (failed) return;
  failed = true;
  closing = true;
  // Nothing more is read or counted while the report goes out.
  for (const s of sockets) s.removeAllListeners("message");
  process.send!({ type: "failed", side, reason }, () => process.exit(1));
}

/** Counts a `next` message; the last of N reports the time and (for the bare side's use) the payload. */
function received(text: string) {
  if (++delivered === count) {
    const last = process.hrtime.bigint();
    delivered = 0;
    const payload = text.slice(text.indexOf(NEXT_PREFIX) + NEXT_PREFIX.length, -1);
    process.send!({ type: "delivered", side, last: String(last), payload });
  }
}

/** Once a connection is open, closing it is a failure of the run (unless the parent asked). */
function failOnClose(socket: WebSocket, name: string) {
  socket.on("close", (code, reason) => {
    if (!closing) fail(`${name} was closed by the server (${code} ${reason.toString() || "no reason"})`);
  });
}

/**
 * Opens subscription `i`. On a loaded machine the server may close a connection before it
 * is acknowledged (graphql-ws's 3 s wait for connection_init); that one is opened again.
 * Once acknowledged, an `error` message for the subscription (a refusal: a limit, a
 * permission) or the connection's close fails the run.
 */
function subscribe(i: number, attempt = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    let acknowledged = false;
    socket.on("close", (code, reason) => {
      if (acknowledged) return;
      if (attempt >= 5) return reject(new Error(`subscription ${i} closed before it was acknowledged: ${code} ${reason}`));
      console.error(`subscription ${i} closed before it was acknowledged (${code} ${reason}); opening it again`);
      subscribe(i, attempt + 1).then(resolve, reject);
    });
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    socket.on("message", (raw) => {
      const text = raw.toString();
      // The hot path: a delivery is counted without parsing it.
      if (text.includes(NEXT_PREFIX)) return received(text);
      const message = JSON.parse(text);
      if (message.type === "connection_ack") {
        acknowledged = true;
        failOnClose(socket, `subscription ${i}'s connection`);
        socket.send(JSON.stringify({ id: ids[i], type: "subscribe", payload: { query: QUERY } }));
        sockets.push(socket);
        resolve();
      } else if (message.type === "error") {
        fail(`subscription ${i} was refused: ${JSON.stringify(message.payload)}`);
      } else if (message.type === "complete") {
        fail(`subscription ${i} was completed by the server`);
      } else if (message.type === "ping") {
        socket.send('{"type":"pong"}');
      }
    });
    socket.on("error", (error) => (acknowledged ? fail(`subscription ${i}'s connection failed: ${error.message}`) : reject(error)));
  });
}

function connectBare(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}?id=${ids[i]}`);
    sockets.push(socket);
    socket.on("open", () => {
      failOnClose(socket, `bare connection ${i}`);
      resolve();
    });
    socket.on("message", (raw) => received(raw.toString()));
    socket.on("error", reject);
  });
}

/** Opens in batches so the servers' accept queues are not the thing measured. */
async function inBatches(open: (i: number) => Promise<void>) {
  for (let i = 0; i < count; i += 200) await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, j) => open(i + j)));
}

process.on("message", (message: { type: string }) => {
  if (message.type === "count") {
    process.send!({ type: "count", side, delivered });
  } else if (message.type === "close") {
    closing = true;
    for (const s of sockets) s.terminate();
    process.exit(0);
  }
});
// The parent is gone (it failed or was stopped): so are we.
process.on("disconnect", () => process.exit(0));

await inBatches((i) => (side === "caseflow" ? subscribe(i) : connectBare(i))).then(
  () => failed || process.send!({ type: "live", side }),
  (error) => fail(`${side}: ${error.message ?? error}`),
);
