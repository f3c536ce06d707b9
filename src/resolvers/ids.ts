// Global ids arrive as opaque strings; a malformed or wrong-kind id is bad input
// that names its field, never an unexpected error.
import { decodeGlobalID } from "@pothos/plugin-relay";
import { ValidationError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A global id's type name and row id, or null when it is not a well-formed global id of a row.
 * The row id comes back in lower case, as the database writes UUIDs: code that compares ids
 * as text (the viewer's teams, report rollups keyed by team) must see one spelling.
 */
export function parseGlobalId(globalId: string): { typename: string; id: string } | null {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    return null;
  }
  return UUID.test(decoded.id) ? { typename: decoded.typename, id: decoded.id.toLowerCase() } : null;
}

export function decodeId(field: string, globalId: string, typename: string): string {
  const decoded = parseGlobalId(globalId);
  if (!decoded || decoded.typename !== typename) {
    throw ValidationError.of(field, `is not a valid ${typename} id`);
  }
  return decoded.id;
}

export function decodeIds(field: string, globalIds: readonly string[], typename: string): string[] {
  return [...new Set(globalIds.map((id, i) => decodeId(`${field}.${i}`, id, typename)))];
}
