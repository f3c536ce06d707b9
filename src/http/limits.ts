// Abuse limits: what one request may ask of the server. Operation shape (depth, aliases,
// tokens, directives, cost) is judged before execution; request rate per credential or
// address, body size and execution time are judged around it. Every refusal is a
// GraphQL error with a code, never a hang or a crash.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { Deadline } from "../context.js";

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
  const coded = {
    onReject: [
      (_ctx: unknown, error: GraphQLError) => void Object.assign(error.extensions, { code: "OPERATION_LIMIT", http: { status: 400 } }),
    ],
  };
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...coded },
    maxAliases: { n: limits.maxAliases, ...coded },
    maxTokens: { n: limits.maxTokens, ...coded },
    maxDirectives: { n: limits.maxDirectives, ...coded },
    // Cost is judged by costRule below, which knows that a page of 100 costs 100 times.
    costLimit: { enabled: false },
    // "Did you mean …?" hints help developers and map the schema for attackers.
    blockFieldSuggestion: { enabled: production },
  }) as Plugin;
}

/** A page size argument's worst case: its literal value, or the largest page for a variable. */
function pageSize(value: ValueNode | undefined): number {
  if (!value) return 1;
  return value.kind === Kind.INT ? Math.max(1, Number(value.value)) : 100;
}

/**
 * An operation's cost: one per field, multiplied by the page sizes (`first`/`last`) of
 * the lists around it, so `tickets(first: 100) { comments(first: 100) { … } }` costs what
 * it would make the database do, not what it looks like.
 */
export function operationCost(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  multiplier = 1,
  depth = 0,
): number {
  if (depth > 50) return Infinity;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const size = pageSize(selection.arguments?.find((a) => a.name.value === "first" || a.name.value === "last")?.value);
      const here = multiplier * size;
      cost += here;
      if (selection.selectionSet) cost += operationCost(selection.selectionSet, fragments, here, depth + 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      cost += operationCost(selection.selectionSet, fragments, multiplier, depth + 1);
    } else {
      const fragment = fragments[selection.name.value];
      if (fragment) cost += operationCost(fragment.selectionSet, fragments, multiplier, depth + 1);
    }
  }
  return cost;
}

function costRule(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const document = context.getDocument();
      const fragments = Object.fromEntries(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
      );
      const cost = operationCost(operation.selectionSet, fragments);
      if (cost > maxCost) {
        context.reportError(
          new GraphQLError(
            `The operation's cost ${Number.isFinite(cost) ? cost : "(unbounded)"} exceeds the limit of ${maxCost} (each field costs 1, times the page sizes around it)`,
            {
              nodes: [operation],
              extensions: { code: "OPERATION_LIMIT", http: { status: 400 } },
            },
          ),
        );
      }
    },
  });
}

/** The cost limit, added to validation. */
export function useCostLimit(maxCost: number): Plugin {
  const rule = costRule(maxCost);
  return { onValidate: ({ addValidationRule }) => addValidationRule(rule) };
}

function refuse(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * The body limit for every content type: a declared length over it is refused at once,
 * and a chunked body (no length up front) is read with a cap before yoga's own parser for
 * its content type gets it. (Rate limits and credentials are the gate's: gate.ts.)
 */
export function useBodyLimit(maxBodyBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > maxBodyBytes) {
        endResponse(refuse(413, "BODY_TOO_LARGE", `The request body may be at most ${maxBodyBytes} bytes`));
      }
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.method !== "POST" || request.headers.has("content-length") || !requestParser) return;
      const parse = requestParser;
      setRequestParser(async (req) => {
        const body = await readCapped(req, maxBodyBytes);
        const headers = new fetchAPI.Headers(req.headers);
        headers.delete("transfer-encoding");
        headers.set("content-length", String(body.byteLength));
        return parse(new fetchAPI.Request(req.url, { method: "POST", headers, body: new Uint8Array(body) }));
      });
    },
  };
}

async function readCapped(request: Request, max: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      throw createGraphQLError(`The request body may be at most ${max} bytes`, {
        extensions: { code: "BODY_TOO_LARGE", http: { status: 413 } },
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The error of an operation that ran out of time. */
export function timeoutError(message: string): GraphQLError {
  return createGraphQLError(message, { extensions: { code: "TIMEOUT" } });
}

/**
 * An operation that runs longer than `timeoutMs` answers with code TIMEOUT instead of
 * holding the connection, unless one of its writes committed or is committing: then it
 * answers with what really happened, as soon as it has. The context's Deadline makes the
 * choice (a write claims its commit there, inTransaction in resolvers/audit.ts), so an
 * operation answered TIMEOUT never commits anything after the answer and is safe to retry.
 */
export function useExecutionTimeout(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        const deadline = new Deadline(Date.now() + timeoutMs);
        (args.contextValue as { deadline?: Deadline | null }).deadline = deadline;
        const execution = Promise.resolve(executeFn(args));
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            if (deadline.expire()) resolve({ errors: [timeoutError(`The operation took longer than ${timeoutMs} ms and was stopped`)] });
          }, timeoutMs);
          execution.then(resolve, reject).finally(() => clearTimeout(timer));
        }) as ReturnType<typeof executeFn>;
      });
    },
  };
}
