// `npx tsx scripts/bench/login-timing.ts`: how long a failed login takes for a known
// account (wrong password), an unknown e-mail and an inactive account, seen from a client
// in its own process against a server started as operators start it (src/main.ts, in a
// child process, embedded database in a temporary folder). If the three distributions
// differ, the timing of an answer tells which e-mails have accounts.
//
// Every sample uses its own account and its own loopback source address (127.0.x.y), so
// the login throttle never holds one back: this measures the password check, not the
// throttle. Samples of the three kinds are interleaved so that load on the machine
// spreads over all of them alike.
//
// Options: --samples N (per kind, default 150), --url U (a server already running, whose
// admin is CASEFLOW_ADMIN_EMAIL / CASEFLOW_ADMIN_PASSWORD).
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { samples: { type: "string", default: "150" }, url: { type: "string" } } });
const samples = Number(args.samples);
const admin = {
  email: process.env.CASEFLOW_ADMIN_EMAIL ?? "bench-admin@example.com",
  password: process.env.CASEFLOW_ADMIN_PASSWORD ?? "violet tram orbit seven",
};

let sourceCounter = 0;
/** A loopback address of its own (Linux routes all of 127/8 to lo). */
const nextSource = () => {
  sourceCounter++;
  return `127.0.${Math.floor(sourceCounter / 250) + 1}.${(sourceCounter % 250) + 1}`;
};

function post(url: string, body: unknown, token?: string): Promise<{ ms: number; json: any }> {
  const target = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        localAddress: nextSource(),
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ ms: performance.now() - started, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function startServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "caseflow-login-bench-"));
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      SLA_MONITOR: "false",
      CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      CASEFLOW_ADMIN_EMAIL: admin.email,
      CASEFLOW_ADMIN_PASSWORD: admin.password,
      // The client sends far more than a person would; only logins are measured.
      RATE_LIMIT_PER_MINUTE: "1000000",
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1000000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(output);
      if (match?.[1]) resolve(match[1].replace("localhost", "127.0.0.1"));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(() => reject(new Error(`the server exited:\n${output}`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { __typename ... on LoginPayload { token } ... on Error { code } } }`;

const server = args.url ? { url: args.url, stop: async () => {} } : await startServer();
try {
  const signIn = await post(server.url, { query: LOGIN, variables: { i: admin } });
  const token: string | undefined = signIn.json.data?.login?.token;
  if (!token) throw new Error(`admin login failed: ${JSON.stringify(signIn.json)}`);

  // One account per sample: a wrong password for each is its first and only failure.
  console.log(`creating ${2 * samples} accounts …`);
  const createUser = `mutation($i: CreateUserInput!) { createUser(input: $i) { __typename ... on UserPayload { user { id } } ... on Error { message } } }`;
  const accounts = async (active: boolean) => {
    const emails: string[] = [];
    for (let i = 0; i < samples; i++) {
      const email = `bench-${randomUUID()}@example.com`;
      const created = await post(
        server.url,
        { query: createUser, variables: { i: { email, name: "Bench Person", password: `${randomUUID()} amber kite`, role: "AGENT" } } },
        token,
      );
      const id = created.json.data?.createUser?.user?.id;
      if (!id) throw new Error(`createUser failed: ${JSON.stringify(created.json)}`);
      if (!active) {
        const updated = await post(
          server.url,
          { query: `mutation($i: UpdateUserInput!) { updateUser(input: $i) { __typename } }`, variables: { i: { id, active: false } } },
          token,
        );
        if (updated.json.data?.updateUser?.__typename !== "UserPayload")
          throw new Error(`updateUser failed: ${JSON.stringify(updated.json)}`);
      }
      emails.push(email);
    }
    return emails;
  };
  const known = await accounts(true);
  const inactive = await accounts(false);
  const unknown = Array.from({ length: samples }, () => `bench-${randomUUID()}@example.com`);

  const times: Record<"known" | "unknown" | "inactive", number[]> = { known: [], unknown: [], inactive: [] };
  const attempt = async (kind: keyof typeof times, email: string) => {
    const { ms, json } = await post(server.url, { query: LOGIN, variables: { i: { email, password: "not the password 1" } } });
    const code = json.data?.login?.code;
    if (code !== "INVALID_CREDENTIALS") throw new Error(`expected INVALID_CREDENTIALS for ${kind}, got ${JSON.stringify(json)}`);
    times[kind].push(ms);
  };
  // Warm-up: the first requests compile code paths and prepare the dummy hash.
  for (let i = 0; i < 5; i++) await attempt("unknown", `bench-warm-${randomUUID()}@example.com`);
  times.unknown.length = 0;
  for (let i = 0; i < samples; i++) {
    await attempt("known", known[i]!);
    await attempt("unknown", unknown[i]!);
    await attempt("inactive", inactive[i]!);
  }

  const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `failed login latency, ${samples} samples each, client in its own process (${args.url ? args.url : "server started by this script"})`,
  );
  console.log("kind      min       p10       p50       p90       p99       max");
  for (const [kind, values] of Object.entries(times)) {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(
      [kind.padEnd(8), ...[0, 10, 50, 90, 99].map((p) => ms(percentile(sorted, p)).padStart(9)), ms(sorted.at(-1)!).padStart(9)].join(" "),
    );
  }
} finally {
  await server.stop();
}
