// What can be proven of the container files without a container runtime: the image's
// start command, with the image's environment, serves in production mode, its health check
// follows /ready, and SIGTERM stops it with status 0 (the server is PID 1 in the image, so
// it must stop on the signal itself); the image runs as a non-root user; compose.yaml's
// two instances share PostgreSQL and Redis behind a proxy that reaches both and is trusted.
import { spawnSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { preparedDataDir, startServer } from "./helpers/process.js";

const root = path.resolve(import.meta.dirname, "..");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface Stage {
  env: Record<string, string>;
  user?: string;
  cmd?: string[];
  healthcheck?: string[];
}

/** The final stage of a Dockerfile: its ENV, USER, CMD and HEALTHCHECK (exec forms only). */
function finalStage(dockerfile: string): Stage {
  const instructions = dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  let stage: Stage = { env: {} };
  for (const line of instructions) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    switch (keyword!.toUpperCase()) {
      case "FROM":
        stage = { env: {} };
        break;
      case "ENV":
        for (const [, key, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) stage.env[key!] = value!.replace(/^"|"$/g, "");
        break;
      case "USER":
        stage.user = args;
        break;
      case "CMD":
        stage.cmd = JSON.parse(args);
        break;
      case "HEALTHCHECK":
        stage.healthcheck = JSON.parse(args.slice(args.indexOf("CMD ") + 4));
        break;
    }
  }
  return stage;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the container image", () => {
  it("starts with the image's command and environment, reports health, refuses introspection, and stops on SIGTERM with 0", async () => {
    const image = finalStage(await readFile(path.join(root, "Dockerfile"), "utf8"));
    expect(image.user).toBe("node");
    expect(image.env.NODE_ENV).toBe("production");
    expect(image.cmd?.[0]).toBe("node"); // exec form: the server itself receives the signals
    expect(image.healthcheck?.[0]).toBe("node");

    // The image's build step, on this checkout (nothing when dist/ is up to date).
    const build = spawnSync(process.execPath, ["scripts/start.mjs", "--build-only"], { cwd: root, encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);

    const dataDir = await preparedDataDir("caseflow-image-");
    dirs.push(dataDir);
    // Only what differs on a shared machine: the data folder, a free port, loopback only.
    const env = { ...image.env, DATA_DIR: dataDir, PORT: String(await freePort()), HOST: "127.0.0.1" };
    const [command, ...args] = image.cmd!;
    const server = await startServer(env, [command === "node" ? process.execPath : command!, ...args], 120_000);
    const healthcheck = () =>
      spawnSync(process.execPath, image.healthcheck!.slice(1), { cwd: root, env: { PATH: process.env.PATH, ...env } }).status;
    try {
      expect(healthcheck()).toBe(0);
      const introspection = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __schema { queryType { name } } }" }),
      });
      expect(JSON.stringify(await introspection.json())).toMatch(/introspection/i);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
    expect(healthcheck()).toBe(1);
  }, 300_000);

  it("keeps the build context small and the secrets out of it", async () => {
    const ignored = (await readFile(path.join(root, ".dockerignore"), "utf8")).split("\n");
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", "dist", "data", ".env", ".git"]));
  });
});

describe("compose.yaml", () => {
  it("runs two instances on one PostgreSQL and one Redis behind a proxy that reaches both and that they trust", async () => {
    const compose = parseYaml(await readFile(path.join(root, "compose.yaml"), "utf8"), { merge: true });
    const instances = Object.entries<any>(compose.services).filter(([, service]) => service.build === ".");
    expect(instances.map(([name]) => name)).toEqual(["caseflow-1", "caseflow-2"]);
    for (const [, service] of instances) {
      expect(service.environment.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(service.environment.REDIS_URL).toBe("redis://redis:6379");
      expect(service.environment.TRUSTED_PROXIES).toBeTruthy();
      expect(service.environment.CASEFLOW_ENCRYPTION_KEY).toMatch(/\$\{CASEFLOW_ENCRYPTION_KEY:\?/);
    }
    const proxy = compose.services.proxy;
    const caddyfile = await readFile(path.join(root, proxy.volumes[0].split(":")[0]), "utf8");
    expect(caddyfile).toMatch(/reverse_proxy caseflow-1:4000 caseflow-2:4000/);
  });
});
