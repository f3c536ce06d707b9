// Passwords, bearer tokens and contact encryption. Nothing secret is stored in clear:
// passwords are scrypt hashes, bearer tokens SHA-256 hashes, contact data AES-256-GCM.
import crypto, {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  type ScryptOptions,
  timingSafeEqual,
} from "node:crypto";

// Looked up on the module at each call, so the login test can count the runs with a spy.
const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64"), key.toString("base64")].join("$");
}

/**
 * A hash of a random password nobody knows, made with the current parameters. Checking
 * against it when there is no usable hash (unknown e-mail, an account without a
 * password) costs the same scrypt as a real check, so the answer's timing does not tell
 * which e-mails have accounts.
 */
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(32).toString("base64")));

function parseHash(stored: string | null | undefined) {
  const [scheme, n, r, p, salt, key] = (stored ?? "").split("$");
  if (scheme !== "scrypt" || !salt || !key) return null;
  return { options: { N: Number(n), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, "base64"), key: Buffer.from(key, "base64") };
}

/**
 * Whether `password` matches `stored`. Always runs one scrypt: against the dummy hash
 * when `stored` is missing or unusable (and then answers false).
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = parseHash(stored);
  const target = parsed ?? parseHash(await dummy())!;
  const actual = await scrypt(password, target.salt, target.key.length, target.options);
  return timingSafeEqual(actual, target.key) && parsed !== null;
}

/** Kinds of bearer token, told apart by their prefix. */
export type BearerKind = "session" | "api" | "survey";
const PREFIX: Record<BearerKind, string> = { session: "cfs_", api: "cft_", survey: "cfv_" };

export function newBearerToken(kind: BearerKind): string {
  return PREFIX[kind] + randomBytes(32).toString("base64url");
}

export function bearerKind(token: string): BearerKind | null {
  if (token.startsWith(PREFIX.session)) return "session";
  if (token.startsWith(PREFIX.api)) return "api";
  return null;
}

/** Bearer tokens are long and random, so a fast hash is enough to store them safely. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** AES-256-GCM for personal data at rest: `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export class ContactCipher {
  /** Its own key for pseudonyms, derived from the encryption key, so neither use weakens the other. */
  private readonly pseudonymKey: Buffer;
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("The contact encryption key must be 32 bytes");
    this.pseudonymKey = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "caseflow pseudonyms v1", 32));
  }
  /**
   * A short, stable name for personal text (an e-mail) in logs and counters, which never
   * hold it in clear. Keyed: an unkeyed hash of an e-mail is reversed by hashing a list of
   * known addresses; this one only by whoever holds the installation's key. Instances
   * sharing the key (required on PostgreSQL) give the same name, so counters in Redis agree.
   */
  pseudonym(text: string): string {
    return createHmac("sha256", this.pseudonymKey).update(text, "utf8").digest("base64url").slice(0, 16);
  }
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ["v1", iv, cipher.getAuthTag(), body].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
  }
  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(".");
    if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("Unknown ciphertext format");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }
}
