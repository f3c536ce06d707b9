// The schema evolves by deprecation: a field, argument, input field or enum value is
// marked @deprecated in a committed schema.graphql before a later one removes it, and no
// other breaking change lands (CHANGELOG.md states the policy). Every commit that changed
// schema.graphql since the policy took effect is compared with its parent, and the schema
// the code builds now with the last committed one, by GraphQL Inspector's diff.
import { execFileSync } from "node:child_process";
import { CriticalityLevel, DiffRule, diff } from "@graphql-inspector/core";
import { buildSchema, printSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.js";

const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

function hasCommit(ref: string): boolean {
  try {
    git("cat-file", "-e", `${ref}^{commit}`);
    return true;
  } catch {
    return false;
  }
}

/** What would break a client written against `before`; removals deprecated first do not. */
async function breakingChanges(before: string, after: string): Promise<string[]> {
  const changes = await diff(buildSchema(before), buildSchema(after), [DiffRule.suppressRemovalOfDeprecatedField]);
  return changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking).map((change) => change.message);
}

describe("schema evolution", () => {
  it("tells a removal without deprecation from one after it", async () => {
    const before = `type Query { a: Int  b: Int @deprecated(reason: "use a") }`;
    expect(await breakingChanges(before, "type Query { a: Int }")).toEqual([]);
    expect(await breakingChanges(before, "type Query { b: Int }")).toEqual([expect.stringContaining("'a' was removed")]);
    const enumBefore = `enum Status { OPEN CLOSED @deprecated(reason: "gone") ARCHIVED } type Query { s: Status }`;
    expect(await breakingChanges(enumBefore, "enum Status { OPEN ARCHIVED } type Query { s: Status }")).toEqual([]);
    expect(await breakingChanges(enumBefore, "enum Status { OPEN CLOSED } type Query { s: Status }")).toEqual([
      expect.stringContaining("'ARCHIVED' was removed"),
    ]);
  });

  it("removes nothing without deprecating it first, in any commit since the policy and in the working tree", async () => {
    const policyStart = git("log", "--diff-filter=A", "--format=%H", "--", "CHANGELOG.md").trim().split("\n").at(-1);
    expect(policyStart, "CHANGELOG.md is committed").toMatch(/^[0-9a-f]{40}$/);
    const commits = git("log", "--reverse", "--format=%H", `${policyStart}^..HEAD`, "--", "schema.graphql").split("\n").filter(Boolean);
    const broken: string[] = [];
    for (const commit of commits) {
      // A shallow clone lacks the parents of its oldest commits; compare what history there is.
      if (!hasCommit(`${commit}^`)) continue;
      for (const message of await breakingChanges(git("show", `${commit}^:schema.graphql`), git("show", `${commit}:schema.graphql`))) {
        broken.push(`${commit.slice(0, 8)}: ${message}`);
      }
    }
    for (const message of await breakingChanges(git("show", "HEAD:schema.graphql"), printSchema(schema)))
      broken.push(`working tree: ${message}`);
    expect(broken).toEqual([]);
  });
});
