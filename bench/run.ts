// `npm run bench`: runs every bench/*.ts that exports `run()`, prints one table, and writes the
// results to bench/results/<timestamp>.json. Pass names to run a subset: `npm run bench -- feed`.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "../server/build.mjs";
import type { BenchResult } from "./types.ts";

// Benches that start Sada as a process run dist/, as `npm start` does.
await build();

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "types.ts"].includes(f) && !f.startsWith("_"))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();

const results: (BenchResult & { file: string })[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== "function") continue;
  process.stdout.write(`\n▶ ${file}\n`);
  for (const result of await mod.run()) {
    results.push({ ...result, file });
    process.stdout.write(
      `  ${result.name}: baseline ${fmt(result.baseline)} ${result.unit}, Sada ${fmt(result.ours)} ${result.unit}, ratio ${result.ratio.toFixed(3)}` +
        `${result.goal ? ` (goal ${result.goal})` : ""}${result.notes ? ` — ${result.notes}` : ""}\n`,
    );
  }
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

mkdirSync(path.join(dir, "results"), { recursive: true });
const out = path.join(dir, "results", `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(out, JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2));
console.log(`\n${results.length} measurements written to ${path.relative(process.cwd(), out)}`);
process.exit(0);
