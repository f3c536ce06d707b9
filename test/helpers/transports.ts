// One operation sent over each road a client can take to the server: GraphQL over HTTP,
// server-sent events and graphql-ws. The gate tests run every protection over all of
// them, so a protection that holds on one road and not on another shows up as a failure.
import WebSocket from "ws";
import type { TestApp } from "./app.js";

export const TRANSPORTS = ["http", "sse", "ws"] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export interface Operation {
  query?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  documentId?: string;
  operationName?: string;
}

export interface Outcome {
  /** HTTP status (200 for graphql-ws results and errors). */
  status: number;
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

const RAW_SOCKET = Symbol("raw socket");

/**
 * A graphql-transport-ws connection that queues every message, in the manner of
 * graphql-ws's own test client: tests wait for messages, never for time.
 */
export class RawSocket {
  readonly messages: any[] = [];
  private waiters: { match: (m: any) => boolean; resolve: (m: any) => void; reject: (error: Error) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private readonly socket: WebSocket;
  [RAW_SOCKET] = true;

  private constructor(url: string) {
    this.socket = new WebSocket(url, "graphql-transport-ws");
    this.closed = new Promise((resolve) =>
      this.socket.on("close", (code, reason) => {
        resolve({ code, reason: reason.toString() });
        // Whoever still waits learns that nothing more will come.
        for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`socket closed with ${code} ${reason.toString()}`));
      }),
    );
    this.socket.on("message", (data) => {
      const message = JSON.parse(data.toString());
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(message)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
  }

  static async open(port: number, token: string): Promise<RawSocket> {
    const raw = new RawSocket(`ws://127.0.0.1:${port}/graphql`);
    await new Promise((resolve, reject) => (raw.socket.once("open", resolve), raw.socket.once("error", reject)));
    raw.send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
    await raw.next((m) => m.type === "connection_ack");
    return raw;
  }

  send(message: unknown) {
    this.socket.send(JSON.stringify(message));
  }

  /** The first queued message matching `match`, or the next one to arrive. */
  next(match: (message: any) => boolean): Promise<any> {
    const queued = this.messages.find(match);
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve, reject }));
  }

  /** Sends one operation and waits for its first result or its error. */
  async run(id: string, operation: Operation): Promise<Outcome> {
    this.send({ id, type: "subscribe", payload: { query: "", ...operation } });
    const message = await this.next((m) => m.id === id && (m.type === "next" || m.type === "error"));
    if (message.type === "error") return { status: 200, errors: message.payload };
    return { status: 200, data: message.payload.data, errors: message.payload.errors };
  }

  close() {
    this.socket.close();
  }
}

let operationId = 0;

/** Sends `operation` over `transport` with `token` and returns what the client sees. */
export async function sendOver(
  transport: TransportName,
  app: TestApp,
  port: number,
  token: string | null,
  operation: Operation,
  headers: Record<string, string> = {},
): Promise<Outcome> {
  if (transport === "ws") {
    const socket = await RawSocket.open(port, token ?? "");
    try {
      return await socket.run(`op-${++operationId}`, operation);
    } finally {
      socket.close();
    }
  }
  const response = await app.yoga.fetch("http://caseflow.test/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: transport === "sse" ? "text/event-stream" : "application/graphql-response+json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(operation),
  });
  if (transport === "http" || !response.headers.get("content-type")?.includes("text/event-stream")) {
    const body = (await response.json()) as Outcome;
    return { status: response.status, data: body.data, errors: body.errors };
  }
  const text = await response.text();
  const next = /event: next\ndata: (.*)\n/.exec(text);
  const body: Partial<Outcome> = next ? JSON.parse(next[1]!) : {};
  return { status: response.status, data: body.data, errors: body.errors };
}
