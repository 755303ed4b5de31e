import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type supertest from "supertest";
import { createTestEnv, testVariant, type TestEnv } from "../support/app.ts";
import { seedEpisode, seedShow } from "../feeds/seed.ts";
import { chaptersPath, showArtworkPath, transcriptPath } from "../../server/http/public-urls.ts";

// Public files (transcripts, chapters, artwork): HEAD, byte ranges, revalidation, CORS — the
// delivery helper (server/http/send-stored.ts) that tracked audio delivery reuses.

const VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nمرحبا — bonjour — hello\n";

const binary = (res: supertest.Response, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => done(null, Buffer.concat(chunks)));
};

describe("public files", () => {
  let env: TestEnv;
  let transcriptUrl: string;
  let chaptersUrl: string;
  let artworkUrl: string;
  let hiddenTranscriptUrl: string;
  const vtt = Buffer.from(VTT, "utf8");

  beforeAll(async () => {
    env = await createTestEnv();
    const show = await seedShow(env.ctx, { slug: "files", locales: ["ar", "fr"] });
    const { variants } = await seedEpisode(env.ctx, show, {
      variants: [
        { locale: "ar", transcript: VTT, chapters: { version: "1.2.0", chapters: [{ startTime: 0, title: "مقدمة" }] } },
        { locale: "fr", transcript: VTT, status: "scheduled", publishAt: new Date("2099-01-01T00:00:00Z") },
      ],
    });
    const [ar, fr] = variants;
    transcriptUrl = transcriptPath(ar.id, ar.transcriptKey!);
    chaptersUrl = chaptersPath(ar.id, ar.chaptersKey!);
    hiddenTranscriptUrl = transcriptPath(fr.id, fr.transcriptKey!);
    artworkUrl = showArtworkPath(show.id, "300", show.artworkKey!);
  });
  afterAll(() => env?.close());

  it("serves a transcript whole, with validators, long caching and CORS", async () => {
    const res = await env.request().get(transcriptUrl).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/vtt; charset=utf-8");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-expose-headers"]).toMatch(/Content-Range/);
    expect(res.headers["accept-ranges"]).toBe("bytes");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers.etag).toMatch(/^"[^"]+"$/);
    expect(res.headers["last-modified"]).toBeDefined();
    expect(Number(res.headers["content-length"])).toBe(vtt.length);
    expect((res.body as Buffer).equals(vtt)).toBe(true);

    const head = await env.request().head(transcriptUrl);
    expect(head.status).toBe(200);
    expect(Number(head.headers["content-length"])).toBe(vtt.length);
    expect(head.headers.etag).toBe(res.headers.etag);

    expect((await env.request().get(transcriptUrl).set("If-None-Match", res.headers.etag)).status).toBe(304);
    expect((await env.request().get(transcriptUrl).set("If-Modified-Since", res.headers["last-modified"])).status).toBe(304);
  });

  it("answers byte ranges with 206, unsatisfiable ones with 416, and ignores what it cannot honour", async () => {
    const range = async (header: string, extra: Record<string, string> = {}) => env.request().get(transcriptUrl).set("Range", header).set(extra).buffer(true).parse(binary);
    const size = vtt.length;

    const first = await range("bytes=0-9");
    expect(first.status).toBe(206);
    expect(first.headers["content-range"]).toBe(`bytes 0-9/${size}`);
    expect(first.headers["content-length"]).toBe("10");
    expect((first.body as Buffer).equals(vtt.subarray(0, 10))).toBe(true);

    const tail = await range("bytes=-5");
    expect(tail.status).toBe(206);
    expect(tail.headers["content-range"]).toBe(`bytes ${size - 5}-${size - 1}/${size}`);
    expect((tail.body as Buffer).equals(vtt.subarray(size - 5))).toBe(true);

    const open = await range("bytes=20-");
    expect(open.status).toBe(206);
    expect((open.body as Buffer).equals(vtt.subarray(20))).toBe(true);

    const beyond = await range(`bytes=0-${size + 100}`);
    expect(beyond.status).toBe(206);
    expect(beyond.headers["content-range"]).toBe(`bytes 0-${size - 1}/${size}`);

    const unsatisfiable = await range(`bytes=${size}-`);
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers["content-range"]).toBe(`bytes */${size}`);

    // A backwards range can never be satisfied (as express.static answers it too).
    expect((await range("bytes=5-2")).status).toBe(416);

    for (const ignored of ["bytes=abc", "items=0-1", "bytes=0-1,5-6", "bytes=-"]) {
      const res = await range(ignored);
      expect(res.status, ignored).toBe(200);
      expect((res.body as Buffer).equals(vtt), ignored).toBe(true);
    }

    // If-Range: the range applies only while the file is unchanged.
    const etag = first.headers.etag;
    expect((await range("bytes=0-9", { "If-Range": etag })).status).toBe(206);
    expect((await range("bytes=0-9", { "If-Range": '"something-else"' })).status).toBe(200);
    expect((await range("bytes=0-9", { "If-Range": `W/${etag}` })).status).toBe(200); // weak tags never match
    expect((await range("bytes=0-9", { "If-Range": first.headers["last-modified"] })).status).toBe(206);
    expect((await range("bytes=0-9", { "If-Range": "Thu, 01 Jan 2015 00:00:00 GMT" })).status).toBe(200);

    const headRange = await env.request().head(transcriptUrl).set("Range", "bytes=2-5");
    expect(headRange.status).toBe(206);
    expect(headRange.headers["content-length"]).toBe("4");
  });

  it("answers CORS preflights for ranged requests", async () => {
    const res = await env.request().options(transcriptUrl).set("Origin", "https://player.example").set("Access-Control-Request-Method", "GET").set("Access-Control-Request-Headers", "range");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-headers"]).toMatch(/Range/);
    expect(res.headers["access-control-allow-methods"]).toMatch(/GET/);
  });

  it("serves chapters as JSON and artwork as JPEG", async () => {
    const chapters = await env.request().get(chaptersUrl);
    expect(chapters.status).toBe(200);
    expect(chapters.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(chapters.headers["access-control-allow-origin"]).toBe("*");
    expect(chapters.body.chapters[0].title).toBe("مقدمة");

    const artwork = await env.request().get(artworkUrl).buffer(true).parse(binary);
    if (testVariant().storage === "s3") {
      // A bucket hands images out itself (presigned), Sada only points there.
      expect(artwork.status).toBe(302);
      expect(artwork.headers.location).toMatch(/^http/);
    } else {
      expect(artwork.status).toBe(200);
      expect(artwork.headers["content-type"]).toBe("image/jpeg");
      expect((artwork.body as Buffer).subarray(0, 2).toString("hex")).toBe("ffd8");
    }
  });

  it("keeps old addresses working but briefly cached, and hides what is not public", async () => {
    const stale = transcriptUrl.replace(/\/[\w-]+\/transcript\.vtt$/, "/oldtoken00/transcript.vtt");
    const res = await env.request().get(stale);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=300");

    for (const path of [
      hiddenTranscriptUrl, // scheduled for later
      "/files/variants/00000000-0000-0000-0000-000000000000/x/transcript.vtt",
      transcriptUrl.replace("transcript.vtt", "secret.txt"),
      chaptersUrl.replace(/\/files\/variants\/[^/]+/, "/files/variants/nope"),
      artworkUrl.replace("artwork-300.jpg", "artwork-9000.jpg"),
      "/files/uploads/anything",
    ]) {
      const missing = await env.request().get(path);
      expect(missing.status, path).toBe(404);
      expect(missing.headers["access-control-allow-origin"], path).toBe("*");
      expect(missing.body.error?.code ?? "route_not_found", path).toMatch(/^(file_not_found|route_not_found)$/);
    }
  });
});
