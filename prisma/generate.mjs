// `prisma generate` for both providers, offline. The Prisma CLI first "ensures" its native schema
// engine (a download); naming any existing file in PRISMA_SCHEMA_ENGINE_BINARY skips that, and
// generation itself only uses WebAssembly shipped in the `prisma` package.
import { mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { PRISMA_DIR, PROVIDERS, composeSchema } from "./schema-compose.mjs";

const require = createRequire(import.meta.url);
const prismaCli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");

for (const provider of PROVIDERS) {
  const dir = path.join(PRISMA_DIR, "generated", provider);
  mkdirSync(dir, { recursive: true });
  const schemaPath = path.join(dir, "schema.prisma");
  writeFileSync(schemaPath, composeSchema(provider));
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schemaPath], {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
}
