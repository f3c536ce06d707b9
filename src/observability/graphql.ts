// The observability plugin every GraphQL operation goes through, whatever its transport
// (yoga runs it for HTTP and SSE; graphql-ws executes through the same envelop): one span
// per operation, the operation's name on its request record, counts and durations per
// operation, and the request id added to every error a client receives.
import { context as otelContext, SpanStatusCode, trace } from "@opentelemetry/api";
import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLFormattedError, getOperationAST } from "graphql";
import { handleStreamOrSingleExecutionResult, isAsyncIterable, mapAsyncIterator, type Plugin } from "graphql-yoga";
import type { Metrics } from "./metrics.js";
import { currentRequest, type OperationRef, type RequestRecord, secondsSince } from "./request-context.js";
import { tracer } from "./tracing.js";

type AnyError = GraphQLError | GraphQLFormattedError;

/** The error's code, or UNEXPECTED for a masked one (which carries none). */
export function errorCode(error: AnyError): string {
  const code = error.extensions?.code;
  return typeof code === "string" ? code : "UNEXPECTED";
}

/**
 * Counts the errors a client is about to receive and returns them with the request id in
 * their extensions, so a report from a client can be found in the log. New error objects:
 * yoga caches parse and validation errors across requests, and must not carry this id.
 */
export function answeredErrors<E extends AnyError>(errors: readonly E[], record: RequestRecord, metrics: Metrics): E[] {
  return errors.map((error) => {
    const code = errorCode(error);
    if (!record.errorCodes.includes(code)) record.errorCodes.push(code);
    metrics.errors.inc({ code, transport: record.transport });
    const extensions = { ...error.extensions, requestId: record.id };
    if (error instanceof GraphQLError) {
      return new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions,
      }) as E;
    }
    return { ...error, extensions } as E;
  });
}

/** A result as it leaves for the client: its errors annotated (see answeredErrors). */
export function answeredResult<R extends { errors?: readonly AnyError[] }>(result: R, record: RequestRecord, metrics: Metrics): R {
  return result.errors?.length ? { ...result, errors: answeredErrors(result.errors, record, metrics) } : result;
}

export function describeOperation(document: DocumentNode, operationName?: string | null): OperationRef {
  const operation = getOperationAST(document, operationName);
  return { name: operation?.name?.value ?? null, type: operation?.operation ?? "unknown" };
}

/** Puts the operation on its request's record (for the access log) and counts it. */
export function noteOperation(record: RequestRecord, operation: OperationRef, metrics: Metrics) {
  // A new array of exactly the operations, not a push: the first push gives an empty array
  // room for 17, kept for as long as a subscription's record is.
  record.operations = [...record.operations, operation];
  const labels = metrics.labels(operation.name, operation.type, record.transport);
  metrics.operations.inc(labels);
  return labels;
}

export function useObservability(metrics: Metrics): Plugin {
  /** Runs an execute or subscribe phase inside its own span, so SQL spans nest under it. */
  const inOperationSpan = (wrapped: () => unknown) => {
    const span = tracer.startSpan("graphql.operation");
    return otelContext.with(trace.setSpan(otelContext.active(), span), async () => {
      try {
        await wrapped();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
  };

  /**
   * Names the operation on its span and returns its metric labels; for HTTP and SSE also
   * notes and counts it here (graphql-ws does so when it admits the operation, since the
   * members of a subscription group share one execution).
   */
  const begin = (args: { document: DocumentNode; operationName?: string | null }) => {
    const operation = describeOperation(args.document, args.operationName);
    const span = trace.getActiveSpan();
    span?.updateName(`${operation.type} ${operation.name ?? "anonymous"}`);
    span?.setAttributes({ "graphql.operation.type": operation.type, "graphql.operation.name": operation.name ?? "" });
    const record = currentRequest();
    if (record && record.transport !== "ws") return noteOperation(record, operation, metrics);
    return metrics.labels(operation.name, operation.type, record?.transport ?? "http");
  };

  return {
    instrumentation: {
      execute: (_payload, wrapped) => inOperationSpan(wrapped) as Promise<void>,
      subscribe: (_payload, wrapped) => inOperationSpan(wrapped) as Promise<void>,
    },
    onExecute: ({ args }) => {
      const labels = begin(args);
      const started = process.hrtime.bigint();
      const span = trace.getActiveSpan();
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) => {
            if (isAsyncIterable(result)) return;
            metrics.operationDuration.observe(labels, secondsSince(started));
            if ((result as ExecutionResult).errors?.length) span?.setStatus({ code: SpanStatusCode.ERROR });
          }),
      };
    },
    onSubscribe: ({ args }) => {
      begin(args);
    },
    // HTTP and SSE answers (graphql-ws answers are annotated by its own hooks in server.ts).
    onResultProcess: ({ result, setResult }) => {
      const record = currentRequest();
      if (!record) return;
      if (Array.isArray(result)) {
        setResult(result.map((single) => answeredResult(single, record, metrics)));
      } else if (isAsyncIterable(result)) {
        setResult(liveResults(result, record, metrics));
      } else {
        setResult(answeredResult(result, record, metrics));
      }
    },
  };
}

/**
 * An SSE stream's results, annotated, counted as a live subscription until it ends,
 * fails or the client goes away (yoga's map closes the source at once on return, where an
 * async generator would wait for the next event).
 */
function liveResults<R extends ExecutionResult>(results: AsyncIterable<R>, record: RequestRecord, metrics: Metrics): AsyncIterable<R> {
  metrics.liveSubscriptions.inc({ transport: "sse" });
  let ended = false;
  const end = () => {
    if (!ended) metrics.liveSubscriptions.dec({ transport: "sse" });
    ended = true;
  };
  return mapAsyncIterator(
    results,
    (result) => answeredResult(result, record, metrics),
    (error: unknown) => {
      end();
      throw error;
    },
    end,
  );
}
