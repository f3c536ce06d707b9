// Subscribing the way dashboards do: a real graphql-ws client, or server-sent events
// over fetch, collecting what arrives.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import type { Viewer } from "../../src/domain/access.js";
import type { CredentialWatch } from "../../src/realtime/credentials.js";
import type { AlertMessage } from "../../src/realtime/pubsub.js";

/**
 * When a subscription is live, that is, when no event can slip past it any more. Every
 * stream, grouped or not, watches its credentials only after it listens to its topic
 * (src/realtime/streams.ts, groups.ts), so the apps of this test file report each watch
 * here (reportLiveStreams). A helper's subscription is live once as many streams have
 * started, or ended before starting, as the helpers have opened: counting rather than
 * naming works because no stream is live before its own watch.
 */
const streams = { opened: 0, settled: 0, waiters: new Set<{ index: number; resolve: () => void }>() };

/**
 * Starts the count afresh. Test files share this module when vitest runs them in one
 * worker without isolation (test/setup.ts calls this before each file), and a file whose
 * streams did not all report (processes, apps built without reportLiveStreams) must not
 * leave the next file's count off by those.
 */
export function resetLiveStreams(): void {
  streams.opened = 0;
  streams.settled = 0;
  streams.waiters.clear();
}

function settleOne() {
  streams.settled++;
  for (const waiter of [...streams.waiters]) {
    if (streams.settled < waiter.index) continue;
    streams.waiters.delete(waiter);
    waiter.resolve();
  }
}

/** A group's shared stream watches with the group's own viewer; only its members are subscribers. */
const isGroupStream = (viewer: Viewer | null) => (viewer?.kind === "token" ? viewer.tokenId === "group" : viewer?.sessionId === "group");

/** Makes an in-process app's live streams count for the subscribe helpers below. */
export function reportLiveStreams(watch: CredentialWatch): void {
  const original = watch.watch.bind(watch);
  watch.watch = (credentials, end) => {
    const unwatch = original(credentials, end);
    if (!isGroupStream(credentials.viewer)) settleOne();
    return unwatch;
  };
}

/**
 * An alert for the supervisors of `teamIds` (and so also for every manager). Published
 * after the events a test says were not sent, it is the next thing a subscriber gets:
 * events reach each subscriber in the order they were published, so receiving the
 * sentinel with nothing before it proves that nothing else was sent, without waiting.
 */
export function sentinelAlert(teamIds: string[]): AlertMessage {
  return {
    id: `sentinel-${++sentinels}`,
    kind: "MAJOR_INCIDENT",
    audience: "SUPERVISORS",
    teamIds,
    ticketId: null,
    incidentId: null,
    message: "sentinel",
    at: new Date().toISOString(),
  };
}
let sentinels = 0;

/** Resolves once the subscription just opened is live, or has ended (refused, failed). */
async function live(c: Collector<unknown>): Promise<void> {
  await liveOrEnded(c.completed);
}

/**
 * For a subscription just opened by other means: true once its stream is live, false
 * when `ended` (its refusal, say) comes first. Only for apps that reportLiveStreams.
 */
export async function liveOrEnded(ended: Promise<unknown>): Promise<boolean> {
  const waiter = { index: ++streams.opened, resolve: () => {} };
  const started = new Promise<void>((resolve) => (waiter.resolve = resolve));
  streams.waiters.add(waiter);
  if (streams.settled >= waiter.index) {
    // Its stream started before this line ran.
    streams.waiters.delete(waiter);
    waiter.resolve();
  }
  const endedFirst = ended
    .then(
      () => streams.waiters.has(waiter),
      () => streams.waiters.has(waiter),
    )
    .then((first) => {
      // Refused before it started: it never watches, so it counts as settled here.
      if (first) {
        streams.waiters.delete(waiter);
        settleOne();
      }
      return first;
    });
  return Promise.race([started.then(() => true), endedFirst.then((first) => !first)]);
}

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
    for (const w of [...waiters])
      if (w.done()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  // The bound only turns a missing result into a message naming what did arrive; it is
  // generous because a loaded machine delivered live events more than 10 s late.
  const waitForMatching = (match: (value: T) => boolean, count: number, timeoutMs = 45_000) =>
    new Promise<T[]>((resolve, reject) => {
      const matching = () => received.filter(match);
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `waited ${timeoutMs} ms for ${count} results, got ${matching().length}: ${JSON.stringify(received)} errors: ${JSON.stringify(errors)}`,
            ),
          ),
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
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => (value.errors ? c.fail(value.errors) : c.push(value.data as T)),
      error: (error) => c.fail(error),
      complete: () => c.complete(),
    },
  );
  c.stop = stop;
  await live(c);
  return c;
}

/** Subscribes over server-sent events on the same endpoint. */
export async function subscribeSse<T = any>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Collector<T>> {
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
      // Stopped or cut off: the stream has ended either way.
    } finally {
      c.complete();
    }
  })();
  await live(c);
  return c;
}
