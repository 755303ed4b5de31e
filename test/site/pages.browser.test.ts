import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "../e2e/browser.ts";
import { seedEpisode, seedShow } from "../feeds/seed.ts";

// The public pages in real Chromium, with JavaScript switched off: what a listener on a cheap
// phone or a screen reader user gets. Screenshots land in test-artifacts/screenshots/site-*.png.

describe("public pages in a browser", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    const show = await seedShow(e2e.env.ctx, { slug: "voices", locales: ["ar", "fr", "en"] });
    await seedEpisode(e2e.env.ctx, show, {
      slug: "first",
      season: 1,
      number: 1,
      variants: [
        {
          locale: "ar",
          title: "الحلقة الأولى: حرية التعبير",
          summary: "حوار مع ناشطة حقوقية عن حرية الكلمة في المنطقة.",
          showNotesHtml: "<p>ضيفتنا <strong>أمل</strong> تتحدث عن التجربة.</p>",
          transcript: "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n<v أمل>مرحبا بكم في البرنامج.\n\n00:00:03.500 --> 00:00:06.000\n<v كريم>شكرا على الاستضافة.\n",
          chapters: { version: "1.2.0", chapters: [{ startTime: 0, title: "مقدمة" }, { startTime: 95, title: "الشهادة" }] },
        },
        { locale: "fr", title: "Épisode 1 : la liberté d’expression", summary: "Entretien avec une militante." },
      ],
    });
  });
  afterAll(() => e2e?.close());

  it("mirrors the Arabic pages right-to-left and keeps French left-to-right, without JavaScript", async () => {
    const positions: Record<string, { artworkX: number; titleX: number; width: number }> = {};
    for (const locale of ["ar", "fr"] as const) {
      const context = await e2e.browser.newContext({ baseURL: e2e.baseUrl, javaScriptEnabled: false, viewport: { width: 1000, height: 900 } });
      const page = await context.newPage();
      const response = await page.goto(`/${locale}/voices/`);
      expect(response?.status()).toBe(200);
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction])).toEqual([
        locale,
        locale === "ar" ? "rtl" : "ltr",
        locale === "ar" ? "rtl" : "ltr",
      ]);
      const artwork = (await page.locator("img.artwork").boundingBox())!;
      const title = (await page.locator("h1").boundingBox())!;
      positions[locale] = { artworkX: artwork.x, titleX: title.x, width: 1000 };
      // One player per episode, through the tracked media URL, marked as Sada's player.
      const src = await page.locator("audio source").first().getAttribute("src");
      expect(src).toMatch(/^\/media\/[0-9a-f-]+\/main\.mp3\?player=sada$/);
      expect(await page.locator("audio").first().getAttribute("aria-labelledby")).toMatch(/^episode-\d+$/);
      await e2e.screenshot(page, `site-${locale}-show`);
      await context.close();
    }
    // The artwork comes first in reading order: on the right in Arabic, on the left in French.
    expect(positions.ar.artworkX).toBeGreaterThan(positions.ar.titleX);
    expect(positions.fr.artworkX).toBeLessThan(positions.fr.titleX);
  });

  it("gives the episode page its transcript, chapters and language links, and a working skip link", async () => {
    const context = await e2e.browser.newContext({ baseURL: e2e.baseUrl, javaScriptEnabled: false, viewport: { width: 420, height: 900 } });
    const page = await context.newPage();
    await page.goto("/ar/voices/first");
    expect(await page.locator("h1").textContent()).toBe("الحلقة الأولى: حرية التعبير");
    expect(await page.locator(".transcript p").first().textContent()).toContain("مرحبا بكم في البرنامج.");
    expect(await page.locator(".chapters li").allTextContents()).toEqual(["٠:٠٠ مقدمة", "١:٣٥ الشهادة"]);
    const alternates = await page.locator('link[rel="alternate"][hreflang]').evaluateAll((links) => links.map((l) => l.getAttribute("hreflang")));
    expect(alternates).toEqual(["ar", "fr", "x-default"]);
    expect(await page.locator('meta[property="og:audio"]').getAttribute("content")).toMatch(/\/media\/[0-9a-f-]+\/main\.mp3\?player=sada$/);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("انتقل إلى المحتوى");
    await e2e.screenshot(page, "site-ar-episode-mobile");
    await page.locator(".other-languages a").click();
    expect(new URL(page.url()).pathname).toBe("/fr/voices/first");
    expect(await page.evaluate(() => document.documentElement.dir)).toBe("ltr");
    await context.close();
  });
});
