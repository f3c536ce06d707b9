// The one gate every operation passes, whatever road it came in on: GraphQL over HTTP
// (POST and GET), server-sent events, graphql-ws and the CSV export. Transports only
// adapt to it (yoga's onParams for HTTP and SSE, onSubscribe for graphql-ws, the export's
// own handler); the protections live here once:
// - credentials are resolved once per request or operation, and a header that names no
//   live credential is refused (and counted against the client's address, so guessing
//   tokens is rate limited too);
// - every operation is counted against its credential's bucket (the session or token,
//   never the header's spelling) or, without one, its address's;
// - with an allow-list, only persisted operations run (by `documentId`, also in a GET's
//   query string, or `extensions.persistedQuery.sha256Hash`; a sha256 id matches with or
//   without its `sha256:` prefix);
// - strings holding NUL or unpaired surrogates are refused, naming the field, in
//   variables here and in the document's literals by `wellFormedStringsRule`.
// Validation rules, the execution timeout and error masking are envelop plugins, which
// graphql-ws runs through `yoga.getEnveloped` exactly as HTTP does.
import {
  type ArgumentNode,
  type ASTNode,
  type ASTVisitor,
  type GraphQLError,
  Kind,
  type ObjectFieldNode,
  type ValidationContext,
} from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { authenticate } from "../auth/authenticate.js";
import type { Clock } from "../clock.js";
import { unauthenticatedError } from "../context.js";
import type { Viewer } from "../domain/access.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { credentialOf, currentRequest } from "../observability/request-context.js";
import type { AddressOf } from "./client-address.js";
import type { RateLimits } from "./rate-limits.js";

export type Transport = "http" | "sse" | "ws" | "export";

/** Who is asking, and until when the credentials they came with are good. */
export interface Credentials {
  viewer: Viewer | null;
  /** The session's or token's expiry; live streams end at this instant. */
  expiresAt: Date | null;
}

/** An operation as a client sends it, on any transport. */
export interface OperationParams {
  query?: string | null;
  documentId?: unknown;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

export function rateLimitedError(waitSeconds: number): GraphQLError {
  return createGraphQLError(`Too many requests; retry in ${waitSeconds} s`, {
    extensions: {
      code: "RATE_LIMITED",
      retryAfterSeconds: waitSeconds,
      http: { status: 429, headers: { "retry-after": String(waitSeconds) } },
    },
  });
}

function persistedOperationError(code: string, message: string): GraphQLError {
  return createGraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** The id of a persisted operation: `documentId` (GraphQL over HTTP) or the APQ hash. */
function persistedId(params: OperationParams): string | null {
  if (typeof params.documentId === "string" && params.documentId) return params.documentId;
  const persisted = params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  return typeof persisted?.sha256Hash === "string" && persisted.sha256Hash ? persisted.sha256Hash : null;
}

/** A sha256 id, `sha256:<hex>` (GraphQL over HTTP's documentId) or the bare hex (the APQ hash). */
const SHA256_ID = /^(?:sha256:)?([0-9a-f]{64})$/;

/** A string a client may store or send on: no NUL, no unpaired UTF-16 surrogate. */
export function isWellFormedText(value: string): boolean {
  return !value.includes("\0") && (value as string & { isWellFormed(): boolean }).isWellFormed();
}

function malformedTextError(field: string): GraphQLError {
  return createGraphQLError(`${field} must not contain NUL characters or unpaired surrogates`, {
    extensions: { code: "VALIDATION", field, http: { status: 400 } },
  });
}

/** The first string in `value` that is not well formed, as a field path (`input.details`). */
function malformedPath(value: unknown, path: string): string | null {
  if (typeof value === "string") return isWellFormedText(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = malformedPath(value[i], `${path}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      const found = !isWellFormedText(key) ? path : malformedPath(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** The same refusal for string literals written into the document itself. */
export function wellFormedStringsRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node, _key, parent, _path, ancestors) {
      if (isWellFormedText(node.value)) return;
      // The argument and input fields around the literal: `filter.search`.
      const names = [...ancestors, parent]
        .filter(
          (a): a is ArgumentNode | ObjectFieldNode =>
            !!a && !Array.isArray(a) && ((a as ASTNode).kind === Kind.ARGUMENT || (a as ASTNode).kind === Kind.OBJECT_FIELD),
        )
        .map((a) => a.name.value);
      context.reportError(malformedTextError(names.join(".") || "query"));
    },
  };
}

export interface GateOptions {
  prisma: PrismaClient;
  clock: Clock;
  rateLimits: RateLimits;
  /** Persisted operations by id; null when any document may run. */
  persistedOperations: ReadonlyMap<string, string> | null;
  /** The client's address from the HTTP request (src/http/client-address.ts). */
  addressOf: AddressOf;
}

export class Gate {
  constructor(private readonly options: GateOptions) {}

  /** The client's address for the HTTP request (or WebSocket upgrade) behind a server context. */
  address(serverContext: unknown): string {
    return this.options.addressOf((serverContext as { req?: Parameters<AddressOf>[0] } | undefined)?.req);
  }

  /**
   * Resolves an Authorization header. One that names no live credential is refused with
   * UNAUTHENTICATED, after counting against the address, so that guessing is limited too.
   */
  async credentials(authorization: string | null | undefined, address: string): Promise<Credentials> {
    const auth = await authenticate(this.options.prisma, this.options.clock, authorization);
    if (auth.ok) {
      // For the access log: which credential this request or operation ran with.
      const request = currentRequest();
      if (request) request.credential = credentialOf(auth.viewer);
      return { viewer: auth.viewer, expiresAt: auth.expiresAt };
    }
    const wait = await this.options.rateLimits.take("address", address);
    throw wait > 0 ? rateLimitedError(wait) : unauthenticatedError(auth.reason);
  }

  /** Counts one operation (or export) against its credential's bucket, or its address's. */
  async count(credentials: Credentials, address: string): Promise<void> {
    const viewer = credentials.viewer;
    const wait = viewer
      ? await this.options.rateLimits.take(
          "credential",
          viewer.kind === "token" ? `token:${viewer.tokenId}` : `session:${viewer.sessionId}`,
        )
      : await this.options.rateLimits.take("address", address);
    if (wait > 0) throw rateLimitedError(wait);
  }

  /**
   * Admits one operation: counts it, refuses malformed strings in its variables, and
   * resolves a persisted operation's document. Returns the params to execute.
   */
  async admit(params: OperationParams, credentials: Credentials, address: string): Promise<OperationParams & { query: string }> {
    await this.count(credentials, address);
    const malformed = malformedPath(params.variables ?? null, "");
    if (malformed !== null) throw malformedTextError(malformed || "variables");
    return { ...params, query: this.document(params) };
  }

  /**
   * The text of a persisted operation. A sha256 id is found in either form, so a manifest
   * keyed `sha256:<hex>` (GraphQL Code Generator's persisted-documents.json) answers APQ
   * clients, which send the bare hex, and a manifest keyed by the bare hex answers
   * `documentId: "sha256:<hex>"`.
   */
  persistedDocument(id: string): string | undefined {
    const allowed = this.options.persistedOperations;
    const exact = allowed?.get(id);
    if (!allowed || exact !== undefined) return exact;
    const hex = SHA256_ID.exec(id)?.[1];
    return hex === undefined ? undefined : (allowed.get(`sha256:${hex}`) ?? allowed.get(hex));
  }

  private document(params: OperationParams): string {
    const id = persistedId(params);
    const text = typeof params.query === "string" && params.query ? params.query : null;
    const allowed = this.options.persistedOperations;
    if (!allowed) {
      if (text !== null) return text;
      if (id !== null)
        throw persistedOperationError(
          "PERSISTED_QUERY_NOT_FOUND",
          "This server keeps no persisted operations; send the document as `query`",
        );
      throw persistedOperationError("BAD_REQUEST", "Send the operation as `query`");
    }
    if (id === null) {
      throw persistedOperationError(
        "PERSISTED_QUERY_ONLY",
        "Only persisted operations run here: send `documentId` or `extensions.persistedQuery.sha256Hash`",
      );
    }
    const document = this.persistedDocument(id);
    if (document === undefined) throw persistedOperationError("PERSISTED_QUERY_NOT_FOUND", "No persisted operation has this id");
    if (text !== null && text !== document) {
      throw persistedOperationError("PERSISTED_QUERY_ONLY", "Send either a persisted operation's id or a document, not both");
    }
    return document;
  }
}

/**
 * The gate on yoga's road (HTTP POST/GET and SSE): credentials once per request (batches
 * share them), then every operation of the request admitted on its own.
 */
export function useGate(gate: Gate): Plugin & { credentialsOf(request: Request): Promise<Credentials> } {
  const resolved = new WeakMap<Request, Promise<Credentials>>();
  const credentialsOf = (request: Request, serverContext?: unknown) => {
    let credentials = resolved.get(request);
    if (!credentials) {
      credentials = gate.credentials(request.headers.get("authorization"), gate.address(serverContext));
      resolved.set(request, credentials);
    }
    return credentials;
  };
  return {
    credentialsOf,
    async onParams({ params, request, setParams, context }) {
      const address = gate.address(context);
      // yoga reads only query, operationName, variables and extensions from a GET's URL;
      // GraphQL over HTTP sends a persisted document's id there as `documentId`.
      const fromUrl = request.method === "GET" ? new URL(request.url).searchParams.get("documentId") : null;
      const sent = fromUrl && (params as OperationParams).documentId === undefined ? { ...params, documentId: fromUrl } : params;
      const admitted = await gate.admit(sent as OperationParams, await credentialsOf(request, context), address);
      // Only the parameters yoga knows: it refuses others (such as documentId) as unexpected.
      setParams({
        query: admitted.query,
        operationName: admitted.operationName ?? undefined,
        variables: admitted.variables ?? undefined,
        extensions: admitted.extensions ?? undefined,
      });
    },
    onValidate: ({ addValidationRule }) => addValidationRule(wellFormedStringsRule),
  };
}
