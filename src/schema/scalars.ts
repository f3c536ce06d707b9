import { GraphQLError, Kind } from "graphql";
import { builder } from "./builder.js";

function parseDate(value: unknown): Date {
  const calendar = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})T/.exec(value) : null;
  if (calendar && realDay(Number(calendar[1]), Number(calendar[2]), Number(calendar[3]))) {
    const date = new Date(value as string);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError("DateTime must be an ISO-8601 date-time string from year 0001, e.g. 2024-05-01T09:30:00Z");
}

/**
 * Whether the day exists: JavaScript rolls 2024-02-30 over to March 1st and takes year
 * 0000, which PostgreSQL refuses (it has no year 0) with an unexpected error.
 */
function realDay(year: number, month: number, day: number): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year >= 1 && days !== undefined && day >= 1 && day <= days;
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
