import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { signInThroughForm } from "./support.ts";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});

describe("admin: users", () => {
  it("is offered to and served for administrators only", async () => {
    const producer = await signInThroughForm(env, "producer");
    const page = await producer.agent.get("/admin/preferences").expect(200);
    expect(page.text).not.toContain('href="/admin/users"');
    expect(page.text).toContain('href="/admin/shows"');
    await producer.agent.get("/admin/users").expect(403);
    await producer.agent.post("/admin/users").type("form").send({ _csrf: producer.csrf, email: "x@example.org", role: "admin", password: "long enough password" }).expect(403);
    const analyst = await signInThroughForm(env, "analyst");
    const analystPage = await analyst.agent.get("/admin/preferences").expect(200);
    expect(analystPage.text).not.toContain('href="/admin/shows"');
    expect(analystPage.text).toContain('href="/admin/analytics"');
    expect((await analyst.agent.get("/admin").expect(303)).headers.location).toBe("/admin/analytics");
  });

  it("creates an account, with field errors in the user's language, and escapes names", async () => {
    const admin = await signInThroughForm(env, "admin", { locale: "fr" });
    const bad = await admin.agent.post("/admin/users").type("form").send({ _csrf: admin.csrf, name: "X", email: "not an email", role: "producer", password: "short" }).expect(422);
    expect(bad.text).toContain("Certains champs ne sont pas valides.");
    expect(bad.text).toMatch(/id="f-password-error">Trop court ou trop petit \(minimum 12\)/);
    expect(bad.text).toMatch(/id="f-email-error">[^<]+</);
    expect(bad.text).toContain('value="not an email"');

    const name = `<img src=x onerror=alert(1)> Leïla`;
    await admin.agent
      .post("/admin/users")
      .type("form")
      .send({ _csrf: admin.csrf, name, email: "leila@example.org", role: "analyst", locale: "ar", password: "a long temporary password" })
      .expect(303);
    const list = await admin.agent.get("/admin/users").expect(200);
    expect(list.text).toContain("Le compte a été créé.");
    expect(list.text).toContain("&lt;img src=x onerror=alert(1)&gt; Leïla");
    expect(list.text).not.toContain("<img src=x");
    const created = (await env.ctx.accounts.listUsers()).find((u) => u.email === "leila@example.org")!;
    expect(created).toMatchObject({ role: "analyst", locale: "ar", active: true });

    const duplicate = await admin.agent.post("/admin/users").type("form").send({ _csrf: admin.csrf, email: "leila@example.org", role: "analyst", password: "a long temporary password" }).expect(409);
    expect(duplicate.text).toContain("Un compte avec cette adresse e-mail existe déjà.");
  });

  it("changes a role, deactivates and reactivates, and protects the last administrator", async () => {
    const admin = await signInThroughForm(env, "admin");
    const user = await env.ctx.accounts.createUser({ email: "role@example.org", name: "Role", role: "analyst", password: "a long temporary password" });
    await admin.agent.post(`/admin/users/${user.id}`).type("form").send({ _csrf: admin.csrf, role: "producer" }).expect(303);
    expect((await env.ctx.accounts.getUser(user.id)).role).toBe("producer");
    await admin.agent.post(`/admin/users/${user.id}`).type("form").send({ _csrf: admin.csrf, active: "false" }).expect(303);
    expect((await env.ctx.accounts.getUser(user.id)).active).toBe(false);
    await admin.agent.post(`/admin/users/${user.id}`).type("form").send({ _csrf: admin.csrf, active: "true" }).expect(303);
    expect((await env.ctx.accounts.getUser(user.id)).active).toBe(true);
    // Without the CSRF token nothing changes.
    await admin.agent.post(`/admin/users/${user.id}`).type("form").send({ role: "admin" }).expect(403);
    expect((await env.ctx.accounts.getUser(user.id)).role).toBe("producer");

    // Demote every other admin first, then the last one cannot demote themself.
    for (const other of (await env.ctx.accounts.listUsers()).filter((u) => u.role === "admin" && u.id !== admin.userId)) {
      await env.ctx.accounts.updateUser(other.id, { role: "analyst" });
    }
    const refused = await admin.agent.post(`/admin/users/${admin.userId}`).type("form").send({ _csrf: admin.csrf, role: "analyst" }).expect(409);
    expect(refused.text).toContain("The last active administrator cannot be removed, demoted or deactivated.");
    expect((await env.ctx.accounts.getUser(admin.userId)).role).toBe("admin");
    await admin.agent.get("/admin/users/../nothing-here").expect(404);
  });
});
