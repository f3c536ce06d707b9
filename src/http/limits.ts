// Abuse limits: what one request may ask of the server. Operation shape (depth, aliases,
// tokens, directives, cost) is judged before execution; request rate per credential or
// address, body size and execution time are judged around it. Every refusal is a
// GraphQL error with a code, never a hang or a crash.
import { createHash } from "node:crypto";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  maxBatch: number;
  maxBodyBytes: number;
  executionTimeoutMs: number;
  /** Requests a minute per credential (token or session). */
  rateLimitPerMinute: number;
  /** Requests a minute per client address without credentials. */
  anonymousRateLimitPerMinute: number;
}

/** Depth, aliases, tokens, directives and cost, refused in validation with code OPERATION_LIMIT. */
export function useOperationLimits(limits: Limits, production: boolean): Plugin {
  // Refused before execution, like any invalid document: 400 with a code.
  const coded = { onReject: [(_ctx: unknown, error: GraphQLError) => void Object.assign(error.extensions, { code: "OPERATION_LIMIT", http: { status: 400 } })] };
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...coded },
    maxAliases: { n: limits.maxAliases, ...coded },
    maxTokens: { n: limits.maxTokens, ...coded },
    maxDirectives: { n: limits.maxDirectives, ...coded },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, ...coded },
    // "Did you mean …?" hints help developers and map the schema for attackers.
    blockFieldSuggestion: { enabled: production },
  }) as Plugin;
}

function refuse(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** A token bucket per key: `perMinute` requests, refilled evenly. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** 0 when the request may go ahead, else the seconds until it may. */
  take(key: string): number {
    const now = this.now();
    const rate = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 50_000) this.sweep(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
  }

  /** Forgets full buckets, which behave exactly like absent ones. */
  private sweep(now: number) {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * (this.perMinute / 60_000) >= this.perMinute) this.buckets.delete(key);
    }
  }
}

/**
 * Rate limits per credential (hashed, so two requests with one token share a bucket on
 * this instance) or, without credentials, per client address; body size; batch size
 * is yoga's own option.
 */
export function useRequestLimits(limits: Limits): Plugin {
  const credentialed = new RateLimiter(limits.rateLimitPerMinute);
  const anonymous = new RateLimiter(limits.anonymousRateLimitPerMinute);
  return {
    onRequest({ request, serverContext, endResponse }) {
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > limits.maxBodyBytes) {
        return endResponse(refuse(413, "BODY_TOO_LARGE", `The request body may be at most ${limits.maxBodyBytes} bytes`));
      }
      const authorization = request.headers.get("authorization");
      const wait = authorization
        ? credentialed.take(createHash("sha256").update(authorization).digest("base64url"))
        : anonymous.take((serverContext as { req?: { socket?: { remoteAddress?: string } } }).req?.socket?.remoteAddress ?? "unknown");
      if (wait > 0) {
        endResponse(refuse(429, "RATE_LIMITED", `Too many requests; retry in ${wait} s`, { "retry-after": String(wait) }));
      }
    },
    onRequestParse({ request, setRequestParser }) {
      // A chunked body has no length up front: read it with a cap instead.
      if (request.method !== "POST" || request.headers.has("content-length") || !/json/i.test(request.headers.get("content-type") ?? "")) return;
      setRequestParser(async (req) => {
        const text = await readCapped(req, limits.maxBodyBytes);
        try {
          return JSON.parse(text);
        } catch {
          throw createGraphQLError("POST body sent invalid JSON.", { extensions: { http: { status: 400 } } });
        }
      });
    },
  };
}

async function readCapped(request: Request, max: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      throw createGraphQLError(`The request body may be at most ${max} bytes`, { extensions: { code: "BODY_TOO_LARGE", http: { status: 413 } } });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * An operation that runs longer than the limit answers with code TIMEOUT instead of
 * holding the connection; its transaction, if any, still ends by itself.
 */
export function useExecutionTimeout(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((resolve) => {
          timer = setTimeout(
            () => resolve({ errors: [createGraphQLError(`The operation took longer than ${timeoutMs} ms and was stopped`, { extensions: { code: "TIMEOUT" } })] }),
            timeoutMs,
          );
        });
        return Promise.race([Promise.resolve(executeFn(args)), timeout]).finally(() => clearTimeout(timer)) as ReturnType<typeof executeFn>;
      });
    },
  };
}
