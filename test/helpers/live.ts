// Subscribing the way dashboards do: a real graphql-ws client, or server-sent events
// over fetch, collecting what arrives.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface Collector<T = any> {
  received: T[];
  errors: unknown[];
  /** Resolves once `count` results have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Resolves once `count` of the results satisfy `match`. */
  waitForMatching(match: (value: T) => boolean, count: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
  completed: Promise<void>;
}

function collector<T>(): Collector<T> & { push(value: T): void; fail(error: unknown): void; complete(): void } {
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters: { done: () => boolean; resolve: () => void }[] = [];
  let complete!: () => void;
  const completed = new Promise<void>((resolve) => (complete = resolve));
  const check = () => {
    for (const w of [...waiters]) if (w.done()) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const waitForMatching = (match: (value: T) => boolean, count: number, timeoutMs = 10_000) =>
    new Promise<T[]>((resolve, reject) => {
      const matching = () => received.filter(match);
      const timer = setTimeout(
        () => reject(new Error(`waited ${timeoutMs} ms for ${count} results, got ${matching().length}: ${JSON.stringify(received)} errors: ${JSON.stringify(errors)}`)),
        timeoutMs,
      );
      waiters.push({ done: () => matching().length >= count, resolve: () => (clearTimeout(timer), resolve(matching())) });
      check();
    });
  return {
    received,
    errors,
    completed,
    stop: () => {},
    push: (value) => {
      received.push(value);
      check();
    },
    fail: (error) => {
      errors.push(error);
      complete();
    },
    complete: () => complete(),
    waitForMatching,
    waitFor: (count, timeoutMs) => waitForMatching(() => true, count, timeoutMs),
  };
}

export function wsClient(port: number, token: string): Client {
  return createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // Tests close sockets on purpose (server stops, revocations); results say what happened.
    onNonLazyError: () => {},
    connectionParams: { authorization: `Bearer ${token}` },
  });
}

/** Subscribes over graphql-ws; resolves once the server has acknowledged the operation. */
export async function subscribeWs<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<Collector<T>> {
  const c = collector<T>();
  const stop = client.subscribe<T>({ query, variables }, {
    next: (value) => (value.errors ? c.fail(value.errors) : c.push(value.data as T)),
    error: (error) => c.fail(error),
    complete: () => c.complete(),
  });
  c.stop = stop;
  // A round trip on the same socket: once it answers, the subscription above is live.
  await new Promise<void>((resolve, reject) => client.subscribe({ query: "{ health }" }, { next: () => {}, error: reject, complete: resolve }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return c;
}

/** Subscribes over server-sent events on the same endpoint. */
export async function subscribeSse<T = any>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Collector<T>> {
  const c = collector<T>();
  const abort = new AbortController();
  c.stop = () => abort.abort();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (\w+)/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event === "next" && data) {
            const payload = JSON.parse(data);
            if (payload.errors) c.fail(payload.errors);
            else c.push(payload.data);
          }
          if (event === "complete") c.complete();
        }
      }
    } catch {
      c.complete();
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 150));
  return c;
}
