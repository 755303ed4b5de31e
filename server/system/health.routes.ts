import express from "express";
import type { AppContext } from "../context.ts";

/** `GET /healthz`: 200 when the database and storage answer, 503 otherwise (for load balancers). */
export function healthRoutes(ctx: AppContext) {
  const router = express.Router();
  router.get("/healthz", async (req, res) => {
    const checks = await Promise.allSettled([ctx.db.ping(), ctx.storage.check()]);
    const [database, storage] = checks.map((c) => (c.status === "fulfilled" ? "ok" : "failing"));
    const healthy = database === "ok" && storage === "ok";
    if (!healthy) req.log.warn({ checks: checks.map((c) => (c.status === "rejected" ? String(c.reason) : "ok")) }, "health check failing");
    res.setHeader("Cache-Control", "no-store");
    res.status(healthy ? 200 : 503).json(healthy ? { status: "ok" } : { status: "unavailable", checks: { database, storage } });
  });
  return router;
}
