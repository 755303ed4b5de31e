// `npm start` runs plain JavaScript compiled from server/ and prisma/ into dist/, not the TypeScript
// sources through a loader: the tsx loader (esbuild, source maps, transformed sources kept) costs a
// running server ~45 MB of memory (measured, bench/upload-memory.ts). Each file is transpiled on its
// own (no bundling, no type check: `npm run typecheck` does that), keeping the tree's layout, so the
// output runs exactly like the sources. Runs after `npm install` and before `npm start`/`npm run
// worker`; it takes well under a second and rewrites only the files that changed.
//
//   node server/build.mjs
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import { PROJECT_ROOT } from "./paths.mjs";

export const DIST_DIR = path.join(PROJECT_ROOT, "dist");
/** The source folders compiled (prisma/migrations holds SQL only). */
const SOURCE_DIRS = ["server", "prisma"];

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "migrations" ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

function outputFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? outputFiles(full) : [full];
  });
}

// Relative module specifiers in import/export statements and dynamic import().
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}\/[^"'\n]+)\2/g;

/**
 * A relative specifier as the compiled file needs it: `./x.ts` → `./x.js` (compiled beside it);
 * anything else that is not compiled (`.mjs`, `.json`…) → the path back to the file in the sources.
 */
function rewriteSpecifier(specifier, sourceFile, outFile) {
  if (specifier.endsWith(".ts")) return specifier.slice(0, -3) + ".js";
  const target = path.resolve(path.dirname(sourceFile), specifier);
  const relative = path.relative(path.dirname(outFile), target).split(path.sep).join("/");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/** Writes through a temporary file and a rename, so a process loading dist/ never reads half a file. */
function writeIfChanged(file, content) {
  if (existsSync(file) && readFileSync(file, "utf8") === content) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
  return true;
}

/** Compiles the sources into `outDir`; returns how many files it wrote and removed. */
export async function build({ root = PROJECT_ROOT, outDir = DIST_DIR } = {}) {
  const sources = SOURCE_DIRS.map((dir) => path.join(root, dir)).filter((dir) => existsSync(dir)).flatMap(sourceFiles);
  const expected = new Set();
  const problems = [];
  const written = await Promise.all(
    sources.map(async (sourceFile) => {
      const relative = path.relative(root, sourceFile);
      const outFile = path.join(outDir, relative.replace(/\.ts$/, ".js"));
      const mapFile = `${outFile}.map`;
      expected.add(outFile).add(mapFile);
      const result = await transform(readFileSync(sourceFile, "utf8"), {
        loader: "ts",
        format: "esm",
        target: "node20",
        sourcemap: "external",
        sourcefile: path.relative(path.dirname(outFile), sourceFile).split(path.sep).join("/"),
        sourcesContent: false,
      });
      const code = result.code.replace(SPECIFIER, (_match, keyword, quote, specifier) => {
        const rewritten = rewriteSpecifier(specifier, sourceFile, outFile);
        if (!existsSync(path.resolve(path.dirname(sourceFile), specifier))) problems.push(`${relative}: cannot resolve "${specifier}"`);
        return `${keyword}${quote}${rewritten}${quote}`;
      });
      const mapLink = `//# sourceMappingURL=${path.basename(mapFile)}\n`;
      return [writeIfChanged(outFile, code + mapLink), writeIfChanged(mapFile, result.map)];
    }),
  );
  if (problems.length > 0) throw new Error(`build failed:\n  ${problems.join("\n  ")}`);
  // Outputs whose source is gone (renamed or deleted files), and temporary files of interrupted
  // builds (not those of a build running beside this one).
  const interrupted = (file) => file.endsWith(".tmp") && Date.now() - statSync(file).mtimeMs > 60_000;
  const stale = outputFiles(outDir).filter((file) => !expected.has(file) && (!file.endsWith(".tmp") || interrupted(file)));
  for (const file of stale) rmSync(file, { force: true });
  return { files: sources.length, written: written.flat().filter(Boolean).length, removed: stale.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  build().then(
    ({ files, written, removed }) => {
      const ms = Math.round(performance.now() - started);
      if (written + removed > 0) console.log(`sada build: ${files} files compiled to dist/ in ${ms} ms (${written} written, ${removed} removed)`);
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
