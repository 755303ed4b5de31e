import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, TEST_PASSWORD, type TestEnv } from "../support/app.ts";
import { hiddenValue, metaContent, signInThroughForm } from "./support.ts";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});

describe("admin: sign in, language, preferences", () => {
  it("sends visitors to the sign-in page, in their browser's language and direction", async () => {
    const res = await env.request().get("/admin/shows").expect(303);
    expect(res.headers.location).toBe("/admin/sign-in?next=%2Fadmin%2Fshows");
    const ar = await env.request().get("/admin/sign-in").set("Accept-Language", "ar-TN,ar;q=0.9").expect(200);
    expect(ar.text).toContain('<html lang="ar" dir="rtl">');
    expect(ar.text).toContain("تسجيل الدخول");
    expect(ar.headers["cache-control"]).toBe("no-store");
    const fr = await env.request().get("/admin/sign-in?lang=fr").expect(200);
    expect(fr.text).toContain('<html lang="fr" dir="ltr">');
    expect(fr.text).toContain("Se connecter");
  });

  it("signs in with the form, comes back to the page asked for, and signs out", async () => {
    const user = await env.ctx.accounts.createUser({ email: "prod@example.org", name: "Prod", role: "producer", password: TEST_PASSWORD });
    const agent = (await import("supertest")).default.agent(env.app);
    const form = await agent.get("/admin/sign-in?next=/admin/preferences").expect(200);
    expect(hiddenValue(form.text, "next")).toBe("/admin/preferences");
    const res = await agent
      .post("/admin/sign-in")
      .type("form")
      .send({ _login_csrf: hiddenValue(form.text, "_login_csrf"), email: user.email, password: TEST_PASSWORD, next: "/admin/preferences" })
      .expect(303);
    expect(res.headers.location).toBe("/admin/preferences");
    const page = await agent.get("/admin/preferences").expect(200);
    const csrf = metaContent(page.text, "csrf-token");
    expect(page.text).toContain(`name="_csrf" value="${csrf}"`);
    // Sign-out is a state change: without the CSRF token it is refused.
    await agent.post("/admin/sign-out").type("form").send({}).expect(403);
    await agent.post("/admin/sign-out").type("form").send({ _csrf: csrf }).expect(303);
    const after = await agent.get("/admin/preferences").expect(303);
    expect(after.headers.location).toContain("/admin/sign-in");
  });

  it("refuses open redirects after sign-in", async () => {
    const { agent } = await signInThroughForm(env, "producer");
    const res = await agent.get("/admin/sign-in?next=//evil.example/x").expect(303);
    expect(res.headers.location).toBe("/admin");
  });

  it("shows wrong credentials and validation errors on the form, in the page's language", async () => {
    const agent = (await import("supertest")).default.agent(env.app);
    const form = await agent.get("/admin/sign-in?lang=fr").expect(200);
    const token = hiddenValue(form.text, "_login_csrf");
    const wrong = await agent
      .post("/admin/sign-in?lang=fr")
      .type("form")
      .send({ _login_csrf: token, email: "nobody@example.org", password: "not the password" })
      .expect(401);
    expect(wrong.text).toContain("Adresse e-mail ou mot de passe incorrect.");
    expect(wrong.text).toContain('value="nobody@example.org"');
    expect(wrong.text).not.toContain("not the password");

    const invalid = await agent.post("/admin/sign-in").set("Cookie", "lang=ar").type("form").send({ _login_csrf: hiddenValue(wrong.text, "_login_csrf"), email: "not-an-email", password: "x" });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toMatch(/id="f-email-error">[^<]+/);
    expect(invalid.text).toContain('aria-invalid="true"');
  });

  it("refuses a sign-in form posted from elsewhere (no login token)", async () => {
    await env.ctx.accounts.createUser({ email: "csrf@example.org", name: "", role: "producer", password: TEST_PASSWORD });
    const res = await env.request().post("/admin/sign-in").type("form").send({ email: "csrf@example.org", password: TEST_PASSWORD });
    expect(res.status).toBe(403);
    expect(String(res.headers["set-cookie"] ?? "")).not.toContain("sada_session=");
  });

  it("switches language: sets the cookie, saves it on the user, and the next page follows", async () => {
    const { agent, csrf, userId } = await signInThroughForm(env, "producer");
    const res = await agent.post("/admin/preferences/language").type("form").send({ _csrf: csrf, lang: "ar", back: "/admin/preferences?lang=fr" }).expect(303);
    expect(res.headers.location).toBe("/admin/preferences");
    expect(String(res.headers["set-cookie"])).toMatch(/lang=ar/);
    expect((await env.ctx.accounts.getUser(userId)).locale).toBe("ar");
    const page = await agent.get("/admin/preferences").expect(200);
    expect(page.text).toContain('<html lang="ar" dir="rtl">');
    // The same person on a new device (no cookie) gets their saved language after signing in.
    const user = await env.ctx.accounts.getUser(userId);
    const other = (await import("supertest")).default.agent(env.app);
    const form = await other.get("/admin/sign-in").set("Accept-Language", "en").expect(200);
    await other.post("/admin/sign-in").type("form").send({ _login_csrf: hiddenValue(form.text, "_login_csrf"), email: user.email, password: TEST_PASSWORD }).expect(303);
    expect((await other.get("/admin/preferences").set("Accept-Language", "en")).text).toContain('lang="ar" dir="rtl"');
  });

  it("switches language before signing in, and sends / to the admin", async () => {
    const res = await env.request().post("/admin/preferences/language").type("form").send({ lang: "fr", back: "/admin/sign-in?lang=en" }).expect(303);
    expect(res.headers.location).toBe("/admin/sign-in");
    expect(String(res.headers["set-cookie"])).toMatch(/lang=fr/);
    const away = await env.request().post("/admin/preferences/language").type("form").send({ lang: "ar", back: "https://evil.example/" }).expect(303);
    expect(away.headers.location).toBe("/admin");
    expect((await env.request().get("/").expect(302)).headers.location).toBe("/admin");
  });

  it("uses Arabic-Indic digits in Arabic by default and Latin digits by preference", async () => {
    const { agent, csrf } = await signInThroughForm(env, "producer", { lang: "ar" });
    const before = await agent.get("/admin/preferences").expect(200);
    expect(metaContent(before.text, "sada-intl")).toBe("ar-u-nu-arab");
    expect(before.text).toContain("١٬٢٣٤٬٥٦٧٫٨٩");
    const saved = await agent.post("/admin/preferences").type("form").send({ _csrf: csrf, name: "Amal <b>", locale: "ar", digits: "latn" }).expect(303);
    expect(String(saved.headers["set-cookie"])).toMatch(/digits=latn/);
    const after = await agent.get("/admin/preferences").expect(200);
    expect(metaContent(after.text, "sada-intl")).toBe("ar-u-nu-latn");
    expect(after.text).toContain('value="Amal &lt;b&gt;"');
    expect(after.text).not.toContain("Amal <b>");
  });

  it("rejects invalid preferences with field errors", async () => {
    const { agent, csrf } = await signInThroughForm(env, "analyst");
    const res = await agent.post("/admin/preferences?lang=en").type("form").send({ _csrf: csrf, name: "x", locale: "de", digits: "latn" }).expect(422);
    expect(res.text).toMatch(/id="f-locale-error">Must be one of: ar, fr, en\./);
  });

  it("serves its scripts and styles, and the tus client from node_modules", async () => {
    const css = await env.request().get("/admin/assets/admin.css").expect(200);
    expect(css.headers["content-type"]).toContain("text/css");
    // Logical properties only: no physical left/right anywhere in the stylesheet.
    expect(css.text).not.toMatch(/\b(margin|padding|border)-(left|right)\b|\b(left|right)\s*:|text-align:\s*(left|right)|float:/);
    await env.request().get("/admin/assets/admin.js").expect(200).expect("content-type", /javascript/);
    const tus = await env.request().get("/admin/assets/vendor/tus.min.js").expect(200);
    expect(tus.text).toContain("tus");
    await env.request().get("/admin/assets/missing.js").expect(404);
  });
});
