import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { podcastGuidOfUrl } from "../../server/feeds/podcast-guid.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { showBody, storedKeys, tempFiles } from "./support.ts";

// The shows API on the configured database and storage: validation, podcast:guid per language feed,
// slug rules, artwork, deletion leaving nothing behind, and who may do what.

let env: TestEnv;
let producer: string;
let analyst: string;
let images: string;

beforeAll(async () => {
  env = await createTestEnv();
  producer = `Bearer ${await env.tokenFor("producer")}`;
  analyst = `Bearer ${await env.tokenFor("analyst")}`;
  images = await fsp.mkdtemp(path.join(env.config.dataDir, "images-"));
});
afterAll(async () => {
  await env?.close();
});

const api = () => env.request();

async function createShow(overrides: Record<string, unknown> = {}) {
  const res = await api().post("/api/v1/shows").set("Authorization", producer).send(showBody(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function image(name: string, width: number, height: number, format: "png" | "jpeg" = "png") {
  const file = path.join(images, name);
  await sharp({ create: { width, height, channels: 3, background: "#2e86de" } })[format]().toFile(file);
  return file;
}

const feedGuid = (slug: string, locale: string) => podcastGuidOfUrl(`http://sada.test/feeds/${slug}/${locale}.xml`);

/** Marks one of the show's variants as published, as the publish endpoint would (tested in test/episodes). */
async function publishSomething(showId: string) {
  const prisma = env.ctx.db.prisma;
  const episode = await prisma.episode.create({ data: { showId, slug: `e-${Date.now()}`, variants: { create: { locale: "ar", guid: crypto.randomUUID(), title: "حلقة" } } } });
  await prisma.episodeVariant.updateMany({ where: { episodeId: episode.id }, data: { status: "published", publishedAt: new Date() } });
  return episode;
}

describe("podcast:guid", () => {
  it("is the spec's UUIDv5 of the feed URL without scheme (Podcasting 2.0 example: podnews.net/rss)", () => {
    expect(podcastGuidOfUrl("https://podnews.net/rss")).toBe("9b024349-ccf0-5f69-a609-6b82873eab3c");
  });
});

describe("create and read", () => {
  it("creates a trilingual show: localizations, one guid per language feed, feed URLs", async () => {
    const show = await createShow({ locales: ["en", "ar", "fr"] });
    expect(show).toMatchObject({
      locales: ["ar", "fr", "en"], // canonical order
      defaultLocale: "ar",
      category: "Society & Culture",
      subcategory: "Documentary",
      type: "episodic",
      artwork: null,
      episodeCount: 0,
      slugEditable: true,
    });
    for (const locale of ["ar", "fr", "en"]) {
      expect(show.localizations[locale].podcastGuid).toBe(feedGuid(show.slug, locale));
      expect(show.localizations[locale].feedUrl).toBe(`http://sada.test/feeds/${show.slug}/${locale}.xml`);
    }
    expect(show.localizations.fr).toMatchObject({ title: "Voix de la liberté", author: "Équipe Sada" });
    const stored = await env.ctx.db.prisma.show.findUniqueOrThrow({ where: { id: show.id } });
    expect(stored.podcastGuid).toBe(show.localizations.ar.podcastGuid); // the default language's

    const fetched = await api().get(`/api/v1/shows/${show.id}`).set("Authorization", producer).expect(200);
    expect(fetched.body).toEqual(show);
    const list = await api().get("/api/v1/shows").set("Authorization", producer).expect(200);
    expect(list.body.shows.map((s: { id: string }) => s.id)).toContain(show.id);
  });

  it("refuses a duplicate slug with 409 slug_taken", async () => {
    const show = await createShow();
    const res = await api().post("/api/v1/shows").set("Authorization", producer).send(showBody({ slug: show.slug }));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "slug_taken" });
    expect(res.body.error.message).toContain(show.slug);
  });

  it("validates slug, languages, localizations and Apple categories", async () => {
    const post = (body: Record<string, unknown>) => api().post("/api/v1/shows").set("Authorization", producer).set("Accept-Language", "fr").send(body);
    let res = await post(showBody({ slug: "Voix Libres" }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.details[0].path).toBe("slug");

    res = await post(showBody({ slug: "émission" }));
    expect(res.body.error.code).toBe("validation_failed");

    res = await post(showBody({ locales: ["fr"], defaultLocale: "ar", localizations: { fr: { title: "Voix" } } }));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "locale_not_enabled", message: "La langue « ar » n'est pas activée pour cette émission." });

    res = await post(showBody({ locales: ["fr"], defaultLocale: "fr" })); // ar and en localizations given
    expect(res.body.error.code).toBe("locale_not_enabled");

    res = await post(showBody({ locales: ["fr", "en"], defaultLocale: "fr", localizations: { fr: { title: "Voix" } } }));
    expect(res.body.error).toMatchObject({ code: "localization_missing" });

    res = await post(showBody({ locales: [] }));
    expect(res.body.error.code).toBe("validation_failed");

    for (const [category, subcategory] of [["Podcasts", null], ["News", "Documentary"], ["news", "Politics"]]) {
      res = await post(showBody({ category, subcategory }));
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("category_invalid");
    }
    res = await post(showBody({ category: "News", subcategory: "Politics" }));
    expect(res.status).toBe(201);
    res = await post(showBody({ category: "Government", subcategory: null }));
    expect(res.status).toBe(201);
  });

  it("answers 404 for unknown shows", async () => {
    for (const request of [
      api().get("/api/v1/shows/nope"),
      api().patch("/api/v1/shows/nope").send({ explicit: true }),
      api().delete("/api/v1/shows/nope"),
      api().get("/api/v1/shows/nope/episodes"),
    ]) {
      const res = await request.set("Authorization", producer);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("show_not_found");
    }
  });
});

describe("update", () => {
  it("changes fields, adds a language (with its own guid) and removes one", async () => {
    const show = await createShow({ locales: ["ar", "fr"], localizations: { ar: { title: "صدى" }, fr: { title: "Écho" } } });
    let res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ locales: ["ar", "fr", "en"] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "localization_missing" });

    res = await api()
      .patch(`/api/v1/shows/${show.id}`)
      .set("Authorization", producer)
      .send({ locales: ["ar", "fr", "en"], localizations: { en: { title: "Echo", author: "Sada" }, fr: { description: "Nouvelle description" } }, explicit: true, type: "serial" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ locales: ["ar", "fr", "en"], explicit: true, type: "serial" });
    expect(res.body.localizations.en).toMatchObject({ title: "Echo", author: "Sada", podcastGuid: feedGuid(show.slug, "en") });
    expect(res.body.localizations.fr).toMatchObject({ title: "Écho", description: "Nouvelle description", podcastGuid: show.localizations.fr.podcastGuid });

    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ localizations: { de: { title: "Echo" } } });
    expect(res.body.error.code).toBe("validation_failed");

    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ locales: ["fr", "en"] });
    expect(res.body.error.code).toBe("locale_not_enabled"); // ar is still the default
    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ locales: ["fr", "en"], defaultLocale: "fr" });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.localizations)).toEqual(["fr", "en"]);
    expect(await env.ctx.db.prisma.show.findUniqueOrThrow({ where: { id: show.id } })).toMatchObject({ podcastGuid: show.localizations.fr.podcastGuid });

    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ localizations: { ar: { title: "صدى" } } });
    expect(res.body.error.code).toBe("locale_not_enabled");

    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ category: "News" });
    expect(res.body).toMatchObject({ category: "News", subcategory: null }); // the old subcategory belonged to the old category
  });

  it("keeps a language with episodes enabled (409 locale_in_use)", async () => {
    const show = await createShow();
    await env.ctx.db.prisma.episode.create({ data: { showId: show.id, slug: "one", variants: { create: { locale: "en", guid: crypto.randomUUID(), title: "One" } } } });
    const res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ locales: ["ar", "fr"] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "locale_in_use" });
  });

  it("lets the slug change (guids follow) until something is published, then refuses with 409 slug_locked", async () => {
    const show = await createShow();
    const renamed = `${show.slug}-x`;
    let res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ slug: renamed });
    expect(res.status).toBe(200);
    expect(res.body.slug).toBe(renamed);
    expect(res.body.localizations.en.podcastGuid).toBe(feedGuid(renamed, "en"));

    const other = await createShow();
    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ slug: other.slug });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("slug_taken");

    await publishSomething(show.id);
    res = await api().get(`/api/v1/shows/${show.id}`).set("Authorization", producer);
    expect(res.body.slugEditable).toBe(false);
    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ slug: `${renamed}-y` });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("slug_locked");
    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ slug: renamed, copyright: "CC BY 4.0" });
    expect(res.status).toBe(200); // the same slug is no change
  });
});

describe("artwork", () => {
  it("stores a square PNG sent as the raw body, then replaces it with a multipart JPEG and removes the old files", async () => {
    const show = await createShow();
    let res = await api()
      .put(`/api/v1/shows/${show.id}/artwork`)
      .set("Authorization", producer)
      .set("Content-Type", "image/png")
      .send(await fsp.readFile(await image("cover.png", 1400, 1400)));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ width: 1400, height: 1400 });
    expect(res.body.artwork.original).toMatch(new RegExp(`^http://sada\\.test/files/shows/${show.id}/[\\w-]+/artwork-original\\.jpg$`));
    const first = (await storedKeys(env)).filter((k) => k.startsWith(`shows/${show.id}/artwork/`));
    expect(first).toHaveLength(3);

    res = await api()
      .put(`/api/v1/shows/${show.id}/artwork`)
      .set("Authorization", producer)
      .attach("file", await image("cover2.jpg", 1600, 1600, "jpeg"));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.width).toBe(1600);
    const second = (await storedKeys(env)).filter((k) => k.startsWith(`shows/${show.id}/artwork/`));
    expect(second).toHaveLength(3);
    expect(second.some((k) => first.includes(k))).toBe(false);
    const fetched = await api().get(`/api/v1/shows/${show.id}`).set("Authorization", producer);
    expect(fetched.body.artwork).toEqual(res.body.artwork);
    expect(await tempFiles(env)).toEqual([]);
  });

  it("refuses non-square, too small and non-image files with 422, keeping the current artwork", async () => {
    const show = await createShow();
    const put = (file: string) => api().put(`/api/v1/shows/${show.id}/artwork`).set("Authorization", producer).attach("file", file);
    let res = await put(await image("wide.png", 1600, 1400));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "artwork_not_square" });
    res = await put(await image("small.png", 1000, 1000));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "artwork_too_small" });
    const text = path.join(images, "notes.png");
    await fsp.writeFile(text, "not an image at all");
    res = await put(text);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("artwork_unsupported_format");
    res = await api().put(`/api/v1/shows/${show.id}/artwork`).set("Authorization", producer).set("Content-Type", "text/plain").send("hello");
    expect(res.status).toBe(415);
    expect((await storedKeys(env)).filter((k) => k.startsWith(`shows/${show.id}/`))).toEqual([]);
    expect(await tempFiles(env)).toEqual([]);
    res = await api().put("/api/v1/shows/nope/artwork").set("Authorization", producer).attach("file", await image("ok.png", 1400, 1400));
    expect(res.status).toBe(404);
  });
});

describe("delete", () => {
  it("deletes the show, its episodes and every stored file under it", async () => {
    const show = await createShow();
    await api()
      .put(`/api/v1/shows/${show.id}/artwork`)
      .set("Authorization", producer)
      .attach("file", await image("del.png", 1400, 1400))
      .expect(200);
    const episode = await publishSomething(show.id);
    const variant = await env.ctx.db.prisma.episodeVariant.findFirstOrThrow({ where: { episodeId: episode.id } });
    await env.ctx.storage.put(`shows/${show.id}/episodes/${episode.id}/ar/transcript-x.vtt`, "WEBVTT\n", { contentType: "text/vtt" });
    await env.ctx.storage.put(`uploads/${variant.id}/pending`, "bytes", { contentType: "application/octet-stream" });
    const other = await createShow();
    await env.ctx.storage.put(`shows/${other.id}/keep.txt`, "x", { contentType: "application/octet-stream" });

    await api().delete(`/api/v1/shows/${show.id}`).set("Authorization", producer).expect(204);
    await api().get(`/api/v1/shows/${show.id}`).set("Authorization", producer).expect(404);
    const keys = await storedKeys(env);
    expect(keys.filter((k) => k.startsWith(`shows/${show.id}/`) || k.startsWith(`uploads/${variant.id}/`))).toEqual([]);
    expect(keys).toContain(`shows/${other.id}/keep.txt`);
    expect(await env.ctx.db.prisma.episode.count({ where: { showId: show.id } })).toBe(0);
  });
});

describe("access", () => {
  it("lets analysts read but not change; 401 without credentials; 403 for a cookie session without CSRF token", async () => {
    const show = await createShow();
    await api().get("/api/v1/shows").set("Authorization", analyst).expect(200);
    await api().get(`/api/v1/shows/${show.id}`).set("Authorization", analyst).expect(200);
    for (const request of [
      api().post("/api/v1/shows").send(showBody()),
      api().patch(`/api/v1/shows/${show.id}`).send({ explicit: true }),
      api().delete(`/api/v1/shows/${show.id}`),
      api().put(`/api/v1/shows/${show.id}/artwork`).set("Content-Type", "image/png").send(Buffer.alloc(10)),
    ]) {
      const res = await request.set("Authorization", analyst);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    const anonymous = await api().get("/api/v1/shows");
    expect(anonymous.status).toBe(401);

    const { agent } = await env.loginAs("producer");
    await agent.post("/api/v1/shows").send(showBody()).expect(201); // with the CSRF header loginAs sets
    const noCsrf = await agent.post("/api/v1/shows").set("X-CSRF-Token", "").send(showBody());
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe("csrf_invalid");
  });
});
