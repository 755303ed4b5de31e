// Entry of a worker thread started from the TypeScript sources (tests, benches, `tsx`) by a parent
// whose loader is not inherited by threads (vitest): registers tsx in this thread, then loads the
// real entry. Compiled code (npm start, dist/) starts its entry directly and never uses this file.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
