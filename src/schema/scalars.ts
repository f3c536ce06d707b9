import { GraphQLError, Kind } from "graphql";
import { builder } from "./builder.js";

function parseDate(value: unknown): Date {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError("DateTime must be an ISO-8601 date-time string, e.g. 2024-05-01T09:30:00Z");
}

builder.scalarType("DateTime", {
  description: "An instant as an ISO-8601 string in UTC, e.g. 2024-05-01T09:30:00.000Z.",
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be a string");
    return parseDate(ast.value);
  },
});

builder.scalarType("JSON", {
  description: "Any JSON value, used for audit snapshots.",
  serialize: (value) => value,
  parseValue: (value) => value,
});
