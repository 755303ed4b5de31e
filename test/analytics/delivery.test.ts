import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedEpisode } from "../feeds/seed.ts";
import { mediaPath } from "../../server/http/public-urls.ts";
import { createMediaEnv, downloads, isLocal, listen, type MediaEnv } from "./media-fixture.ts";

// Tracked audio delivery at /media/<variantId>/<kind>.<ext>: what listeners' apps receive —
// byte ranges per RFC 9110 when Sada streams the file, a redirect to the bucket/CDN otherwise —
// and the 404s for anything that is not live audio (never counted).

describe("tracked delivery", () => {
  let m: MediaEnv;
  const hidden: Record<string, string> = {};

  beforeAll(async () => {
    m = await createMediaEnv();
    const { variants } = await seedEpisode(m.env.ctx, m.show, {
      variants: [
        { locale: "fr", status: "unpublished", publishedAt: null },
        { locale: "en", status: "scheduled", publishAt: new Date("2099-01-01T00:00:00Z") },
      ],
    });
    const [unpublished, scheduled] = variants;
    const draft = (await seedEpisode(m.env.ctx, m.show, { variants: [{ locale: "ar", status: "draft", publishedAt: null }] })).variants[0]!;
    const silent = (await seedEpisode(m.env.ctx, m.show, { variants: [{ locale: "ar", bytes: 0 }] })).variants[0]!;
    const main = m.live.renditions.find((r) => r.kind === "main")!;
    hidden.unpublished = mediaPath(unpublished!.id, unpublished!.renditions[0]!);
    hidden.scheduled = mediaPath(scheduled!.id, scheduled!.renditions[0]!);
    hidden.draft = mediaPath(draft.id, draft.renditions[0]!);
    hidden.noAudio = `/media/${silent.id}/main.mp3`;
    hidden.unknownVariant = "/media/00000000-0000-4000-8000-000000000000/main.mp3";
    hidden.unknownKind = `/media/${m.live.id}/video.mp3`;
    hidden.wrongExtension = `/media/${m.live.id}/main.m4a`;
    hidden.otherStorageFile = `/media/${m.live.id}/${main.storageKey.split("/").pop()}x`;
    hidden.junk = `/media/${"x".repeat(300)}/main.mp3`;
  });
  afterAll(() => m?.env.close());

  it("answers 404 media_not_found for anything but live audio, and counts nothing", async () => {
    for (const [name, url] of Object.entries(hidden)) {
      for (const method of ["GET", "HEAD"] as const) {
        const res = await listen(m, { url, method });
        expect(res.status, `${method} ${name}`).toBe(404);
        if (method === "GET") expect(JSON.parse(res.body.toString()).error.code, name).toBe("media_not_found");
      }
    }
    expect(await downloads(m)).toHaveLength(0);
  });

  it("answers 404 to media URLs of another shape, 400 malformed_url to broken percent-encoding, and counts nothing", async () => {
    const main = m.live.renditions.find((r) => r.kind === "main")!;
    const good = mediaPath(m.live.id, main);
    for (const url of [`${good}/extra`, `/media/${m.live.id}/`, `/media/${m.live.id}`, "/media/", "/media//main.mp3"]) {
      for (const method of ["GET", "HEAD"] as const) {
        const res = await listen(m, { url, method });
        expect(res.status, `${method} ${url}`).toBe(404);
      }
    }
    for (const url of [`/media/${m.live.id}/main%E0%A4%A.mp3`, "/media/%ZZ/main.mp3"]) {
      const res = await listen(m, { url, headers: { "Accept-Language": "fr" } });
      expect(res.status, url).toBe(400);
      expect(JSON.parse(res.body.toString()).error).toMatchObject({ code: "malformed_url", message: expect.stringContaining("mal formé") });
    }
    // The same URL with an encoded character is the same media (as with any Express route parameter).
    const encoded = await listen(m, { url: good.replace(/\.(\w+)$/, "%2E$1"), method: "HEAD" });
    expect(encoded.status).toBeLessThan(400);
    expect(await downloads(m)).toHaveLength(0);
  });

  it("translates the 404 message", async () => {
    const res = await listen(m, { url: hidden.unknownVariant, headers: { "Accept-Language": "ar" } });
    expect(JSON.parse(res.body.toString()).error.message).toBe("هذا الملف الصوتي غير موجود أو غير منشور.");
  });

  it.runIf(isLocal)("streams the whole file with validators, media caching and CORS", async () => {
    const res = await listen(m);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("audio/mpeg");
    expect(res.headers["accept-ranges"]).toBe("bytes");
    expect(res.headers["content-length"]).toBe(String(m.size));
    expect(res.headers.etag).toMatch(/^"[^"]+"$/);
    expect(res.headers["last-modified"]).toBeDefined();
    // Shared caches must not answer for Sada, or downloads would go uncounted.
    expect(res.headers["cache-control"]).toBe("private, max-age=300");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect((res.body as Buffer).equals(m.audio)).toBe(true);

    const low = await listen(m, { url: m.lowDataUrl });
    expect(low.status).toBe(200);
    expect(low.headers["content-type"]).toBe("audio/mp4");

    const revalidated = await listen(m, { headers: { "If-None-Match": res.headers.etag } });
    expect(revalidated.status).toBe(304);

    const head = await listen(m, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe(String(m.size));
  });

  it.runIf(isLocal)("answers byte ranges as RFC 9110 and the counting method say", async () => {
    const { size, audio } = m;
    const expectPart = async (range: string, start: number, end: number) => {
      const res = await listen(m, { range });
      expect(res.status, range).toBe(206);
      expect(res.headers["content-range"], range).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers["content-length"], range).toBe(String(end - start + 1));
      expect((res.body as Buffer).equals(audio.subarray(start, end + 1)), range).toBe(true);
    };
    const expectWhole = async (range: string, headers: Record<string, string> = {}) => {
      const res = await listen(m, { range, headers });
      expect(res.status, range).toBe(200);
      expect(res.headers["content-range"], range).toBeUndefined();
      expect((res.body as Buffer).equals(audio), range).toBe(true);
    };
    await expectPart("bytes=0-99", 0, 99);
    await expectPart("bytes=-100", size - 100, size - 1);
    await expectPart("bytes=150000-", 150000, size - 1);
    await expectPart(`bytes=1000-${size + 5000}`, 1000, size - 1);
    await expectPart("bytes=0-99,100-199", 0, 199); // adjacent ranges merge into one
    await expectPart("bytes=0-99,50-149", 0, 149); // so do overlapping ones
    await expectPart(`bytes=${size + 10}-,10-19`, 10, 19); // an unsatisfiable part is dropped

    // Malformed, another unit, backwards, several disjoint ranges: ignored, whole file.
    for (const range of ["bytes=abc", "items=0-1", "bytes=500-100", "bytes=-", "bytes=", "bytes 0-100", "bytes=0-9,1000-1009", `bytes=${"1-2,".repeat(100)}`]) await expectWhole(range);

    for (const range of [`bytes=${size}-`, `bytes=${size + 1}-${size + 100}`, "bytes=-0", "bytes=99999999999999999999999-"]) {
      const res = await listen(m, { range });
      expect(res.status, range).toBe(416);
      expect(res.headers["content-range"], range).toBe(`bytes */${size}`);
    }

    // If-Range: a stale validator means the client's partial copy is outdated: the whole file.
    const etag = (await listen(m, { method: "HEAD" })).headers.etag;
    await expectPart("bytes=0-99", 0, 99);
    expect((await listen(m, { range: "bytes=0-99", headers: { "If-Range": etag } })).status).toBe(206);
    await expectWhole("bytes=0-99", { "If-Range": '"another-version"' });
    await expectWhole("bytes=0-99", { "If-Range": "Thu, 01 Jan 2015 00:00:00 GMT" });

    const head = await listen(m, { method: "HEAD", range: "bytes=10-19" });
    expect(head.status).toBe(206);
    expect(head.headers["content-length"]).toBe("10");
  });

  it.runIf(!isLocal)("redirects to the bucket with a presigned URL that is never cached, and counts the GET", async () => {
    const res = await listen(m);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/X-Amz-Signature=/);
    expect(res.headers["cache-control"]).toBe("private, no-store");
    const head = await listen(m, { method: "HEAD", ip: "203.0.113.99" });
    expect(head.status).toBe(302);
    const probe = await listen(m, { range: "bytes=0-1", ip: "203.0.113.98" });
    expect(probe.status).toBe(302);

    // The redirect leads to the very file.
    const file = await fetch(res.headers.location!);
    expect(Buffer.from(await file.arrayBuffer()).equals(m.audio)).toBe(true);

    const counted = await downloads(m);
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({ variantId: m.live.id, app: "Apple Podcasts", device: "phone", os: "iOS" });
  });
});

describe.runIf(isLocal)("tracked delivery through a CDN in front of local storage", () => {
  let m: MediaEnv;
  beforeAll(async () => {
    m = await createMediaEnv({ env: { MEDIA_PUBLIC_BASE_URL: "https://cdn.example.org/audio" } });
  });
  afterAll(() => m?.env.close());

  it("redirects to the CDN and counts on a non-probe GET", async () => {
    const res = await listen(m);
    expect(res.status).toBe(302);
    const main = m.live.renditions.find((r) => r.kind === "main")!;
    expect(res.headers.location).toBe(`https://cdn.example.org/audio/${main.storageKey}`);
    expect(res.headers["cache-control"]).toBe("private, max-age=300");
    await listen(m, { method: "HEAD", ip: "203.0.113.50" });
    await listen(m, { range: "bytes=0-1", ip: "203.0.113.51" });
    expect(await downloads(m)).toHaveLength(1);
  });
});
