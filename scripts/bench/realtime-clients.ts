// Child process of bench:realtime: opens N graphql-ws connections (raw protocol, to keep
// the client side light), each with one ticketEvents subscription, and reports to the
// parent when all are live and when each event has reached every subscriber.
import WebSocket from "ws";

const [url, token, countText] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);
const QUERY = "subscription { ticketEvents { type ticket { number status } } }";
let live = 0;
let delivered = 0;
let last = 0;
const sockets: WebSocket[] = [];

function open(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    sockets.push(socket);
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    socket.on("message", (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: String(i), type: "subscribe", payload: { query: QUERY } }));
        resolve();
      } else if (message.type === "next") {
        delivered++;
        last = Date.now();
        if (delivered === count) {
          process.send!({ type: "delivered", last });
          delivered = 0;
        }
      } else if (message.type === "error") {
        reject(new Error(JSON.stringify(message.payload)));
      }
    });
    socket.on("error", reject);
  });
}

process.on("message", async (message: { type: string }) => {
  if (message.type === "close") {
    for (const s of sockets) s.terminate();
    process.exit(0);
  }
});

// Open in batches so the server's accept queue is not the thing measured.
for (let i = 0; i < count; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, j) => open(i + j)));
  live = i + Math.min(200, count - i);
}
process.send!({ type: "live", live });
