import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { seedEpisode, seedManyEpisodes, seedShow } from "../feeds/seed.ts";

// The public pages as HTML text; test/site/pages.browser.test.ts checks them in a real browser.

const TRANSCRIPT = `WEBVTT

NOTE recorded in Tunis

intro
00:00:00.000 --> 00:00:03.500
<v Amal>Bienvenue dans <i>Voix</i> &amp; droits.

00:00:03.600 --> 00:00:06.000
<v Amal>Aujourd’hui, la liberté d’expression.

00:00:09.000 --> 00:00:12.000
<v Karim>Merci de m’accueillir. <script>alert(1)</script>
`;

const attr = (html: string, pattern: RegExp) => pattern.exec(html)?.[1];

describe("public pages", () => {
  let env: TestEnv;
  let show: Awaited<ReturnType<typeof seedShow>>;
  let ep: Awaited<ReturnType<typeof seedEpisode>>;

  beforeAll(async () => {
    env = await createTestEnv();
    show = await seedShow(env.ctx, { slug: "voix", locales: ["ar", "fr", "en"], defaultLocale: "fr" });
    ep = await seedEpisode(env.ctx, show, {
      slug: "liberte-expression",
      season: 2,
      number: 7,
      variants: [
        {
          locale: "fr",
          title: "La liberté d’expression </h1><script>alert(1)</script>",
          summary: "Un épisode sur la parole libre & ses limites.",
          showNotesHtml: "<p>Avec <strong>Amal</strong> et <a href=\"https://example.org\">un lien</a>.</p>",
          transcript: TRANSCRIPT,
          chapters: {
            version: "1.2.0",
            chapters: [
              { startTime: 0, title: "Introduction" },
              { startTime: 30, title: "Marqueur silencieux", toc: false },
              { startTime: 65, title: "Le cœur du sujet </li><script>", url: "https://example.org/chapitre" },
              { startTime: 90, title: "Conclusion" },
            ],
          },
          publishedAt: new Date("2026-02-10T08:00:00Z"),
        },
        { locale: "ar", title: "حرية التعبير", summary: "حلقة عن حرية الكلمة.", publishedAt: new Date("2026-02-10T08:00:00Z") },
        { locale: "en", title: "Free speech (draft)", status: "draft" },
      ],
    });
    await seedEpisode(env.ctx, show, { slug: "earlier", season: 2, number: 6, variants: [{ locale: "fr", title: "Épisode précédent", publishedAt: new Date("2026-01-10T08:00:00Z") }] });
    await seedEpisode(env.ctx, show, { slug: "future", season: 2, number: 8, variants: [{ locale: "fr", title: "Pas encore", status: "scheduled", publishAt: new Date("2099-01-01T00:00:00Z") }] });
  });
  afterAll(() => env?.close());

  it("renders the show page in its language, with alternates, OpenGraph, subscribe links and a player per episode", async () => {
    const res = await env.request().get("/ar/voix/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["content-language"]).toBe("ar");
    expect(res.headers["cache-control"]).toBe("public, max-age=60");
    const html = res.text;
    expect(html).toMatch(/^<!doctype html>\n<html lang="ar" dir="rtl">/);
    expect(html).toContain("<title>أصوات الحرية</title>");
    for (const [lang, href] of [
      ["ar", "http://sada.test/ar/voix/"],
      ["fr", "http://sada.test/fr/voix/"],
      ["en", "http://sada.test/en/voix/"],
      ["x-default", "http://sada.test/fr/voix/"],
    ]) {
      expect(html).toContain(`<link rel="alternate" hreflang="${lang}" href="${href}">`);
    }
    expect(html).toContain('<link rel="alternate" type="application/rss+xml" title="أصوات الحرية (موجز RSS)" href="http://sada.test/feeds/voix/ar.xml">');
    expect(html).toContain('<meta property="og:type" content="website">');
    expect(html).toContain('<meta property="og:locale" content="ar_AR">');
    expect(attr(html, /<meta property="og:image" content="([^"]+)">/)).toMatch(/^http:\/\/sada\.test\/files\/shows\/.+\/artwork-1400\.jpg$/);
    expect(html).toContain('href="podcast://sada.test/feeds/voix/ar.xml"');
    expect(html).toContain('href="https://antennapod.org/deeplink/subscribe?url=http%3A%2F%2Fsada.test%2Ffeeds%2Fvoix%2Far.xml"');
    // Only the Arabic variant is live in Arabic; its player goes through the tracked media URL.
    const ar = ep.variants.find((v) => v.locale === "ar")!;
    expect(html).toContain(`<source src="/media/${ar.id}/main.mp3?player=sada" type="audio/mpeg">`);
    expect(html.match(/<audio /g)).toHaveLength(1);
    expect(html).toContain("الموسم ٢، الحلقة ٧");
    expect(html).not.toMatch(/<script/i);
  });

  it("lists the French episodes newest first, hides scheduled ones, and escapes titles", async () => {
    const html = (await env.request().get("/fr/voix/")).text;
    expect(html).toMatch(/<html lang="fr" dir="ltr">/);
    const titles = [...html.matchAll(/<h3 id="episode-\d+"><a href="([^"]+)">([^<]*)<\/a><\/h3>/g)].map((m) => [m[1], m[2]]);
    expect(titles).toEqual([
      ["/fr/voix/liberte-expression", "La liberté d’expression &lt;/h1&gt;&lt;script&gt;alert(1)&lt;/script&gt;"],
      ["/fr/voix/earlier", "Épisode précédent"],
    ]);
    expect(html).not.toContain("Pas encore");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("Un épisode sur la parole libre &amp; ses limites.");
  });

  it("renders an episode page with notes, readable transcript, chapters and its other languages", async () => {
    const res = await env.request().get("/fr/voix/liberte-expression");
    expect(res.status).toBe(200);
    const html = res.text;
    const fr = ep.variants.find((v) => v.locale === "fr")!;
    expect(html).toMatch(/<html lang="fr" dir="ltr">/);
    expect(html).toContain("<title>La liberté d’expression &lt;/h1&gt;&lt;script&gt;alert(1)&lt;/script&gt; — Voix de la liberté</title>");
    expect(html).toContain('<link rel="canonical" href="http://sada.test/fr/voix/liberte-expression">');
    expect(html).toContain('<link rel="alternate" hreflang="ar" href="http://sada.test/ar/voix/liberte-expression">');
    expect(html).not.toContain('hreflang="en"'); // the English version is a draft
    expect(html).toContain('<meta property="og:type" content="article">');
    expect(html).toContain(`<meta property="og:audio" content="http://sada.test/media/${fr.id}/main.mp3?player=sada">`);
    expect(html).toContain(`<source src="/media/${fr.id}/main.mp3?player=sada" type="audio/mpeg">`);
    expect(html).toContain(`href="/media/${fr.id}/lowdata.m4a?player=sada"`);
    expect(html).toContain("Saison 2, épisode 7");
    expect(html).toContain('<p>Avec <strong>Amal</strong> et <a href="https://example.org">un lien</a>.</p>');
    // Transcript: cue text, speakers once per change, markup removed or escaped, never executed.
    expect(html).toContain('<p><time class="timestamp" datetime="PT0S">0:00</time> <strong class="speaker">Amal :</strong> Bienvenue dans Voix &amp; droits. Aujourd’hui, la liberté d’expression.</p>');
    expect(html).toContain('<p><time class="timestamp" datetime="PT9S">0:09</time> <strong class="speaker">Karim :</strong> Merci de m’accueillir. alert(1)</p>');
    expect(html).toMatch(new RegExp(`href="/files/variants/${fr.id}/[\\w-]+/transcript\\.vtt" type="text/vtt"`));
    // Chapters: silent markers left out, titles escaped.
    const chapters = [...html.matchAll(/<li><span class="timestamp">([^<]+)<\/span> (.*?)<\/li>/g)].map((m) => [m[1], m[2]]);
    expect(chapters).toEqual([
      ["0:00", "Introduction"],
      ["1:05", '<a href="https://example.org/chapitre" rel="noopener nofollow">Le cœur du sujet &lt;/li&gt;&lt;script&gt;</a>'],
      ["1:30", "Conclusion"],
    ]);
    expect(html).toContain('<li><a href="/ar/voix/liberte-expression" hreflang="ar" lang="ar" dir="rtl">حرية التعبير</a> <span class="meta" lang="ar">(العربية)</span></li>');
    expect(html).not.toMatch(/<script/i);
  });

  it("finds an episode by its number too, and forwards a campaign code to the player", async () => {
    const byNumber = await env.request().get("/fr/voix/7?c=whatsapp-march");
    expect(byNumber.status).toBe(200);
    const fr = ep.variants.find((v) => v.locale === "fr")!;
    expect(byNumber.text).toContain('<link rel="canonical" href="http://sada.test/fr/voix/liberte-expression">');
    expect(byNumber.text).toContain(`<source src="/media/${fr.id}/main.mp3?player=sada&amp;c=whatsapp-march" type="audio/mpeg">`);
    const bogus = await env.request().get("/fr/voix/7?c=%22%3E%3Cscript%3E");
    expect(bogus.text).toContain(`<source src="/media/${fr.id}/main.mp3?player=sada" type="audio/mpeg">`);
  });

  it("pages the episode list of a long-running series", async () => {
    const long = await seedShow(env.ctx, { slug: "longue", locales: ["fr"] });
    await seedManyEpisodes(env.ctx, long, 65, ["fr"]);
    const episodesOf = (html: string) => [...html.matchAll(/<h3 id="episode-\d+"><a href="([^"]+)">/g)].map((m) => m[1]);

    const first = (await env.request().get("/fr/longue/")).text;
    expect(episodesOf(first)).toHaveLength(30);
    expect(episodesOf(first)[0]).toBe("/fr/longue/episode-65");
    expect(first).toContain("<p>Page 1 sur 3</p>");
    expect(first).toContain('<a href="/fr/longue/?page=2" rel="next">Épisodes plus anciens</a>');
    expect(first).not.toContain('rel="prev"');

    const last = await env.request().get("/fr/longue/?page=3");
    expect(last.status).toBe(200);
    expect(episodesOf(last.text)).toEqual(["/fr/longue/episode-5", "/fr/longue/episode-4", "/fr/longue/episode-3", "/fr/longue/episode-2", "/fr/longue/episode-1"]);
    expect(last.text).toContain('<a href="/fr/longue/?page=2" rel="prev">Épisodes plus récents</a>');
    expect(last.text).toContain('<link rel="canonical" href="http://sada.test/fr/longue/?page=3">');

    for (const bad of ["?page=4", "?page=0", "?page=abc", "?page=1.5"]) expect((await env.request().get(`/fr/longue/${bad}`)).status, bad).toBe(404);
    expect((await env.request().get("/fr/voix/")).text).not.toContain('class="pagination"');
  });

  it("redirects a show address without its trailing slash", async () => {
    const res = await env.request().get("/fr/voix?c=radio");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe("/fr/voix/?c=radio");
  });

  it("answers 404 with an HTML page in the address's language — never JSON, never a stack trace", async () => {
    const cases: [string, string, RegExp][] = [
      ["/fr/nobody/", "fr", /Page introuvable/],
      ["/ar/nobody/x", "ar", /الصفحة غير موجودة/],
      ["/en/voix/future", "en", /Page not found/], // scheduled, not yet public
      ["/fr/voix/does-not-exist", "fr", /Page introuvable/],
      ["/en/voix/liberte-expression", "en", /Page not found/], // the English variant is a draft
      ["/fr/voix/liberte-expression/extra", "fr", /Page introuvable/],
      ["/fr", "fr", /Page introuvable/],
    ];
    for (const [path, lang, text] of cases) {
      const res = await env.request().get(path).set("Accept-Language", "en");
      expect(res.status, path).toBe(404);
      expect(res.headers["content-type"], path).toBe("text/html; charset=utf-8");
      expect(res.text, path).toContain(`<html lang="${lang}" dir="${lang === "ar" ? "rtl" : "ltr"}">`);
      expect(res.text, path).toMatch(text);
      expect(res.text).not.toMatch(/\.ts:\d+|Error:/);
    }
    // A show that exists, in a language it does not have: point to the ones it has.
    const onlyFr = await seedShow(env.ctx, { slug: "seulement", locales: ["fr"] });
    await seedEpisode(env.ctx, onlyFr, { variants: [{ locale: "fr" }] });
    const res = await env.request().get("/ar/seulement/");
    expect(res.status).toBe(404);
    expect(res.text).toContain('<a href="/fr/seulement/" hreflang="fr" lang="fr" dir="ltr">Français</a>');
    // Other features keep their own error format.
    const api = await env.request().get("/api/v1/nothing-here");
    expect(api.status).toBe(404);
    expect(api.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("serves its stylesheet with a long cache for the versioned address", async () => {
    const html = (await env.request().get("/fr/voix/")).text;
    const href = attr(html, /<link rel="stylesheet" href="([^"]+)">/)!;
    const css = await env.request().get(href);
    expect(css.status).toBe(200);
    expect(css.headers["content-type"]).toMatch(/^text\/css/);
    expect(css.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    // Logical properties only, so RTL pages mirror.
    expect(css.text).not.toMatch(/(margin|padding|border)-(left|right)\s*:|(^|[\s;{])(left|right)\s*:|text-align:\s*(left|right)|float:\s*(left|right)/m);
  });
});
