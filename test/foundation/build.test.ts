import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { build } from "../../server/build.mjs";

// server/build.mjs compiles server/ and prisma/ to dist/ for `npm start`. A small project of its own
// shows the rules; the real tree is built by the global setup and run by test/foundation/start.test.ts.

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "sada-build-"));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe("the build for npm start", () => {
  it("compiles each file beside its peers, pointing imports at compiled .js and at sources for the rest", async () => {
    const root = project({
      "server/main.ts": [
        'import { greeting } from "./greet.ts";',
        'import type { Unused } from "./types.ts";',
        'import { DIR } from "../prisma/plain.mjs";',
        "const later = await import(\"./lazy/late.ts\");",
        "const note: Unused | string = `${greeting(\"Sada\")} ${later.value} ${DIR === import.meta.dirname}`;",
        "console.log(note);",
      ].join("\n"),
      "server/greet.ts": "export function greeting(name: string): string { return `salam ${name}`; }",
      "server/types.ts": "export interface Unused { never: true }",
      "server/lazy/late.ts": "export const value: number = 42;",
      "prisma/plain.mjs": 'export const DIR = import.meta.dirname;',
      "prisma/migrations/0001/migration.sql": "CREATE TABLE t (id INT);",
    });
    const outDir = path.join(root, "dist");
    expect(await build({ root, outDir })).toEqual({ files: 4, written: 8, removed: 0 });
    const main = readFileSync(path.join(outDir, "server/main.js"), "utf8");
    expect(main).toContain('from "./greet.js"');
    expect(main).toContain('from "../../prisma/plain.mjs"');
    expect(main).toContain('import("./lazy/late.js")');
    expect(main).not.toMatch(/\.ts["']/);
    expect(existsSync(path.join(outDir, "prisma/migrations"))).toBe(false);
    // It runs without any TypeScript loader, and the plain module is the source one (false: other dir).
    expect(execFileSync(process.execPath, [path.join(outDir, "server/main.js")], { encoding: "utf8" }).trim()).toBe("salam Sada 42 false");
  });

  it("rewrites only what changed, removes outputs of deleted sources, and refuses unresolvable imports", async () => {
    const root = project({ "server/a.ts": 'import "./b.ts";\nexport const a = 1;', "server/b.ts": "export const b = 2;" });
    const outDir = path.join(root, "dist");
    await build({ root, outDir });
    expect(await build({ root, outDir })).toEqual({ files: 2, written: 0, removed: 0 });

    writeFileSync(path.join(root, "server/a.ts"), "export const a = 3;");
    rmSync(path.join(root, "server/b.ts"));
    expect(await build({ root, outDir })).toEqual({ files: 1, written: 2, removed: 2 });
    expect(existsSync(path.join(outDir, "server/b.js"))).toBe(false);

    writeFileSync(path.join(root, "server/a.ts"), 'import { gone } from "./gone.ts";\nexport const a = gone;');
    await expect(build({ root, outDir })).rejects.toThrow('server/a.ts: cannot resolve "./gone.ts"');
  });
});
