// The client and every typed document (`OpenCasesDocument`, `IntakeDocument`, …) with its
// result and variables types.
export * from "./client.js";
export * from "./generated/graphql.js";
