import { readFile } from "node:fs/promises";
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, printSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.js";

describe("the published schema", () => {
  it("matches the committed schema.graphql (run npm run schema:print after changing it)", async () => {
    const committed = await readFile(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(`${printSchema(schema)}\n`).toBe(committed);
  });

  it("describes every type, field, argument and enum value", () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || ["String", "Int", "Float", "Boolean", "ID"].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of "args" in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
