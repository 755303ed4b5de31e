import { readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../server/paths.mjs";

/**
 * The Node process `npm run <script>` starts: its arguments (after `node`) and the environment
 * variables the script sets before it. Tests and benches start exactly that, with this Node binary;
 * dist/ is built before them (test/support/global-setup.ts, bench/run.ts) as the pre-scripts do.
 */
export function npmScriptProcess(script: string): { args: string[]; env: Record<string, string> } {
  const { scripts } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  return parseNodeCommand(scripts[script] ?? "");
}

/** `NAME=value … node <args>` (what our start scripts look like; anything else is refused). */
export function parseNodeCommand(command: string): { args: string[]; env: Record<string, string> } {
  const words = command.trim().split(/\s+/);
  const nodeAt = words.indexOf("node");
  const assignments = words.slice(0, Math.max(nodeAt, 0)).map((word) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word));
  if (nodeAt < 0 || assignments.some((match) => !match)) throw new Error(`not a "NAME=value … node …" command: ${command}`);
  return { args: words.slice(nodeAt + 1), env: Object.fromEntries(assignments.map((match) => [match![1], match![2]])) };
}
