import { describe, expect, it } from "vitest";
import { PASSWORD_POLICY, passwordProblem, personalWords } from "../../src/domain/passwords.js";

describe("password policy", () => {
  it("refuses repeats and common passwords with the estimator's advice", () => {
    expect(passwordProblem("aaaaaaaaaa")).toMatch(/^is too easy to guess: Repeated characters/);
    expect(passwordProblem("password12")).toMatch(/^is too easy to guess: This is a commonly used password/);
    expect(passwordProblem("qwertyuiop1")).toMatch(/^is too easy to guess/);
    expect(passwordProblem("p@ssw0rd123")).toMatch(/^is too easy to guess/);
  });

  it("accepts passphrases and random strings", () => {
    expect(passwordProblem("correct horse battery")).toBeNull();
    expect(passwordProblem("Tz8#qL2!vRw9")).toBeNull();
  });

  it("refuses a password built from the person's own e-mail or name", () => {
    const person = ["wang.fang@example.com", "Wang Fang"];
    expect(passwordProblem("wangfang-2024", [])).toBeNull();
    expect(passwordProblem("wangfang-2024", person)).toMatch(/too easy to guess/);
    expect(passwordProblem("Wang.Fang@example.com", person)).toMatch(/too easy to guess/);
  });

  it("keeps the length bounds", () => {
    expect(passwordProblem("Tz8#qL2!v")).toBe(`must be at least ${PASSWORD_POLICY.minLength} characters`);
    expect(passwordProblem("Tz8#qL2!vR".repeat(20))).toBeNull();
    expect(passwordProblem(`${"Tz8#qL2!vR".repeat(20)}x`)).toBe(`must be at most ${PASSWORD_POLICY.maxLength} characters`);
  });

  it("judges a long password by its first characters, so a weak start is refused", () => {
    expect(passwordProblem(`${"a".repeat(PASSWORD_POLICY.estimatedLength)}Tz8#qL2!vRw9`)).toMatch(/too easy to guess/);
  });

  it("splits personal values into the words an attacker would try", () => {
    expect(personalWords(["Wang.Fang@Example.com", "Li Lei", null])).toEqual(
      expect.arrayContaining(["wang.fang@example.com", "wang.fang", "wangfang", "wang", "fang", "example", "li lei", "lei"]),
    );
  });
});
