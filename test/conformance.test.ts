// The graphql-http package's server audits (GraphQL over HTTP), every one of them,
// required and optional, against the running server.
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";

let app: TestApp;
let url: string;

beforeAll(async () => {
  app = await createTestApp({ slaMonitor: false });
  const started = await app.start(0);
  url = `http://127.0.0.1:${started.port}/graphql`;
});
afterAll(() => app.close());

describe("GraphQL over HTTP (graphql-http serverAudits)", () => {
  for (const audit of serverAudits({ url: () => url, fetchFn: fetch })) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(
        result.status,
        "message" in result ? `${result.message} ${JSON.stringify((result as { response?: unknown }).response ?? "")}` : "",
      ).toBe("ok");
    });
  }
});
