// The compiled server (dist/, built by run.ts before any bench), as `npm start` runs it. Benches of
// request throughput load the code under test from there rather than through tsx, whose transform
// adds a naming helper call to every function created per call (~2 % of a tracked request's
// main-thread time in a profile).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../server/paths.mjs";

/** The compiled module of a source file, e.g. `compiled<typeof import("../server/app.ts")>("server/app.ts")`. */
export function compiled<Module>(sourcePath: string): Promise<Module> {
  const file = path.join(PROJECT_ROOT, "dist", sourcePath.replace(/\.ts$/, ".js"));
  return import(pathToFileURL(file).href) as Promise<Module>;
}
