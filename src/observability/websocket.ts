// The graphql-ws side of observability: open connections, one request record, span and
// access-log line per operation (a subscription's line is written when it ends), live
// subscriptions counted, and the request id on every error and result's errors sent.
import type { Span } from "@opentelemetry/api";
import { context as otelContext, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { DocumentNode, ExecutionResult, GraphQLError } from "graphql";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import { writeAccessLog } from "./access-log.js";
import { answeredErrors, answeredResult, describeOperation, noteOperation } from "./graphql.js";
import type { Metrics } from "./metrics.js";
import { newRequestRecord, type RequestRecord, requestIdFrom, runInRequest } from "./request-context.js";
import { tracer } from "./tracing.js";

interface Operation {
  record: RequestRecord;
  span: Span;
  /** Passed the gate and validation: it runs, and completes. */
  admitted: boolean;
  /** Counted among the live subscriptions until it completes. */
  live: boolean;
}

export class WebSocketObservation {
  /** Operations in flight per connection (graphql-ws's context object), by the client's id. */
  private readonly operations = new WeakMap<object, Map<string, Operation>>();

  constructor(
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  connectionOpened(socket: WebSocket): void {
    this.metrics.webSockets.inc();
    socket.once("close", () => this.metrics.webSockets.dec());
  }

  /** A subscribe message arrived: its record and span start now. */
  begin(connection: object, id: string): Operation {
    const record = newRequestRecord(requestIdFrom(null), "ws");
    const span = tracer.startSpan("graphql-ws subscribe", {
      kind: SpanKind.SERVER,
      attributes: { "caseflow.request_id": record.id, "network.protocol.name": "graphql-ws" },
    });
    const operation: Operation = { record, span, admitted: false, live: false };
    if (!this.operations.has(connection)) this.operations.set(connection, new Map());
    this.operations.get(connection)!.set(id, operation);
    return operation;
  }

  /** Runs work of the operation with its request record and span current. */
  run<T>(operation: Operation, work: () => T): T {
    return runInRequest(operation.record, () => otelContext.with(trace.setSpan(otelContext.active(), operation.span), work));
  }

  /** The operation passed the gate and validation and runs now; a subscription counts as live until it completes. */
  admitted(operation: Operation, document: DocumentNode, operationName: string | null | undefined): void {
    operation.admitted = true;
    const described = describeOperation(document, operationName);
    noteOperation(operation.record, described, this.metrics);
    operation.span.updateName(`graphql-ws ${described.type} ${described.name ?? "anonymous"}`);
    if (described.type !== "subscription") return;
    operation.live = true;
    this.metrics.liveSubscriptions.inc({ transport: "ws" });
  }

  result(connection: object, id: string, result: ExecutionResult): ExecutionResult {
    const operation = this.operations.get(connection)?.get(id);
    return operation ? answeredResult(result, operation.record, this.metrics) : result;
  }

  /**
   * An `error` message for the operation: a refusal before it ran (the operation ends
   * here; graphql-ws sends no completion for it) or a failed stream (completion follows).
   */
  errors(connection: object, id: string, errors: readonly GraphQLError[]): GraphQLError[] {
    const operation = this.operations.get(connection)?.get(id);
    if (!operation) return [...errors];
    const answered = answeredErrors(errors, operation.record, this.metrics);
    operation.span.setStatus({ code: SpanStatusCode.ERROR });
    if (!operation.admitted) this.end(connection, id, "refused");
    return answered;
  }

  completed(connection: object, id: string): void {
    this.end(connection, id, undefined);
  }

  private end(connection: object, id: string, status: string | undefined): void {
    const operations = this.operations.get(connection);
    const operation = operations?.get(id);
    if (!operation) return;
    operations!.delete(id);
    if (operation.live) this.metrics.liveSubscriptions.dec({ transport: "ws" });
    operation.span.end();
    writeAccessLog(this.logger, operation.record, { status: status ?? (operation.record.errorCodes.length ? "error" : "ok") });
  }
}
