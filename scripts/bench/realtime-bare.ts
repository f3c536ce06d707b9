// The bare-socket ceiling of `npm run bench:realtime`, started by it as its own process:
// a plain `ws` server that does nothing but accept WebSocket connections and, when told,
// write one `next` frame to every one of them. The frame is byte for byte the one caseflow
// writes for the same event (the parent passes the payload JSON caseflow's subscribers just
// received; each connection's id comes from its URL, ?id=…, as a subscription's id does),
// built and written the same way (src/realtime/frames.ts: one buffer per socket, written
// onto the TCP socket). No GraphQL, no groups, no permission checks: what is left is the
// cost of putting these bytes on these sockets, the floor for any server in Node.
//
// Messages from the parent: {type:"write", payload} → {type:"written", start, writeMs}
// (start: process.hrtime.bigint() as a string, taken before the first write; the clock is
// the system's monotonic clock, the same in every process); {type:"cpu"} → {type:"cpu",
// userMs, systemMs} since the last write began.
import type { Socket } from "node:net";
import { WebSocketServer } from "ws";
import { textFrame } from "../../src/realtime/frames.js";

const CLOSING_BRACE = Buffer.from("}");
const connections: { tcp: Socket; head: Buffer }[] = [];
let cpuAtWrite = process.cpuUsage();

const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
server.on("connection", (socket, request) => {
  const id = new URL(request.url ?? "/", "http://bare").searchParams.get("id") ?? "0";
  const connection = { tcp: request.socket, head: Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`) };
  connections.push(connection);
  socket.on("close", () => connections.splice(connections.indexOf(connection), 1));
});
server.on("listening", () => {
  const address = server.address();
  process.send!({ type: "listening", port: typeof address === "object" && address ? address.port : 0 });
});

process.on("message", (message: { type: string; payload?: string }) => {
  if (message.type === "write") {
    const json = Buffer.from(message.payload!);
    cpuAtWrite = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (const { tcp, head } of connections) tcp.write(textFrame(head, json, CLOSING_BRACE));
    const writeMs = Number(process.hrtime.bigint() - start) / 1e6;
    process.send!({ type: "written", start: String(start), writeMs });
  } else if (message.type === "cpu") {
    const { user, system } = process.cpuUsage(cpuAtWrite);
    process.send!({ type: "cpu", userMs: user / 1000, systemMs: system / 1000 });
  } else if (message.type === "close") {
    for (const client of server.clients) client.terminate();
    server.close();
    process.exit(0);
  }
});
// The parent is gone (it failed or was stopped): so are we.
process.on("disconnect", () => process.exit(0));
