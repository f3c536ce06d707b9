// POST /import/tickets.csv[?dryRun=true&team=Payments&map=Subject%3Dtitle]: cases from a
// CSV body (text/csv), for administrators. The body is streamed to a temporary file,
// never held in memory, and refused past IMPORT_MAX_BYTES before any row is imported; the
// file is then imported as a stream. The answer is the import's JSON report.
// Placed before the general body limit, which is for GraphQL requests.

import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Plugin } from "graphql-yoga";
import type { AppServices } from "../context.js";
import { mayImport, parseHeaderMapping } from "../domain/import.js";
import { ValidationError } from "../errors.js";
import { importTickets } from "../resolvers/import.js";
import type { Gate } from "./gate.js";
import { admit, problem } from "./routes.js";

export const IMPORT_PATH = "/import/tickets.csv";
/** The header that may carry the header mapping instead of the `map` query parameter. */
export const IMPORT_MAP_HEADER = "x-caseflow-import-map";

class TooLarge extends Error {}

/** The body's bytes, failing with TooLarge once more than `maxBytes` went by. */
async function* capped(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.byteLength;
    if (seen > maxBytes) throw new TooLarge();
    yield chunk;
  }
}

export function useCsvImport(services: AppServices, gate: Gate, maxBytes: number): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname !== IMPORT_PATH) return;
      if (request.method !== "POST") return endResponse(problem(405, "METHOD_NOT_ALLOWED", "Use POST with a text/csv body"));
      const admitted = await admit(gate, request, serverContext);
      if (admitted instanceof Response) return endResponse(admitted);
      const { viewer } = admitted.credentials;
      if (!mayImport(viewer)) return endResponse(problem(403, "FORBIDDEN", "Importing cases is for administrators"));
      const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "text/csv") return endResponse(problem(415, "UNSUPPORTED_MEDIA_TYPE", "Send the file as text/csv", "content-type"));
      if (Number(request.headers.get("content-length") ?? 0) > maxBytes) {
        return endResponse(problem(413, "BODY_TOO_LARGE", `The file may be at most ${maxBytes} bytes`));
      }
      let mapping: ReturnType<typeof parseHeaderMapping>;
      try {
        mapping = parseHeaderMapping(url.searchParams.get("map") ?? request.headers.get(IMPORT_MAP_HEADER));
      } catch (error) {
        if (error instanceof ValidationError) return endResponse(problem(400, error.code, error.message, error.field));
        throw error;
      }
      const dryRun = ["true", "1", "yes"].includes((url.searchParams.get("dryRun") ?? "").toLowerCase());
      // The body is spooled to a file first, streamed and capped: memory does not grow with
      // it, a file over the limit is refused before any row is written, and the request is
      // received whole at the client's pace, so an import that takes longer than Node's
      // requestTimeout (5 min) to run is not cut off while its body is still being read.
      const folder = await mkdtemp(path.join(tmpdir(), "caseflow-import-"));
      try {
        const file = path.join(folder, "upload.csv");
        try {
          // Yoga's body is a web stream (a ponyfill under Node), read as an async iterable.
          await pipeline(
            Readable.from(capped((request.body ?? []) as unknown as AsyncIterable<Uint8Array>, maxBytes)),
            createWriteStream(file),
          );
        } catch (error) {
          if (error instanceof TooLarge) return endResponse(problem(413, "BODY_TOO_LARGE", `The file may be at most ${maxBytes} bytes`));
          throw error;
        }
        const report = await importTickets(services, viewer, createReadStream(file), {
          team: url.searchParams.get("team"),
          mapping,
          dryRun,
        });
        endResponse(
          new Response(JSON.stringify(report), {
            status: report.fileError ? 400 : 200,
            headers: { "content-type": "application/json", "cache-control": "no-store" },
          }),
        );
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  };
}
