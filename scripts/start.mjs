// `npm start`: builds what is missing or out of date, then runs the server.
// Keeps `npm install && npm start` the whole recipe for a new machine.
import { spawnSync } from "node:child_process";
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

function run(script) {
  const result = spawnSync("npm", ["run", "--silent", script], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const schemaFile = at("prisma", "schema.prisma");
const generated = at("src", "generated", "prisma", "client.ts");
if (!existsSync(generated) || statSync(generated).mtimeMs < statSync(schemaFile).mtimeMs) run("generate");

const entry = at("dist", "main.js");
if (!existsSync(entry) || statSync(entry).mtimeMs < newestMtime(at("src"))) run("build");

await import(entry);
