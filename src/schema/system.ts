import { builder } from "./builder.js";

builder.queryField("health", (t) =>
  t.string({
    description: "Answers `ok` while the server can answer GraphQL. Needs no credentials.",
    resolve: () => "ok",
  }),
);
