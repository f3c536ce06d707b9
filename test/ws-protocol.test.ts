// graphql-ws protocol behaviour (PROTOCOL.md of graphql-ws) as this server shows it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { seedUser } from "./helpers/seed.js";

let app: TestApp;
let port: number;
let token: string;

beforeAll(async () => {
  app = await createTestApp();
  ({ port } = await app.start(0));
  ({ token } = await seedUser(app, "AGENT"));
});
afterAll(() => app.close());

/** Opens a socket, sends `messages` in order (waiting for the ack after an init), resolves to the close code. */
function closeCodeAfter(messages: (string | object)[], waitForAck = true): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, "graphql-transport-ws");
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    const queue = [...messages];
    const sendNext = () => {
      const next = queue.shift();
      if (next === undefined) return;
      socket.send(typeof next === "string" ? next : JSON.stringify(next));
      const isInit = typeof next === "object" && (next as { type?: string }).type === "connection_init";
      if (!(isInit && waitForAck)) sendNext();
    };
    socket.on("message", (raw) => {
      if (JSON.parse(raw.toString()).type === "connection_ack") sendNext();
    });
    socket.on("open", sendNext);
  });
}

const init = () => ({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
const subscription = (id: string) => ({ id, type: "subscribe", payload: { query: "subscription { ticketEvents { type } }" } });

describe("graphql-transport-ws", () => {
  it("closes with 4400 on a message that is not the protocol", async () => {
    expect((await closeCodeAfter(["not json"])).code).toBe(4400);
  });

  it("closes with 4401 when subscribing before the connection is acknowledged", async () => {
    expect((await closeCodeAfter([subscription("1")])).code).toBe(4401);
  });

  it("closes with 4408 when connection_init does not come in time", async () => {
    // The code itself says why: the wait ran out (how long it lasts is graphql-ws's setting).
    expect((await closeCodeAfter([])).code).toBe(4408);
  });

  it("closes with 4409 on a second subscription with the same id", async () => {
    const { code, reason } = await closeCodeAfter([init(), subscription("same"), subscription("same")]);
    expect(code).toBe(4409);
    expect(reason).toMatch(/same/);
  });

  it("closes with 4429 on a second connection_init", async () => {
    expect((await closeCodeAfter([init(), init()])).code).toBe(4429);
  });

  it("closes with 4403 on missing or invalid credentials", async () => {
    expect((await closeCodeAfter([{ type: "connection_init" }], false)).code).toBe(4403);
    expect((await closeCodeAfter([{ type: "connection_init", payload: { authorization: "Bearer cfs_x" } }], false)).code).toBe(4403);
  });
});
