// The password policy: long enough, not too long, and hard to guess by the zxcvbn
// strength estimator (common passwords, English words and names, keyboard patterns,
// repeats, dates, l33t spellings and the person's own e-mail and name).
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

export const PASSWORD_POLICY = {
  minLength: 10,
  maxLength: 200,
  /** zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash scenario". */
  minScore: 3,
  /**
   * Only this many leading characters are estimated: the estimator's time grows quickly
   * with length (hundreds of ms past 64 characters on these machines), and a password
   * whose first 64 characters are strong is strong.
   */
  estimatedLength: 64,
} as const;

// Built on first use: ranking the dictionaries costs about half a second of CPU, which
// every process start would pay (a server, each command-line tool) though most never
// check a password.
let estimator: ZxcvbnFactory | undefined;
function passwordEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    maxLength: PASSWORD_POLICY.estimatedLength,
    // Caps the l33t matcher's combinations, its slowest part; p@ssw0rd-like spellings stay caught.
    l33tMaxSubstitutions: 20,
  });
  return estimator;
}

/**
 * What the estimator should treat as known to an attacker: each value and its words, so
 * "wang.fang@example.com" also rules out "fang" and "wangfang".
 */
export function personalWords(values: readonly (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    const lower = value.toLowerCase();
    const local = lower.split("@")[0]!;
    const parts = lower.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3);
    for (const word of [lower, local, local.replace(/[^\p{L}\p{N}]+/gu, ""), ...parts]) if (word) words.add(word);
  }
  return [...words];
}

/**
 * Why `password` may not be used, or null when it may. `personal` holds what the
 * attacker may know about its owner (e-mail, name).
 */
export function passwordProblem(password: string, personal: readonly (string | null | undefined)[] = []): string | null {
  if (password.length < PASSWORD_POLICY.minLength) return `must be at least ${PASSWORD_POLICY.minLength} characters`;
  if (password.length > PASSWORD_POLICY.maxLength) return `must be at most ${PASSWORD_POLICY.maxLength} characters`;
  const result = passwordEstimator().check(password, personalWords(personal));
  if (result.score >= PASSWORD_POLICY.minScore) return null;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(" ");
  return `is too easy to guess${advice ? `: ${advice}` : ""}`;
}
