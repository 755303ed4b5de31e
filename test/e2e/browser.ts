import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { createTestEnv, TEST_PASSWORD, type TestEnv } from "../support/app.ts";
import { startWorker } from "../../server/jobs/worker.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve("test-artifacts/screenshots");

export interface E2E {
  env: TestEnv;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (own cookies) with its page. */
  newPage: (options?: { locale?: string; viewport?: { width: number; height: number } }) => Promise<{ context: BrowserContext; page: Page }>;
  signIn: (page: Page, email: string, password?: string) => Promise<void>;
  screenshot: (page: Page, name: string) => Promise<string>;
  close: () => Promise<void>;
}

/**
 * The real app on 127.0.0.1 (random port, PUBLIC_BASE_URL pointing at it, so feed enclosures are
 * fetchable), with its job worker running in-process, and one headless Chromium for the whole file.
 */
export async function startE2E(): Promise<E2E> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = await createTestEnv({ env: { PUBLIC_BASE_URL: baseUrl, WORKER_ENABLED: "true", ANALYTICS_FLUSH_MS: "200" } });
  startWorker(env.ctx);
  server.on("request", env.app);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary profile (user-data-dir) of its own.
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--headless"],
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  return {
    env,
    baseUrl,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        locale: options.locale ?? "en-US",
        timezoneId: "Africa/Tunis",
        viewport: options.viewport ?? { width: 1280, height: 860 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return { context, page };
    },
    async signIn(page, email, password = TEST_PASSWORD) {
      await page.goto("/admin/sign-in");
      await page.locator("#f-email").fill(email);
      await page.locator("#f-password").fill(password);
      await Promise.all([page.waitForURL((url) => !url.pathname.endsWith("/sign-in")), page.locator("form.form button[type=submit]").click()]);
    },
    async screenshot(page, name) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await env.close();
    },
  };
}
