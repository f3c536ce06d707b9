import { describe, expect, it } from "vitest";
import { likeLiteral } from "../../src/domain/search.js";

describe("likeLiteral", () => {
  it("escapes LIKE's wildcards and its escape character", () => {
    expect(likeLiteral("100%_back")).toBe("100\\%\\_back");
    expect(likeLiteral("a\\b")).toBe("a\\\\b");
    expect(likeLiteral("\\%")).toBe("\\\\\\%");
  });

  it("leaves other text alone", () => {
    expect(likeLiteral("Li Lei 李雷 [x] *.? ^$")).toBe("Li Lei 李雷 [x] *.? ^$");
    expect(likeLiteral("")).toBe("");
  });
});
