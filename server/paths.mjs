// The project's root folder (package.json, locales/, web/). Plain JavaScript and never compiled:
// server/build.mjs imports it, and compiled code (dist/) imports this very file from the sources,
// so its own location is the root's server/ folder whether Sada runs from sources or from dist/.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
