// A small typed client for caseflow: GraphQL over HTTP with fetch, live events over
// graphql-ws. Results and variables are typed by the generated documents
// (src/generated/graphql.ts), so a field the operation did not ask for, or a missing
// variable, is a compile error in the frontend rather than `undefined` at run time.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type DocumentNode, Kind, type OperationDefinitionNode, print } from "graphql";
import { type Client, createClient, type SubscribePayload } from "graphql-ws";

export interface CaseflowClientOptions {
  /** The GraphQL endpoint, e.g. `https://caseflow.example.com/graphql`. */
  url: string;
  /** A session (`cfs_…`, from `login`) or an API token (`cft_…`); without one, requests are anonymous. */
  token?: string;
  /** The fetch to use (the global one by default). */
  fetch?: typeof globalThis.fetch;
  /**
   * Send each operation's `documentId` (its sha256 in persisted-documents.json) instead of
   * its text: for servers started with PERSISTED_OPERATIONS_FILE set to that manifest.
   */
  persisted?: boolean;
  /** Send queries as GET requests (cacheable by URL when persisted); mutations always POST. */
  getQueries?: boolean;
  /** The graphql-ws endpoint; by default `url` with `ws:` or `wss:`. */
  wsUrl?: string;
  /** A WebSocket class where there is no global one (Node 20: the `ws` package). */
  webSocketImpl?: unknown;
}

/** One error of a GraphQL response, as the server formats it. */
export interface CaseflowErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; field?: string; retryAfterSeconds?: number; [key: string]: unknown };
}

/**
 * A refused or failed operation: the server's errors, with the first one's `code`
 * (`UNAUTHENTICATED`, `VALIDATION`, `RATE_LIMITED`, `PERSISTED_QUERY_ONLY`, …) and the
 * `field` it names, if any. Refusals a mutation expects (ValidationError and the like)
 * are not thrown: they are members of its result union, typed in the data.
 */
export class CaseflowError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  constructor(
    readonly errors: readonly CaseflowErrorEntry[],
    /** The HTTP status; undefined for errors that came over the WebSocket. */
    readonly status?: number,
  ) {
    super(errors.map((e) => e.message).join("; ") || "GraphQL request failed");
    this.name = "CaseflowError";
    this.code = errors[0]?.extensions?.code ?? "UNKNOWN";
    this.field = errors.find((e) => typeof e.extensions?.field === "string")?.extensions?.field;
  }
}

/** Variables are required exactly when the operation has a required variable. */
export type VariablesOf<TVariables> = Record<string, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface CaseflowClient {
  /** Runs a query or mutation; resolves to its data, or rejects with a CaseflowError. */
  request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, ...variables: VariablesOf<TVariables>): Promise<TResult>;
  /**
   * Starts a subscription over graphql-ws at once; each event's data comes out of the
   * iterator, and a refusal rejects `next()` with a CaseflowError. Leaving a `for await`
   * loop ends the subscription.
   */
  subscribe<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...variables: VariablesOf<TVariables>
  ): AsyncIterableIterator<TResult>;
  /** Closes the WebSocket, ending every subscription. */
  close(): Promise<void>;
}

interface Operation {
  kind: "query" | "mutation" | "subscription";
  name: string | undefined;
  /** The document's text, sent when not in persisted mode. */
  text: string;
  /** The id codegen gave the document (`__meta__.hash`, `sha256:<hex>`). */
  documentId: string | undefined;
}

const operations = new WeakMap<object, Operation>();

function operationOf(document: DocumentNode): Operation {
  let operation = operations.get(document);
  if (!operation) {
    const definition = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (!definition) throw new TypeError("The document holds no operation");
    operation = {
      kind: definition.operation,
      name: definition.name?.value,
      text: print(document),
      documentId: (document as { __meta__?: { hash?: string } }).__meta__?.hash,
    };
    operations.set(document, operation);
  }
  return operation;
}

/** What graphql-ws and fetch reject with, as a CaseflowError. */
function asCaseflowError(error: unknown): CaseflowError {
  if (error instanceof CaseflowError) return error;
  // graphql-ws: an `error` message's payload is the operation's errors.
  if (Array.isArray(error)) return new CaseflowError(error as CaseflowErrorEntry[]);
  // graphql-ws: the socket closed, e.g. 4403 when the credentials are refused.
  if (error && typeof error === "object" && "code" in error && "reason" in error) {
    const { code, reason } = error as { code: number; reason: string };
    return new CaseflowError([
      { message: `The connection closed: ${code} ${reason}`.trim(), extensions: { code: "CONNECTION_CLOSED", closeCode: code } },
    ]);
  }
  return new CaseflowError([{ message: error instanceof Error ? error.message : String(error), extensions: { code: "NETWORK" } }]);
}

export function createCaseflowClient(options: CaseflowClientOptions): CaseflowClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const authorization = options.token ? `Bearer ${options.token}` : undefined;
  let socket: Client | undefined;

  /** The operation's params: its id in persisted mode, its text otherwise. */
  const params = (operation: Operation, variables: unknown) => {
    if (!options.persisted) return { query: operation.text, operationName: operation.name, variables };
    if (!operation.documentId) {
      throw new TypeError(`${operation.name ?? "This operation"} has no documentId: regenerate with persistedDocuments on`);
    }
    return { documentId: operation.documentId, operationName: operation.name, variables };
  };

  async function request(document: DocumentNode, variables?: unknown): Promise<unknown> {
    const operation = operationOf(document);
    if (operation.kind === "subscription") throw new TypeError("Subscriptions run over subscribe(), not request()");
    const body = params(operation, variables ?? undefined);
    const headers: Record<string, string> = {
      accept: "application/graphql-response+json, application/json",
      ...(authorization ? { authorization } : {}),
    };
    let response: Response;
    try {
      if (options.getQueries && operation.kind === "query") {
        const url = new URL(options.url);
        for (const [key, value] of Object.entries(body)) {
          if (value !== undefined) url.searchParams.set(key, typeof value === "string" ? value : JSON.stringify(value));
        }
        // Production servers refuse GETs without it (CSRF prevention).
        response = await fetchImpl(url, { method: "GET", headers: { ...headers, "x-caseflow-csrf": "1" } });
      } else {
        response = await fetchImpl(options.url, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      }
    } catch (error) {
      throw asCaseflowError(error);
    }
    if (!response.headers.get("content-type")?.includes("json")) {
      throw new CaseflowError([{ message: `HTTP ${response.status}`, extensions: { code: `HTTP_${response.status}` } }], response.status);
    }
    const result = (await response.json()) as { data?: unknown; errors?: CaseflowErrorEntry[] };
    if (result.errors?.length) throw new CaseflowError(result.errors, response.status);
    if (result.data == null)
      throw new CaseflowError([{ message: "The answer holds no data", extensions: { code: "NO_DATA" } }], response.status);
    return result.data;
  }

  function subscribe(document: DocumentNode, variables?: unknown): AsyncIterableIterator<unknown> {
    const operation = operationOf(document);
    socket ??= createClient({
      url: options.wsUrl ?? options.url.replace(/^http/, "ws"),
      webSocketImpl: options.webSocketImpl,
      // Browsers cannot set headers on a WebSocket: the credentials go in connection_init.
      connectionParams: authorization ? { authorization } : {},
    });
    // graphql-ws wants a `query`; with a documentId it is empty and the server runs the persisted text.
    const payload = { query: "", ...params(operation, variables ?? undefined) } as SubscribePayload;
    const results = socket.iterate(payload);
    const iterator: AsyncIterableIterator<unknown> = {
      async next() {
        let result: IteratorResult<{ data?: unknown; errors?: readonly CaseflowErrorEntry[] }>;
        try {
          result = await results.next();
        } catch (error) {
          throw asCaseflowError(error);
        }
        if (result.done) return { done: true, value: undefined };
        if (result.value.errors?.length) {
          await results.return?.();
          throw new CaseflowError(result.value.errors);
        }
        return { done: false, value: result.value.data };
      },
      async return() {
        await results.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  return {
    request: request as CaseflowClient["request"],
    subscribe: subscribe as CaseflowClient["subscribe"],
    close: async () => {
      await socket?.dispose();
      socket = undefined;
    },
  };
}
