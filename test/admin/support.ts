import { randomUUID } from "node:crypto";
import supertest from "supertest";
import { TEST_PASSWORD, type TestEnv } from "../support/app.ts";
import type { Role } from "../../server/http/types.ts";

export type Agent = ReturnType<typeof supertest.agent>;

/** The value of an attribute on the first element matching a simple `tag[attr="value"]` pattern. */
export function hiddenValue(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!match) throw new Error(`no hidden field ${name}`);
  return match[1];
}

export function metaContent(page: string, name: string): string {
  const match = new RegExp(`<meta name="${name}" content="([^"]*)"`).exec(page);
  if (!match) throw new Error(`no meta ${name}`);
  return match[1];
}

/** Signs in through the admin's own form (not the API), as a browser would. */
export async function signInThroughForm(env: TestEnv, role: Role, options: { locale?: "ar" | "fr" | "en"; lang?: string } = {}) {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.org`;
  const user = await env.ctx.accounts.createUser({ email, name: `Test ${role}`, role, password: TEST_PASSWORD, locale: options.locale });
  const agent = supertest.agent(env.app);
  if (options.lang) agent.set("Cookie", `lang=${options.lang}`);
  const form = await agent.get("/admin/sign-in").expect(200);
  await agent
    .post("/admin/sign-in")
    .type("form")
    .send({ _login_csrf: hiddenValue(form.text, "_login_csrf"), email, password: TEST_PASSWORD, next: "/admin" })
    .expect(303);
  const page = await agent.get("/admin/preferences").expect(200);
  return { agent, userId: user.id, email, csrf: metaContent(page.text, "csrf-token") };
}
