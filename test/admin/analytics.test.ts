import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { signInThroughForm } from "./support.ts";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ env: {} });
});
afterAll(async () => {
  await env?.close();
});

/** The inert JSON block a page hands its scripts. */
function jsonBlock(page: string, id: string) {
  const match = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(page);
  if (!match) throw new Error(`no ${id}`);
  return JSON.parse(match[1]);
}

describe("admin: analytics dashboard", () => {
  it("is open to every role, with filters, presets, CSV links and the country data attribution", async () => {
    const show = await env.ctx.shows.create({
      slug: "dash",
      locales: ["ar", "fr"],
      defaultLocale: "ar",
      category: "News",
      subcategory: null,
      explicit: false,
      ownerName: "Sada",
      ownerEmail: "p@example.org",
      copyright: "",
      type: "episodic",
      localizations: { ar: { title: "نشرة", description: "", author: "" }, fr: { title: "Bulletin", description: "", author: "" } },
    });
    const episode = await env.ctx.episodes.create(show.show.id, { type: "full", variants: { fr: { title: "Un </script><b>", summary: "", showNotes: "" } } });

    const { agent } = await signInThroughForm(env, "analyst", { lang: "fr" });
    const page = await agent.get(`/admin/analytics?showId=${show.show.id}&from=2026-01-01&to=2026-01-31`).expect(200);
    expect(page.text).toContain("Statistiques");
    expect(page.text).toContain(`data-query="showId=${show.show.id}&amp;from=2026-01-01&amp;to=2026-01-31"`);
    expect(page.text).toContain(`href="/api/v1/analytics/downloads?showId=${show.show.id}&amp;from=2026-01-01&amp;to=2026-01-31&amp;groupBy=day&amp;format=csv"`);
    for (const groupBy of ["locale", "episode", "app", "device", "os", "country", "campaign"]) expect(page.text).toContain(`data-breakdown="${groupBy}"`);
    expect(page.text).toContain("IP Geolocation by DB-IP");
    expect(page.text).toContain('<option value="' + show.show.id + '" selected lang="fr">Bulletin</option>');
    // Episode titles travel to the script as JSON that cannot close its <script> element.
    expect(page.text).not.toContain("Un </script><b>");
    const data = jsonBlock(page.text, "sada-analytics");
    expect(data.labels[episode.id]).toEqual({ title: "Un </script><b>", lang: "fr" });
    expect(data.devices.smart_speaker).toBe("Enceinte connectée");
    expect(page.text).toContain('src="/admin/assets/analytics.js');
  });

  it("falls back to the last 30 days and ignores filters that are not valid", async () => {
    const { agent } = await signInThroughForm(env, "producer");
    const page = await agent.get("/admin/analytics?from=yesterday&showId=nope&locale=de").expect(200);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    expect(page.text).toContain(`data-query="from=${from}&amp;to=${today}"`);
    expect(page.text).toMatch(/aria-current="true">Last 30 days</);
  });
});
