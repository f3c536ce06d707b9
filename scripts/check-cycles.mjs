// Fails when modules of src/ import each other in a circle at run time (type-only imports
// do not count: they vanish when compiled). A circle makes load order matter and hides
// which layer depends on which.
import madge from "madge";

const result = await madge(new URL("../src", import.meta.url).pathname, {
  fileExtensions: ["ts"],
  tsConfig: new URL("../tsconfig.json", import.meta.url).pathname,
  excludeRegExp: [/generated/],
  detectiveOptions: { ts: { skipTypeImports: true } },
});
const circles = result.circular();
if (circles.length) {
  console.error(`Import cycles in src/ (${circles.length}):`);
  for (const circle of circles) console.error(`  ${[...circle, circle[0]].join(" → ")}`);
  process.exit(1);
}
console.log(`No import cycles among ${Object.keys(result.obj()).length} modules of src/`);
