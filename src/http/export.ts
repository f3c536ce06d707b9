// GET /export/tickets.csv?status=NOT_STARTED,TEAM_CHECKING&teamId=…: the cases a viewer
// may see, as CSV for spreadsheets, streamed. Same credentials and filters as `tickets`.

import type { Plugin } from "graphql-yoga";
import { type AppServices, createContext } from "../context.js";
import { DomainError, ValidationError } from "../errors.js";
import { exportTickets, filterFromQuery } from "../resolvers/export.js";
import type { Gate } from "./gate.js";
import { admit, problem } from "./routes.js";

export const EXPORT_PATH = "/export/tickets.csv";

export function useCsvExport(services: AppServices, gate: Gate): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname !== EXPORT_PATH) return;
      if (request.method !== "GET") return endResponse(problem(405, "METHOD_NOT_ALLOWED", "Use GET"));
      // The same gate as every GraphQL operation: credentials, then the rate limit.
      const admitted = await admit(gate, request, serverContext);
      if (admitted instanceof Response) return endResponse(admitted);
      const { credentials, address } = admitted;
      const ctx = createContext(services, credentials.viewer, address, credentials.expiresAt);
      let rows: AsyncGenerator<string>;
      let first: IteratorResult<string>;
      try {
        rows = exportTickets(ctx, filterFromQuery(url.searchParams));
        first = await rows.next(); // surfaces bad filters and refusals before the 200 is sent
      } catch (error) {
        if (error instanceof DomainError) {
          const status = error.code === "FORBIDDEN" ? 403 : 400;
          return endResponse(problem(status, error.code, error.message, error instanceof ValidationError ? error.field : undefined));
        }
        throw error;
      }
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (!first.done) controller.enqueue(encoder.encode(`\ufeff${first.value}`)); // BOM: Excel reads UTF-8
        },
        async pull(controller) {
          const next = await rows.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
        async cancel() {
          await rows.return(undefined);
        },
      });
      const day = services.clock.now().toISOString().slice(0, 10);
      endResponse(
        new Response(body, {
          status: 200,
          headers: {
            "content-type": "text/csv; charset=utf-8",
            "content-disposition": `attachment; filename="caseflow-tickets-${day}.csv"`,
            "cache-control": "no-store",
          },
        }),
      );
    },
  };
}
