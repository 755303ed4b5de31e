import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The project's root folder (package.json, locales/, web/), found from this file whether it runs
 * from the sources (server/) or compiled (dist/server/, see server/build.mjs).
 */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(import.meta.dirname);
