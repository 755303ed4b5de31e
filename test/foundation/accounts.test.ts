import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { createTestEnv, TEST_PASSWORD, type TestEnv } from "../support/app.ts";

let env: TestEnv;
// Starts at the real time: supertest's cookie jar drops cookies whose Expires is already past.
const clock = new ManualClock(new Date());

beforeAll(async () => {
  env = await createTestEnv({ overrides: { clock }, env: { LOGIN_MAX_ATTEMPTS: "3", LOGIN_WINDOW_MINUTES: "15" } });
});
afterAll(() => env?.close());

describe("sessions", () => {
  it("signs in with a httpOnly, SameSite=Lax cookie and returns a CSRF token", async () => {
    const { agent, email } = await env.loginAs("producer");
    const me = await agent.get("/api/v1/me").expect(200);
    expect(me.body.user).toMatchObject({ email, role: "producer", active: true });
    expect(me.body.csrfToken).toMatch(/^[\w-]{20,}$/);
    expect(me.body.user).not.toHaveProperty("passwordHash");

    const res = await env.request().post("/api/v1/session").send({ email, password: TEST_PASSWORD }).expect(200);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/sada_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/); // http in tests; https PUBLIC_BASE_URL sets Secure
  });

  it("answers a wrong password and an unknown email the same way", async () => {
    const { email } = await env.loginAs("analyst");
    const wrong = await env.request().post("/api/v1/session").send({ email, password: "not the password" }).expect(401);
    const unknown = await env.request().post("/api/v1/session").send({ email: "nobody@example.org", password: "not the password" }).expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe("invalid_credentials");
  });

  it("signs out and the cookie stops working", async () => {
    const { agent } = await env.loginAs("producer");
    await agent.delete("/api/v1/session").expect(204);
    const res = await agent.get("/api/v1/me").expect(401);
    expect(res.body.error.code).toBe("unauthorized");
  });

  it("expires sessions", async () => {
    const { agent } = await env.loginAs("producer");
    clock.advance((env.config.accounts.sessionTtlHours + 1) * 3_600_000);
    await agent.get("/api/v1/me").expect(401);
  });

  it("requires the CSRF token for state changes made with the cookie", async () => {
    const { email } = await env.loginAs("admin");
    const { default: supertest } = await import("supertest");
    const agent = supertest.agent(env.app); // cookie only, no CSRF header by default
    const login = await agent.post("/api/v1/session").send({ email, password: TEST_PASSWORD }).expect(200);
    const csrfToken = login.body.csrfToken as string;
    const refused = await agent.post("/api/v1/tokens").send({ name: "x" }).expect(403);
    expect(refused.body.error.code).toBe("csrf_invalid");
    await agent.post("/api/v1/tokens").set("X-CSRF-Token", "wrong").send({ name: "x" }).expect(403);
    await agent.post("/api/v1/tokens").set("X-CSRF-Token", csrfToken).send({ name: "x" }).expect(201);
  });

  it("throttles sign-in attempts per account", async () => {
    const { email } = await env.loginAs("producer");
    for (let i = 0; i < 3; i++) await env.request().post("/api/v1/session").send({ email, password: "wrong password" }).expect(401);
    const blocked = await env.request().post("/api/v1/session").send({ email, password: TEST_PASSWORD }).expect(429);
    expect(blocked.body.error.code).toBe("login_rate_limited");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    clock.advance(16 * 60_000);
    await env.request().post("/api/v1/session").send({ email, password: TEST_PASSWORD }).expect(200);
  });

  it("throttles sign-in attempts per address across accounts", async () => {
    for (let i = 0; i < 9; i++) {
      await env.request().post("/api/v1/session").send({ email: `spray${i}@example.org`, password: "guess guess" }).expect(401);
    }
    const { email } = await env.loginAs("analyst").catch(() => ({ email: "" }));
    expect(email).toBe(""); // the same address is now blocked, even for a new account
    clock.advance(16 * 60_000);
  });
});

describe("API tokens", () => {
  it("creates a token shown once, authenticates with Bearer, and revokes it", async () => {
    const { agent } = await env.loginAs("producer");
    const created = await agent.post("/api/v1/tokens").send({ name: "upload script" }).expect(201);
    expect(created.body.token).toMatch(/^sada_/);
    const list = await agent.get("/api/v1/tokens").expect(200);
    expect(list.body.tokens).toHaveLength(1);
    expect(list.body.tokens[0]).not.toHaveProperty("token");

    const me = await env.request().get("/api/v1/me").set("Authorization", `Bearer ${created.body.token}`).expect(200);
    expect(me.body.via).toBe("token");
    // Bearer requests need no CSRF token.
    await env.request().patch("/api/v1/me").set("Authorization", `Bearer ${created.body.token}`).send({ name: "Script" }).expect(200);

    await agent.delete(`/api/v1/tokens/${created.body.id}`).expect(204);
    await env.request().get("/api/v1/me").set("Authorization", `Bearer ${created.body.token}`).expect(401);
    await agent.delete(`/api/v1/tokens/${created.body.id}`).expect(404);
  });

  it("rejects an invalid bearer token with 401", async () => {
    await env.request().get("/api/v1/me").set("Authorization", "Bearer sada_nope").expect(401);
    await env.request().get("/api/v1/me").set("Authorization", "Basic abc").expect(401);
  });
});

describe("users (admin only)", () => {
  it("lets an admin create, update, deactivate and delete users", async () => {
    const admin = await env.tokenFor("admin");
    const auth = { Authorization: `Bearer ${admin}` };
    const created = await env
      .request()
      .post("/api/v1/users")
      .set(auth)
      .send({ email: "Producer@Example.org", name: "Leila", role: "producer", password: "a long enough password" })
      .expect(201);
    expect(created.body).toMatchObject({ email: "producer@example.org", role: "producer", active: true });

    await env.request().post("/api/v1/users").set(auth).send({ email: "producer@example.org", role: "analyst", password: "a long enough password" }).expect(409);

    const login = await env.request().post("/api/v1/session").send({ email: "producer@example.org", password: "a long enough password" }).expect(200);
    const cookie = String(login.headers["set-cookie"]).split(";")[0];

    await env.request().patch(`/api/v1/users/${created.body.id}`).set(auth).send({ role: "analyst" }).expect(200);
    await env.request().patch(`/api/v1/users/${created.body.id}`).set(auth).send({ active: false }).expect(200);
    // Deactivation ends existing sessions.
    await env.request().get("/api/v1/me").set("Cookie", cookie).expect(401);

    const list = await env.request().get("/api/v1/users").set(auth).expect(200);
    expect(list.body.users.map((u: { email: string }) => u.email)).toContain("producer@example.org");

    await env.request().delete(`/api/v1/users/${created.body.id}`).set(auth).expect(204);
    await env.request().delete(`/api/v1/users/${created.body.id}`).set(auth).expect(404);
  });

  it("forbids other roles (403) and anonymous callers (401)", async () => {
    for (const role of ["producer", "analyst"] as const) {
      const token = await env.tokenFor(role);
      const res = await env.request().get("/api/v1/users").set("Authorization", `Bearer ${token}`).expect(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    await env.request().get("/api/v1/users").expect(401);
  });

  it("keeps at least one active admin", async () => {
    const fresh = await createTestEnv();
    try {
      const { agent, userId } = await fresh.loginAs("admin");
      const res = await agent.patch(`/api/v1/users/${userId}`).send({ role: "producer" }).expect(409);
      expect(res.body.error.code).toBe("last_admin");
      await agent.delete(`/api/v1/users/${userId}`).expect(409);
    } finally {
      await fresh.close();
    }
  });
});

describe("errors", () => {
  it("answers malformed JSON with 400 invalid_json", async () => {
    const res = await env.request().post("/api/v1/session").set("Content-Type", "application/json").send('{"email": ').expect(400);
    expect(res.body.error.code).toBe("invalid_json");
  });

  it("answers schema violations with 422 and the failing fields, translated", async () => {
    const res = await env.request().post("/api/v1/session?lang=fr").send({ email: "not-an-email" }).expect(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toBe("Certains champs ne sont pas valides.");
    const fields = res.body.error.details.map((d: { path: string; code: string }) => `${d.path}:${d.code}`);
    expect(fields).toEqual(expect.arrayContaining(["email:invalid_format", "password:required"]));
    expect(res.body.error.details.find((d: { path: string }) => d.path === "password").message).toBe("Ce champ est obligatoire.");
  });

  it("answers unknown routes with a JSON 404 in the request's language", async () => {
    const res = await env.request().get("/api/v1/nothing-here").set("Accept-Language", "ar").expect(404);
    expect(res.body.error.code).toBe("route_not_found");
    expect(res.body.error.message).toContain("لا يوجد شيء");
    expect(res.headers["content-language"]).toBe("ar");
  });

  it("answers a path parameter with broken percent-encoding with 400 malformed_url, not a server error", async () => {
    const res = await env.request().get("/api/v1/shows/%E0%A4%A").set("Accept-Language", "en").expect(400);
    expect(res.body.error.code).toBe("malformed_url");
    const page = await env.request().get("/ar/%ZZ").expect(400);
    expect(page.body.error.code).toBe("malformed_url");
  });

  it("answers an oversized body with 413", async () => {
    const res = await env
      .request()
      .post("/api/v1/session")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ email: "a@b.c", password: "x".repeat(2 * 1024 * 1024) }))
      .expect(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });

  it("logs unknown errors with the request id and hides internals", async () => {
    const lines: string[] = [];
    const { createLogger } = await import("../../server/adapters/logger.ts");
    const { pino } = await import("pino");
    const logger = pino({ level: "error" }, { write: (line: string) => void lines.push(line) }) as unknown as ReturnType<typeof createLogger>;
    const broken = await createTestEnv({ overrides: { logger } });
    try {
      // A table gone missing makes the next query fail with a driver error, as a broken schema would.
      await broken.ctx.db.prisma.$executeRawUnsafe('ALTER TABLE "User" RENAME TO "UserGone"');
      const res = await broken.request().post("/api/v1/session").set("X-Request-Id", "req-abcdef12").send({ email: "a@example.org", password: "whatever" });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe("internal_error");
      expect(res.body.error.message).toContain("req-abcdef12");
      expect(JSON.stringify(res.body)).not.toMatch(/stack|prisma|sqlite|at \//i);
      expect(lines.some((l) => l.includes("req-abcdef12") && l.includes("unhandled error"))).toBe(true);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});

describe("first admin", () => {
  it("generates a strong password once when none is configured", async () => {
    const fresh = await createTestEnv();
    try {
      let printed = "";
      await fresh.ctx.accounts.bootstrapAdmin((text) => (printed += text));
      const password = /password: (\S+)/.exec(printed)?.[1] ?? "";
      expect(password.length).toBeGreaterThanOrEqual(24);
      await fresh.request().post("/api/v1/session").send({ email: "admin@sada.local", password }).expect(200);
      printed = "";
      await fresh.ctx.accounts.bootstrapAdmin((text) => (printed += text));
      expect(printed).toBe("");
    } finally {
      await fresh.close();
    }
  });

  it("uses ADMIN_EMAIL / ADMIN_PASSWORD and prints nothing", async () => {
    const fresh = await createTestEnv({ env: { ADMIN_EMAIL: "Root@Example.org", ADMIN_PASSWORD: "configured password 1" } });
    try {
      let printed = "";
      await fresh.ctx.accounts.bootstrapAdmin((text) => (printed += text));
      expect(printed).toBe("");
      const res = await fresh.request().post("/api/v1/session").send({ email: "root@example.org", password: "configured password 1" }).expect(200);
      expect(res.body.user.role).toBe("admin");
    } finally {
      await fresh.close();
    }
  });
});

describe("health and OpenAPI", () => {
  it("reports healthy database and storage", async () => {
    const res = await env.request().get("/healthz").expect(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("answers 503 when the database is down", async () => {
    const broken = await createTestEnv();
    try {
      await broken.ctx.db.close();
      const res = await broken.request().get("/healthz").expect(503);
      expect(res.body.status).toBe("unavailable");
    } finally {
      await broken.close().catch(() => undefined);
    }
  });

  it("publishes an OpenAPI document generated from the schemas", async () => {
    const res = await env.request().get("/api/v1/openapi.json").expect(200);
    expect(res.body.openapi).toBe("3.0.3");
    const login = res.body.paths["/api/v1/session"].post;
    expect(login.requestBody.content["application/json"].schema.properties).toHaveProperty("email");
    expect(res.body.paths["/api/v1/users/{id}"].patch.parameters[0]).toMatchObject({ name: "id", in: "path" });
  });
});
