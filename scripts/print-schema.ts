// `npm run schema:print`: writes schema.graphql, the contract clients code against.
// test/schema.test.ts fails when it is out of date.
import { writeFile } from "node:fs/promises";
import { printSchema } from "graphql";
import { schema } from "../src/schema/index.js";

await writeFile(new URL("../schema.graphql", import.meta.url), `${printSchema(schema)}\n`);
console.log("Wrote schema.graphql");
