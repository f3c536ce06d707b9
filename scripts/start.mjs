// `npm start`: builds what is missing or out of date, then runs the server
// (`node scripts/start.mjs --build-only` only builds).
// Keeps `npm install && npm start` the whole recipe for a new machine.
//
// Signals: the "start" script is `exec node scripts/start.mjs`, so the shell npm starts
// is replaced by this process and the SIGTERM/SIGINT npm forwards (as a process manager
// sends them) reach the server itself, which shuts down gracefully and exits 0. While a
// build step runs, the signal is passed on to it and the start stops there.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const at = (...parts) => path.join(root, ...parts);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Runs an npm script in the foreground; a signal received meanwhile ends it and the start. */
function run(script, why) {
  process.stderr.write(`caseflow: ${why}: npm run ${script}\n`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], { cwd: root, stdio: "inherit" });
    const forward = (signal) => child.kill(signal);
    const signals = ["SIGTERM", "SIGINT"];
    for (const signal of signals) process.on(signal, forward);
    child.on("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      if (signal) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
      if (code !== 0) process.exit(code ?? 1);
      process.stderr.write(`caseflow: ${script} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      resolve();
    });
  });
}

const schemaFile = at("prisma", "schema.prisma");
const generated = at("src", "generated", "prisma", "client.ts");
if (!existsSync(generated)) await run("generate", "generating the database client (first start)");
else if (statSync(generated).mtimeMs < statSync(schemaFile).mtimeMs)
  await run("generate", "prisma/schema.prisma changed, regenerating the database client");

const entry = at("dist", "main.js");
if (!existsSync(entry)) await run("build", "compiling the server (first start, about a minute)");
else if (statSync(entry).mtimeMs < newestMtime(at("src"))) await run("build", "src changed since the last build, compiling the server");

// `--build-only`: stop here (tests that run the compiled server the way the image does).
if (!process.argv.includes("--build-only")) await import(entry);
