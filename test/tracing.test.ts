// OpenTelemetry spans, recorded with the SDK's in-memory exporter through the same
// startTracing that main.ts calls: a server span per HTTP request (continuing the caller's
// W3C trace) and per graphql-ws operation, a GraphQL operation span beneath it, and
// Prisma's span per SQL statement beneath that.
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing, type Tracing } from "../src/observability/tracing.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { wsClient } from "./helpers/live.js";
import { seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

/** An in-memory exporter that can be waited on for a span. */
class RecordingExporter extends InMemorySpanExporter {
  private readonly waiters = new Set<{ match: (span: ReadableSpan) => boolean; resolve: (span: ReadableSpan) => void }>();
  override export(spans: ReadableSpan[], done: Parameters<InMemorySpanExporter["export"]>[1]): void {
    super.export(spans, done);
    for (const span of spans) {
      for (const waiter of [...this.waiters]) {
        if (!waiter.match(span)) continue;
        this.waiters.delete(waiter);
        waiter.resolve(span);
      }
    }
  }
  finished(match: (span: ReadableSpan) => boolean): Promise<ReadableSpan> {
    const found = this.getFinishedSpans().find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }
}

const exporter = new RecordingExporter();
let tracing: Tracing;
let app: TestApp;
let url: string;
let port: number;
let agent: TestUser;

beforeAll(async () => {
  tracing = startTracing({ serviceName: "caseflow-test", exporter });
  app = await createTestApp();
  ({ url, port } = await app.start(0));
  agent = await seedUser(app, "AGENT", [(await seedTeam(app)).id]);
});
afterAll(async () => {
  await app.close();
  await tracing.shutdown();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (span: ReadableSpan) => exporter.getFinishedSpans().filter((child) => parentOf(child) === span.spanContext().spanId);

describe("traces", () => {
  it("nest SQL statements under the GraphQL operation under the HTTP request, continuing the caller's trace", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${agent.token}`,
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ query: "query MyCases { tickets(first: 5) { edges { node { id } } } }" }),
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-request-id");
    const server = await exporter.finished((span) => span.name === "POST /graphql" && span.attributes["caseflow.request_id"] === requestId);
    expect(server.spanContext().traceId).toBe(traceId);
    expect(parentOf(server)).toBe("00f067aa0ba902b7");
    expect(server.attributes["http.response.status_code"]).toBe(200);

    const operation = childrenOf(server).find((span) => span.name === "query MyCases");
    expect(operation?.attributes).toMatchObject({ "graphql.operation.type": "query", "graphql.operation.name": "MyCases" });
    const prisma = exporter
      .getFinishedSpans()
      .filter((span) => span.spanContext().traceId === traceId && span.name === "prisma:client:db_query");
    expect(prisma.length).toBeGreaterThan(0);
    // Every statement sits beneath the request (credentials are checked before the operation
    // starts), and the list's statements beneath the GraphQL operation.
    const byId = new Map(exporter.getFinishedSpans().map((span) => [span.spanContext().spanId, span]));
    const beneath = (span: ReadableSpan, ancestor: ReadableSpan | undefined) => {
      for (let at: ReadableSpan | undefined = span; at; at = byId.get(parentOf(at) ?? "")) if (at === ancestor) return true;
      return false;
    };
    expect(prisma.every((statement) => beneath(statement, server))).toBe(true);
    const listing = prisma.filter((statement) => beneath(statement, operation));
    expect(listing.length).toBeGreaterThan(0);
    expect(listing.some((statement) => /FROM "public"\."Ticket"|"Ticket"/.test(String(statement.attributes["db.query.text"])))).toBe(true);
  });

  it("give each graphql-ws operation a server span with its GraphQL operation and SQL beneath", async () => {
    const client = wsClient(port, agent.token);
    try {
      await new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: "query OverSocket { tickets(first: 1) { edges { node { id } } } }" },
          { next: () => {}, error: reject, complete: resolve },
        );
      });
      const server = await exporter.finished((span) => span.name === "graphql-ws query OverSocket");
      const operation = childrenOf(server).find((span) => span.name === "query OverSocket");
      expect(operation).toBeDefined();
      const sql = exporter
        .getFinishedSpans()
        .filter((span) => span.spanContext().traceId === server.spanContext().traceId && span.name === "prisma:client:db_query");
      expect(sql.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
  });
});
