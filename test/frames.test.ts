// Grouped subscriptions write their graphql-transport-ws frames themselves; a client's
// WebSocket parser (ws's Receiver, as a client uses it) must read them as ws's own.
import { EventEmitter } from "node:events";
import * as ws from "ws";
import { describe, expect, it } from "vitest";
import { textFrame } from "../src/realtime/frames.js";

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
