const rss = () => Math.round(process.memoryUsage().rss / 1048576);
const { loadConfig } = await import("../server/config.ts");
const config = loadConfig({ ...process.env, DATA_DIR: "/tmp/memdd", WORKER_ENABLED: "false" });
console.log("config", rss());
if (!process.env.NOMIG) { const { applyMigrations } = await import("../prisma/migration-engine.ts"); await applyMigrations(config.database); (globalThis as any).gc?.(); console.log("migrations", rss()); }
const { createContext } = await import("../server/context.ts");
const ctx = await createContext(config);
(globalThis as any).gc?.(); console.log("context", rss());
await new Promise((r) => setTimeout(r, 3000));
(globalThis as any).gc?.(); console.log("after 3s", rss(), JSON.stringify(process.memoryUsage()));
await ctx.close();
