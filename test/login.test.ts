// Logins that cannot be guessed at: one login per request on every road, failed logins
// slowing down further ones per account and per address (in memory and through Redis),
// the same work and answer for unknown accounts, a password policy, and security logs.
import crypto, { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashPassword } from "../src/auth/secrets.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { LOGIN_LIMITS } from "../src/domain/login-backoff.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { seedUser, type TestUser } from "./helpers/seed.js";
import { sendOver, TRANSPORTS } from "./helpers/transports.js";

// Counts scrypt runs (each still runs for real) to show unknown accounts cost the same work.
const scryptRuns = { count: 0 };
const realScrypt = crypto.scrypt;
vi.spyOn(crypto, "scrypt").mockImplementation(((...args: Parameters<typeof realScrypt>) => {
  scryptRuns.count++;
  return (realScrypt as (...a: unknown[]) => void)(...args);
}) as typeof realScrypt);
afterAll(() => void vi.mocked(crypto.scrypt).mockRestore());

const PASSWORD = "correct horse battery";
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { __typename ... on LoginPayload { token } ... on Error { code message } } }`;
const LOGIN_WAIT = `mutation($i: LoginInput!) { login(input: $i) { __typename ... on Error { code } ... on RateLimitedError { retryAfterSeconds } } }`;

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisAnswers = await (async () => {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
})();
if (!redisAnswers && process.env.CI) throw new Error(`Redis must answer at ${REDIS_URL} in CI`);
if (!redisAnswers) console.warn(`login.test.ts: Redis does not answer at ${REDIS_URL}; the Redis cases are skipped`);

const logLines: Record<string, unknown>[] = [];
const logSink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split("\n")) if (line.trim()) logLines.push(JSON.parse(line));
    done();
  },
});

let app: TestApp;
let admin: TestUser;
let port: number;

beforeAll(async () => {
  app = await createTestApp({}, { logger: pino({ level: "info" }, logSink) });
  // Waits are whole seconds of the app's clock; real time passing must not open them.
  app.clock.freeze();
  admin = await seedUser(app, "ADMIN");
  ({ port } = await app.start(0));
});
afterAll(() => app.close());

let addressCounter = 0;
/** A client address of its own, so one test's failures never throttle another's. */
const freshAddress = () => `198.51.${Math.floor(++addressCounter / 250)}.${addressCounter % 250}`;

async function personWithPassword(target: TestApp, extra: { active?: boolean; passwordHash?: string } = {}) {
  const email = `${randomUUID()}@example.com`;
  const user = await target.db.prisma.user.create({
    data: {
      email,
      name: "Li Lei",
      role: "AGENT",
      active: extra.active ?? true,
      passwordHash: extra.passwordHash ?? (await hashPassword(PASSWORD)),
    },
  });
  return { id: user.id, email };
}

const sessionsOf = (target: TestApp, userId: string) => target.db.prisma.session.count({ where: { userId } });

describe("one login per request", () => {
  it("signs in with one login (baseline)", async () => {
    const person = await personWithPassword(app);
    const result = await app.gql(LOGIN, { i: { email: person.email, password: PASSWORD } }, { address: freshAddress() });
    expect(result.data.login.__typename).toBe("LoginPayload");
  });

  it("refuses aliased logins before checking any password", async () => {
    const person = await personWithPassword(app);
    const runs = scryptRuns.count;
    const result = await app.gql(
      `mutation($i: LoginInput!) { a: login(input: $i) { __typename } b: login(input: $i) { __typename } }`,
      { i: { email: person.email, password: PASSWORD } },
      { address: freshAddress() },
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION", field: "login" });
    expect(result.errors?.[0]?.message).toMatch(/one login/i);
    expect(scryptRuns.count).toBe(runs);
    expect(await sessionsOf(app, person.id)).toBe(0);
  });

  it("counts logins through fragments and across the operations of a document", async () => {
    const person = await personWithPassword(app);
    const variables = { i: { email: person.email, password: PASSWORD } };
    const spreadTwice = await app.gql(
      `mutation($i: LoginInput!) { ...L ... on Mutation { ...L } } fragment L on Mutation { login(input: $i) { __typename } }`,
      variables,
      { address: freshAddress() },
    );
    expect(spreadTwice.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION", field: "login" });
    const twoOperations = (await (
      await app.yoga.fetch("http://caseflow.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: JSON.stringify({
          query: `mutation A($i: LoginInput!) { login(input: $i) { __typename } } mutation B($i: LoginInput!) { login(input: $i) { __typename } }`,
          operationName: "A",
          variables,
        }),
      })
    ).json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(twoOperations.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION", field: "login" });
    expect(await sessionsOf(app, person.id)).toBe(0);
  });

  it("refuses a batched request with more than one login in total, before any runs", async () => {
    const person = await personWithPassword(app);
    const runs = scryptRuns.count;
    const login = { query: LOGIN, variables: { i: { email: person.email, password: PASSWORD } } };
    const post = (body: unknown) =>
      app.yoga.fetch("http://caseflow.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: JSON.stringify(body),
      });
    const refused = await post(Array.from({ length: 10 }, () => login));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION", field: "login" });
    expect(scryptRuns.count).toBe(runs);
    expect(await sessionsOf(app, person.id)).toBe(0);

    const allowed = await post([login, { query: "{ health }" }]);
    expect(allowed.status).toBe(200);
    const results = (await allowed.json()) as { data: { login?: { __typename: string } } }[];
    expect(results[0]?.data.login?.__typename).toBe("LoginPayload");
  });

  it.each(TRANSPORTS)("refuses aliased logins over %s too", async (transport) => {
    const person = await personWithPassword(app);
    const outcome = await sendOver(transport, app, port, admin.token, {
      query: `mutation($i: LoginInput!) { a: login(input: $i) { __typename } b: login(input: $i) { __typename } }`,
      variables: { i: { email: person.email, password: PASSWORD } },
    });
    expect(outcome.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION", field: "login" });
    expect(await sessionsOf(app, person.id)).toBe(0);
  });

  it("counts persisted operations in a batch by their documents", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "caseflow-login-"));
    const file = path.join(folder, "operations.json");
    await writeFile(file, JSON.stringify({ "sign-in": LOGIN, health: "{ health }" }));
    const persisted = await createTestApp({ persistedOperationsFile: file });
    try {
      const person = await personWithPassword(persisted);
      const variables = { i: { email: person.email, password: PASSWORD } };
      const post = (body: unknown) =>
        persisted.yoga.fetch("http://caseflow.test/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
          body: JSON.stringify(body),
        });
      const refused = await post([
        { documentId: "sign-in", variables },
        { extensions: { persistedQuery: { version: 1, sha256Hash: "sign-in" } }, variables },
      ]);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: { extensions: unknown }[] }).errors[0]?.extensions).toMatchObject({
        code: "VALIDATION",
        field: "login",
      });
      expect(await sessionsOf(persisted, person.id)).toBe(0);
      const allowed = await post([{ documentId: "sign-in", variables }, { documentId: "health" }]);
      expect(allowed.status).toBe(200);
      expect(await sessionsOf(persisted, person.id)).toBe(1);
    } finally {
      await persisted.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});

const kinds = [{ kind: "memory", overrides: {} }, ...(redisAnswers ? [{ kind: "redis", overrides: { redisUrl: REDIS_URL } }] : [])];

describe.each(kinds)("failed logins slow down further ones ($kind)", ({ overrides }) => {
  let target: TestApp;
  let someone: TestUser;
  beforeAll(async () => {
    // A Redis key prefix of its own, so parallel test files never share counters.
    target = await createTestApp({ ...overrides, redisChannelPrefix: `caseflow-test-${randomBytes(6).toString("hex")}:` });
    target.clock.freeze();
    someone = await seedUser(target, "AGENT");
  });
  afterAll(() => target?.close());

  const login = (email: string, password: string, address: string, token?: string) =>
    target
      .gql(LOGIN_WAIT, { i: { email, password } }, { address, token })
      .then((r) => r.data.login as { __typename: string; code?: string; retryAfterSeconds?: number });

  it("refuses even the right password after the free failures, with doubling waits, until time passes", async () => {
    const person = await personWithPassword(target);
    const { freeFailures } = LOGIN_LIMITS.account;
    // Each from its own address: this is one account guessed at from many places.
    for (let i = 0; i < freeFailures; i++) {
      expect(await login(person.email, `wrong guess ${i}`, freshAddress())).toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    for (let i = 0; i < 60; i++) {
      expect(await login(person.email, `wrong guess x${i}`, freshAddress())).toMatchObject({
        __typename: "RateLimitedError",
        code: "RATE_LIMITED",
        retryAfterSeconds: 1,
      });
    }
    expect(await login(person.email, PASSWORD, freshAddress())).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 1 });
    expect(await sessionsOf(target, person.id)).toBe(0);

    // Each further failure doubles the wait: 1 s, 2 s, 4 s …
    for (const wait of [1, 2, 4, 8]) {
      target.clock.advance(wait);
      expect(await login(person.email, "still wrong", freshAddress())).toMatchObject({ code: "INVALID_CREDENTIALS" });
      expect(await login(person.email, PASSWORD, freshAddress())).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: wait * 2 });
    }
    target.clock.advance(16);
    expect(await login(person.email, PASSWORD, freshAddress())).toMatchObject({ __typename: "LoginPayload" });
    // A success starts the account over.
    expect(await login(person.email, "wrong again", freshAddress())).toMatchObject({ code: "INVALID_CREDENTIALS" });
  });

  it("caps the wait, and forgets an account's failures after a quiet hour", async () => {
    const person = await personWithPassword(target);
    const { freeFailures, maxDelaySeconds } = LOGIN_LIMITS.account;
    const waits: number[] = [];
    let failures = 0;
    let wait = 0;
    while (wait !== maxDelaySeconds && failures < 50) {
      target.clock.advance(wait);
      const result = await login(person.email, "wrong", freshAddress());
      if (result.code === "INVALID_CREDENTIALS") {
        failures++;
        wait = 0;
      } else {
        wait = result.retryAfterSeconds!;
        waits.push(wait);
      }
    }
    expect(failures).toBe(freeFailures + waits.length - 1);
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, maxDelaySeconds]);
    target.clock.advance(LOGIN_LIMITS.forgetAfterSeconds);
    for (let i = 0; i < freeFailures; i++)
      expect(await login(person.email, "wrong", freshAddress())).toMatchObject({ code: "INVALID_CREDENTIALS" });
  });

  it("counts concurrent attempts: a burst gets exactly the free failures", async () => {
    const person = await personWithPassword(target);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login(person.email, `burst ${i}`, freshAddress())));
    expect(results.filter((r) => r.code === "INVALID_CREDENTIALS")).toHaveLength(LOGIN_LIMITS.account.freeFailures);
    expect(results.filter((r) => r.code === "RATE_LIMITED")).toHaveLength(30 - LOGIN_LIMITS.account.freeFailures);
  });

  it("throttles an address spraying many accounts, whatever Authorization header it sends", async () => {
    const person = await personWithPassword(target);
    const sprayer = freshAddress();
    const { freeFailures } = LOGIN_LIMITS.address;
    for (let i = 0; i < freeFailures; i++) {
      // A valid credential on the request changes nothing about how logins are counted.
      expect(await login(`${randomUUID()}@example.com`, "Summer2024!", sprayer, i % 2 ? someone.token : undefined)).toMatchObject({
        code: "INVALID_CREDENTIALS",
      });
    }
    expect(await login(`${randomUUID()}@example.com`, "Summer2024!", sprayer, someone.token)).toMatchObject({
      code: "RATE_LIMITED",
      retryAfterSeconds: 1,
    });
    expect(await login(person.email, PASSWORD, sprayer, someone.token)).toMatchObject({ code: "RATE_LIMITED" });
    // Another address is not held back, and the account itself had no failures.
    expect(await login(person.email, PASSWORD, freshAddress())).toMatchObject({ __typename: "LoginPayload" });
  });
});

describe.runIf(redisAnswers)("failed logins counted by every instance through Redis", () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    // Instances of one installation share its encryption key (required on PostgreSQL), which
    // keys the e-mail pseudonyms the counters are kept under.
    const shared = {
      redisUrl: REDIS_URL,
      redisChannelPrefix: `caseflow-test-${randomBytes(6).toString("hex")}:`,
      encryptionKey: randomBytes(32),
    };
    [one, two] = await Promise.all([createTestApp(shared), createTestApp(shared)]);
    // Two instances whose clocks agree (the second's a hair later), as NTP keeps them.
    one.clock.freeze();
    two.clock.freeze();
  });
  afterAll(() => Promise.all([one?.close(), two?.close()]));

  it("holds back on one instance an account guessed at on another", async () => {
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < LOGIN_LIMITS.account.freeFailures; i++) {
      const result = await one.gql(LOGIN_WAIT, { i: { email, password: "wrong" } }, { address: freshAddress() });
      expect(result.data.login).toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    const elsewhere = await two.gql(LOGIN_WAIT, { i: { email: email.toUpperCase(), password: "wrong" } }, { address: freshAddress() });
    expect(elsewhere.data.login).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 1 });
  });
});

describe("failed logins while Redis does not answer", () => {
  it("are still counted, by each instance on its own", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    // Nothing listens on port 9 (discard): connections are refused at once.
    const isolated = await createTestApp({ redisUrl: "redis://127.0.0.1:9" }, { logger: pino({ level: "info" }, sink) });
    try {
      isolated.clock.freeze();
      const email = `${randomUUID()}@example.com`;
      for (let i = 0; i < LOGIN_LIMITS.account.freeFailures; i++) {
        const result = await isolated.gql(LOGIN_WAIT, { i: { email, password: "wrong" } }, { address: freshAddress() });
        expect(result.data.login).toMatchObject({ code: "INVALID_CREDENTIALS" });
      }
      const held = await isolated.gql(LOGIN_WAIT, { i: { email, password: "wrong" } }, { address: freshAddress() });
      expect(held.data.login).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 1 });
      expect(lines.filter((line) => String(line.msg).startsWith("login throttle: Redis does not answer"))).toHaveLength(1);
    } finally {
      await isolated.close();
    }
  });
});

describe("unknown and inactive accounts", () => {
  it("cost the same work (one scrypt) and get the same answer as a wrong password", async () => {
    const known = await personWithPassword(app);
    const inactive = await personWithPassword(app, { active: false });
    const noPassword = await personWithPassword(app, { passwordHash: "unusable" });
    // The first check also prepares the dummy hash; measure after it.
    await app.gql(LOGIN, { i: { email: `${randomUUID()}@example.com`, password: "warm up" } }, { address: freshAddress() });
    const answers = [];
    for (const [email, password] of [
      [known.email, "wrong password"],
      [`${randomUUID()}@example.com`, PASSWORD],
      [inactive.email, PASSWORD],
      [noPassword.email, PASSWORD],
    ] as const) {
      const before = scryptRuns.count;
      const result = await app.gql(LOGIN, { i: { email, password } }, { address: freshAddress() });
      expect(scryptRuns.count - before, email).toBe(1);
      answers.push(result.data.login);
    }
    for (const answer of answers)
      expect(answer).toEqual({ __typename: "InvalidCredentialsError", code: "INVALID_CREDENTIALS", message: "Wrong e-mail or password" });
  });
});

describe("security log", () => {
  it("records failed and throttled logins with the address, never the password or the e-mail", async () => {
    const person = await personWithPassword(app);
    const address = freshAddress();
    const unknownEmail = `${randomUUID()}@example.com`;
    logLines.length = 0;
    await app.gql(LOGIN, { i: { email: person.email, password: "secret guess one" } }, { address });
    await app.gql(LOGIN, { i: { email: unknownEmail, password: "secret guess two" } }, { address });
    for (let i = 0; i <= LOGIN_LIMITS.account.freeFailures; i++) {
      await app.gql(LOGIN, { i: { email: person.email, password: "secret guess three" } }, { address: freshAddress() });
    }
    const failed = logLines.filter((line) => line.event === "login.failed");
    expect(failed[0]).toMatchObject({ userId: person.id, address });
    expect(failed[0]).not.toHaveProperty("emailDigest");
    expect(failed[1]).toMatchObject({ emailDigest: expect.stringMatching(/^[\w-]{16}$/), address });
    expect(failed[1]).not.toHaveProperty("userId");
    expect(logLines.find((line) => line.event === "login.throttled")).toMatchObject({
      userId: person.id,
      scope: "account",
      retryAfterSeconds: 1,
    });
    const text = JSON.stringify(logLines);
    expect(text).not.toMatch(/secret guess/);
    expect(text).not.toContain(person.email);
    expect(text).not.toContain(unknownEmail);
  });
});

describe("password policy", () => {
  const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { __typename ... on ValidationError { field message } } }`;
  const UPDATE_USER = `mutation($i: UpdateUserInput!) { updateUser(input: $i) { __typename ... on ValidationError { field message } } }`;

  it("refuses weak passwords wherever one is set, naming the field and saying why", async () => {
    for (const [password, why] of [
      ["aaaaaaaaaa", /Repeated characters/],
      ["password12", /commonly used password/],
      ["ZhaoMin2024!", /personal or page related data/],
    ] as const) {
      const email = `zhao.min.${randomUUID().slice(0, 6)}@example.com`;
      const created = await app.gql(CREATE_USER, { i: { email, name: "Zhao Min", password, role: "AGENT" } }, { token: admin.token });
      expect(created.data.createUser).toMatchObject({
        __typename: "ValidationError",
        field: "input.password",
        message: expect.stringMatching(why),
      });
      expect(await app.db.prisma.user.count({ where: { email } })).toBe(0);
    }
    const person = await seedUser(app, "AGENT");
    const updated = await app.gql(UPDATE_USER, { i: { id: person.gid, password: "password12" } }, { token: admin.token });
    expect(updated.data.updateUser).toMatchObject({
      __typename: "ValidationError",
      field: "input.password",
      message: expect.stringMatching(/commonly used/),
    });
    const strong = await app.gql(UPDATE_USER, { i: { id: person.gid, password: "violet tram orbit seven" } }, { token: admin.token });
    expect(strong.data.updateUser.__typename).toBe("UserPayload");
  });

  it("refuses a weak bootstrap administrator password along with every other problem", () => {
    let error: unknown;
    try {
      loadConfig({ CASEFLOW_ADMIN_EMAIL: "admin@example.com", CASEFLOW_ADMIN_PASSWORD: "password12", PORT: "not a port" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/CASEFLOW_ADMIN_PASSWORD is too easy to guess/);
    expect(problems).toMatch(/PORT must be an integer/);
    expect(() => loadConfig({ CASEFLOW_ADMIN_EMAIL: "admin@example.com", CASEFLOW_ADMIN_PASSWORD: PASSWORD })).not.toThrow();
  });
});
