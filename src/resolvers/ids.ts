// Global ids arrive as opaque strings; a malformed or wrong-kind id is bad input
// that names its field, never an unexpected error.
import { decodeGlobalID } from "@pothos/plugin-relay";
import { ValidationError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeId(field: string, globalId: string, typename: string): string {
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    decoded = undefined;
  }
  if (!decoded || decoded.typename !== typename || !UUID.test(decoded.id)) {
    throw ValidationError.of(field, `is not a valid ${typename} id`);
  }
  return decoded.id;
}

export function decodeIds(field: string, globalIds: readonly string[], typename: string): string[] {
  return [...new Set(globalIds.map((id, i) => decodeId(`${field}.${i}`, id, typename)))];
}
