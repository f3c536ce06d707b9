// The installation's key and what is derived from it: contact encryption and the
// pseudonyms logs and login counters use instead of e-mail addresses.
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContactCipher } from "../src/auth/secrets.js";

describe("pseudonyms", () => {
  const email = "li.lei@example.com";
  const key = randomBytes(32);

  it("are short, stable for one key, and differ between addresses", () => {
    const cipher = new ContactCipher(key);
    expect(cipher.pseudonym(email)).toMatch(/^[\w-]{16}$/);
    expect(new ContactCipher(Buffer.from(key)).pseudonym(email)).toBe(cipher.pseudonym(email));
    expect(cipher.pseudonym("han.mei@example.com")).not.toBe(cipher.pseudonym(email));
  });

  it("cannot be recomputed from a list of known addresses without the installation's key", () => {
    const pseudonym = new ContactCipher(key).pseudonym(email);
    // What an unkeyed digest would have been: anyone could compute it.
    expect(pseudonym).not.toBe(createHash("sha256").update(email).digest("base64url").slice(0, 16));
    expect(new ContactCipher(randomBytes(32)).pseudonym(email)).not.toBe(pseudonym);
  });

  it("do not reveal the encryption key's own output: the key used is derived, not the key itself", () => {
    const cipher = new ContactCipher(key);
    const withTheKeyItself = createHash("sha256").update(key).update(email).digest("base64url").slice(0, 16);
    expect(cipher.pseudonym(email)).not.toBe(withTheKeyItself);
    expect(cipher.decrypt(cipher.encrypt(email))).toBe(email);
  });
});
