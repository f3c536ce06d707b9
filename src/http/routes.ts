// The plain HTTP routes beside /graphql (the CSV export and import): errors in the shape
// GraphQL clients already read, and admission through the same gate as every operation.
import { GraphQLError } from "graphql";
import type { Viewer } from "../domain/access.js";
import type { Credentials, Gate } from "./gate.js";

/** An error answer: `{ errors: [{ message, extensions: { code, field? } }] }`. */
export const problem = (status: number, code: string, message: string, field?: string) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] }), {
    status,
    headers: { "content-type": "application/json" },
  });

/**
 * Credentials, then the rate limit, as for a GraphQL operation; these routes are for
 * signed-in callers only. Resolves to the caller's credentials (with their viewer) and
 * address, or to the answer refusing it (401, or 429 with a retry hint).
 */
export async function admit(
  gate: Gate,
  request: Request,
  serverContext: unknown,
): Promise<{ credentials: Credentials & { viewer: Viewer }; address: string } | Response> {
  const address = gate.address(serverContext);
  try {
    const credentials = await gate.credentials(request.headers.get("authorization"), address);
    if (!credentials.viewer) return problem(401, "UNAUTHENTICATED", "Send a bearer token");
    await gate.count(credentials, address);
    return { credentials: { ...credentials, viewer: credentials.viewer }, address };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const code = String(error.extensions.code);
    const retry = error.extensions.retryAfterSeconds;
    const response = problem(code === "RATE_LIMITED" ? 429 : 401, code, error.message);
    if (retry) response.headers.set("retry-after", String(retry));
    return response;
  }
}
