// Grouped subscriptions write their graphql-transport-ws frames themselves; a client's
// WebSocket parser (ws's Receiver, as a client uses it) must read them as ws's own.
import { randomBytes } from "node:crypto";
import { type EventEmitter, once } from "node:events";
import type { IncomingMessage } from "node:http";
import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import * as ws from "ws";
import { nextMessageSender, textFrame } from "../src/realtime/frames.js";

// ws's frame parser is public at run time but absent from its type definitions.
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => EventEmitter & { write(chunk: Buffer): void } };

function decode(frame: Buffer): string[] {
  const messages: string[] = [];
  const receiver = new Receiver({ isServer: false });
  receiver.on("message", (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false);
    messages.push(data.toString("utf8"));
  });
  receiver.write(frame);
  return messages;
}

describe("text frames", () => {
  // Payload lengths at each boundary of the three header sizes (7-bit, 16-bit, 64-bit length).
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])("carries a %i-byte payload whole", (length) => {
    const text = "é".repeat(Math.floor(length / 2)) + "x".repeat(length % 2);
    const frame = textFrame(Buffer.from(text));
    expect(Buffer.byteLength(text)).toBe(length);
    expect(decode(frame)).toEqual([text]);
  });

  it("joins its parts into one message", () => {
    const parts = ['{"id":"7","type":"next","payload":', '{"data":{"ok":"🙂"}}', "}"].map((p) => Buffer.from(p));
    expect(decode(textFrame(...parts)).map((m) => JSON.parse(m))).toEqual([{ id: "7", type: "next", payload: { data: { ok: "🙂" } } }]);
  });
});

describe("next messages to a subscriber that stops reading", () => {
  it("are dropped with the connection once too much is left unsent, while a reading subscriber keeps up", async () => {
    const server = new ws.WebSocketServer({ port: 0, perMessageDeflate: false });
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    try {
      const accept = () => once(server, "connection") as Promise<[ws.WebSocket, IncomingMessage]>;
      const megabyte = Buffer.from(JSON.stringify({ data: { text: "y".repeat(1024 * 1024) } }));

      // Completes the handshake, then never reads: the kernel's buffers fill, then ours.
      const accepted = accept();
      const stalled = net.connect(port, "127.0.0.1");
      stalled.write(
        `GET / HTTP/1.1\r\nHost: caseflow.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      const [stalledSocket, stalledRequest] = await accepted;
      stalled.pause();
      const closed = once(stalledSocket, "close");
      const send = nextMessageSender(stalledSocket, stalledRequest.socket, "1", 64 * 1024);
      let sent = 0;
      while (stalledSocket.readyState === stalledSocket.OPEN && sent < 500) {
        send(megabyte);
        sent++;
        await new Promise((r) => setImmediate(r));
      }
      await closed;
      expect(stalledRequest.socket.destroyed).toBe(true);
      expect(sent).toBeLessThan(500);
      stalled.destroy();

      // A subscriber that reads gets every message with the same limit.
      const acceptedReader = accept();
      const reader = new ws.WebSocket(`ws://127.0.0.1:${port}`);
      const [readerSocket, readerRequest] = await acceptedReader;
      const sendToReader = nextMessageSender(readerSocket, readerRequest.socket, "2", 64 * 1024);
      for (let i = 0; i < 30; i++) {
        const received = once(reader, "message");
        sendToReader(megabyte);
        const [data] = await received;
        expect(JSON.parse(String(data)).payload.data.text).toHaveLength(1024 * 1024);
      }
      expect(readerSocket.readyState).toBe(readerSocket.OPEN);
      reader.close();
    } finally {
      server.close();
    }
  });
});
