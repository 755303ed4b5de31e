import fsp from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { makeAudio } from "../support/audio-fixtures.ts";
import { showBody, storedKeys, tempFiles } from "../shows/support.ts";

// Upload handling with a small MAX_UPLOAD_BYTES: what is refused (and that nothing is left behind),
// and resumable (tus) uploads from creation to the hand-over to the audio pipeline.

const MAX = 100_000;
let env: TestEnv;
let producer: string;
let otherProducer: string;
let fixtures: string;
let server: http.Server;
let port: number;

beforeAll(async () => {
  env = await createTestEnv({ env: { MAX_UPLOAD_BYTES: String(MAX) } });
  producer = `Bearer ${await env.tokenFor("producer")}`;
  otherProducer = `Bearer ${await env.tokenFor("producer")}`;
  fixtures = await fsp.mkdtemp(path.join(env.config.dataDir, "fixtures-"));
  server = http.createServer(env.app).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await env?.close();
});

const api = () => env.request();

async function newVariant(): Promise<{ showId: string; episodeId: string; variantId: string; showSlug: string }> {
  const show = await api().post("/api/v1/shows").set("Authorization", producer).send(showBody({ locales: ["ar", "fr"], localizations: { ar: { title: "صدى" }, fr: { title: "Écho" } } }));
  const episode = await api().post(`/api/v1/shows/${show.body.id}/episodes`).set("Authorization", producer).send({ variants: { ar: { title: "حلقة" } } });
  expect(episode.status).toBe(201);
  return { showId: show.body.id, episodeId: episode.body.id, variantId: episode.body.variants.ar.id, showSlug: show.body.slug };
}

/** A WAV small enough for the limit (0.5 s mono, ~44 KB). */
async function smallWav(name: string): Promise<Buffer> {
  return fsp.readFile(await makeAudio(fixtures, name, "wav", { seconds: 0.5, channels: 1, content: "music" }));
}

/** Sends a body in chunks without Content-Length (chunked transfer encoding), as a streaming client would. */
function chunkedUpload(urlPath: string, chunks: number, chunkBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: urlPath, method: "PUT", headers: { Authorization: producer, "Content-Type": "audio/wav" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    // The server answers and closes mid-stream: a write error on our side is expected, not a failure.
    req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
    let sent = 0;
    const next = () => {
      if (sent === chunks) return req.end();
      sent++;
      if (req.write(Buffer.alloc(chunkBytes, sent))) setImmediate(next);
      else req.once("drain", next);
    };
    next();
  });
}

async function noTempFilesSoon(): Promise<void> {
  // The temporary file is removed when the request's streams have closed, a moment after the answer.
  for (let i = 0; i < 50 && (await tempFiles(env)).length; i++) await new Promise((r) => setTimeout(r, 20));
  expect(await tempFiles(env)).toEqual([]);
}

describe("direct uploads: refused input", () => {
  it("answers 415 unsupported_media for a text file named .mp3, leaving the variant as it was", async () => {
    const { episodeId, variantId } = await newVariant();
    const url = `/api/v1/episodes/${episodeId}/variants/ar/audio`;
    let res = await api().put(url).set("Authorization", producer).attach("file", Buffer.from("These are my notes, not a recording.\n".repeat(20)), { filename: "episode.mp3", contentType: "audio/mpeg" });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_media");
    res = await api().put(url).set("Authorization", producer).set("Content-Type", "audio/mpeg").send(Buffer.from("plain text pretending to be MP3"));
    expect(res.status).toBe(415);
    res = await api().put(url).set("Authorization", producer).set("Content-Type", "text/plain").send("hello");
    expect(res.status).toBe(415);
    res = await api().put(url).set("Authorization", producer).send({ audio: "json is not audio" });
    expect(res.status).toBe(415);
    const variant = await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variantId } });
    expect(variant).toMatchObject({ audioStatus: "none", audioVersion: 0 });
    expect(await env.ctx.db.prisma.job.count()).toBe(0);
    expect((await storedKeys(env)).filter((k) => k.startsWith("uploads/"))).toEqual([]);
    await noTempFilesSoon();
  });

  it("answers 413 payload_too_large over MAX_UPLOAD_BYTES (declared, streamed or in a form) and keeps no temporary file", async () => {
    const { episodeId } = await newVariant();
    const url = `/api/v1/episodes/${episodeId}/variants/ar/audio`;
    let res = await api().put(url).set("Authorization", producer).set("Content-Type", "audio/wav").send(Buffer.alloc(MAX + 1));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: "payload_too_large", message: "The request body is too large (limit: 97.7 KiB)." });
    await noTempFilesSoon();

    const streamed = await chunkedUpload(url, 40, 8192); // 320 KiB, no Content-Length
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error.code).toBe("payload_too_large");
    await noTempFilesSoon();

    res = await api().put(url).set("Authorization", producer).attach("file", Buffer.alloc(MAX + 10, 1), { filename: "big.wav", contentType: "audio/wav" });
    expect(res.status).toBe(413);
    await noTempFilesSoon();

    // Exactly at the limit is fine as far as size goes (the bytes are then refused for not being audio).
    const atLimit = await chunkedUpload(url, 1, MAX);
    expect(atLimit.status).toBe(415);
    await noTempFilesSoon();
  });

  it("lets a client still sending a small body finish before answering a refusal, so it reads the answer", async () => {
    // Refused from the headers alone (unknown episode → 404) while the body is still on its way, on
    // a `Connection: close` request: answering at once would close the connection under the client.
    const sendErrors: string[] = [];
    const events: string[] = [];
    const answer = await new Promise<{ status: number; body: string }>((resolve) => {
      const req = http.request({
        host: "127.0.0.1",
        port,
        path: "/api/v1/episodes/nope/variants/ar/audio",
        method: "PUT",
        headers: { Authorization: producer, "Content-Type": "audio/wav", "Content-Length": "20000", Connection: "close" },
      });
      req.on("error", (err: NodeJS.ErrnoException) => sendErrors.push(err.code ?? err.message));
      const response = new Promise<{ status: number; body: string }>((done) =>
        req.on("response", (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (d: string) => (body += d));
          res.on("end", () => done({ status: res.statusCode!, body }));
          events.push("answer");
        }),
      );
      req.flushHeaders();
      req.write(Buffer.alloc(10_000, 1));
      // The rest slowly, in pieces (a single late write can succeed even on a closed connection).
      for (let piece = 1; piece <= 10; piece++)
        setTimeout(() => {
          if (piece < 10) req.write(Buffer.alloc(1000, piece));
          else req.end(Buffer.alloc(1000, piece), () => events.push("body sent"));
        }, 100 + piece * 40);
      // Both: the answer read, and the rest of the body sent (or failed to send) a little later.
      void Promise.all([response, new Promise((sent) => setTimeout(sent, 800))]).then(([got]) => resolve(got));
    });
    expect(sendErrors).toEqual([]);
    expect(events).toEqual(["body sent", "answer"]);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error.code).toBe("episode_not_found");
  });

  it("leaves nothing behind when the client breaks off midway (raw and multipart)", async () => {
    const { episodeId, variantId } = await newVariant();
    for (const multipart of [false, true]) {
      await new Promise<void>((resolve) => {
        const boundary = "sada-boundary";
        const req = http.request({
          host: "127.0.0.1",
          port,
          path: `/api/v1/episodes/${episodeId}/variants/ar/audio`,
          method: "PUT",
          headers: { Authorization: producer, "Content-Type": multipart ? `multipart/form-data; boundary=${boundary}` : "audio/wav", "Content-Length": "90000" },
        });
        req.on("error", () => resolve());
        req.on("close", () => resolve());
        if (multipart) req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
        req.write(Buffer.alloc(30_000, 7), () => setTimeout(() => req.destroy(), 100));
      });
      await noTempFilesSoon();
    }
    expect(await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variantId } })).toMatchObject({ audioStatus: "none", audioVersion: 0 });
  });

  it("answers 400 for an empty body and a form without the `file` field", async () => {
    const { episodeId } = await newVariant();
    const url = `/api/v1/episodes/${episodeId}/variants/ar/audio`;
    let res = await api().put(url).set("Authorization", producer).set("Content-Type", "audio/wav").send(Buffer.alloc(0));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("upload_empty");
    res = await api().put(url).set("Authorization", producer).field("title", "x").attach("recording", Buffer.from("x"), "a.wav");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "upload_missing_file", message: "The form has no file in the field “file”." });
    await noTempFilesSoon();
  });

  it("accepts a real recording within the limit (202, queued)", async () => {
    const { episodeId, variantId } = await newVariant();
    const res = await api()
      .put(`/api/v1/episodes/${episodeId}/variants/ar/audio`)
      .set("Authorization", producer)
      .attach("file", await smallWav("direct"), { filename: "حلقة.wav", contentType: "audio/wav" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ variantId, audio: { status: "queued", progress: 0 } });
    expect(await env.ctx.jobs.get(res.body.jobId)).toMatchObject({ status: "queued" });
    await noTempFilesSoon();
  });
});

describe("resumable uploads (tus)", () => {
  const TUS = "/api/v1/uploads/tus";
  const metadata = (fields: Record<string, string>) =>
    Object.entries(fields)
      .map(([k, v]) => `${k} ${Buffer.from(v).toString("base64")}`)
      .join(",");
  const create = (auth: string, length: number, fields: Record<string, string>) =>
    api().post(TUS).set("Authorization", auth).set("Tus-Resumable", "1.0.0").set("Upload-Length", String(length)).set("Upload-Metadata", metadata(fields));
  const patch = (auth: string, location: string, offset: number, bytes: Buffer) =>
    api()
      .patch(location)
      .set("Authorization", auth)
      .set("Tus-Resumable", "1.0.0")
      .set("Upload-Offset", String(offset))
      .set("Content-Type", "application/offset+octet-stream")
      .send(bytes);

  it("receives a recording in pieces, resumes at the server's offset, then hands it to the audio pipeline", async () => {
    const { episodeId, variantId } = await newVariant();
    const wav = await smallWav("resumable");
    const created = await create(producer, wav.length, { episodeId, locale: "ar", filename: "episode.wav", filetype: "audio/wav" });
    expect(created.status, created.text).toBe(201);
    const location = created.headers.location as string;
    expect(location).toMatch(/^\/api\/v1\/uploads\/tus\/[0-9a-f]{32}$/);

    const half = Math.floor(wav.length / 2);
    let res = await patch(producer, location, 0, wav.subarray(0, half));
    expect(res.status).toBe(204);
    expect(res.headers["upload-offset"]).toBe(String(half));
    // Another producer cannot continue (or inspect) this upload.
    expect((await patch(otherProducer, location, half, wav.subarray(half))).status).toBe(403);
    expect((await api().head(location).set("Authorization", otherProducer).set("Tus-Resumable", "1.0.0")).status).toBe(403);
    // A client that lost track asks where to resume.
    res = await api().head(location).set("Authorization", producer).set("Tus-Resumable", "1.0.0");
    expect(res.headers["upload-offset"]).toBe(String(half));
    expect((await patch(producer, location, 10, wav.subarray(10))).status).toBe(409); // wrong offset

    res = await patch(producer, location, half, wav.subarray(half));
    expect(res.status, res.text).toBe(204);
    const jobId = res.headers["sada-job-id"];
    expect(res.headers["sada-variant-id"]).toBe(variantId);
    expect(await env.ctx.jobs.get(jobId)).toMatchObject({ status: "queued" });
    expect(await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variantId } })).toMatchObject({ audioStatus: "queued", audioVersion: 1 });
    expect(await tempFiles(env)).toEqual([]); // the partial file and its bookkeeping are gone
    expect((await api().head(location).set("Authorization", producer).set("Tus-Resumable", "1.0.0")).status).toBe(404);
  });

  it("refuses at creation: unknown episode (404), language not enabled (422), missing metadata (422), too large (413), analysts (403), no credentials (401)", async () => {
    const { episodeId } = await newVariant();
    let res = await create(producer, 1000, { episodeId: "nope", locale: "ar" });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).error.code).toBe("episode_not_found");
    res = await create(producer, 1000, { episodeId, locale: "en" });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text).error.code).toBe("locale_not_enabled");
    res = await create(producer, 1000, { episodeId, locale: "fr" });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).error.code).toBe("variant_not_found");
    res = await create(producer, 1000, { locale: "ar" });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text).error).toMatchObject({ code: "validation_failed", details: [{ path: "metadata.episodeId", code: "required" }] });
    res = await create(producer, MAX + 1, { episodeId, locale: "ar" });
    expect(res.status).toBe(413);
    res = await create(`Bearer ${await env.tokenFor("analyst")}`, 1000, { episodeId, locale: "ar" });
    expect(res.status).toBe(403);
    res = await api().post(TUS).set("Tus-Resumable", "1.0.0").set("Upload-Length", "1000");
    expect(res.status).toBe(401);
    expect(await tempFiles(env)).toEqual([]);
  });

  it("refuses a completed upload that is not audio with 415, keeping nothing", async () => {
    const { episodeId, variantId } = await newVariant();
    const text = Buffer.from("not audio at all\n".repeat(100));
    const created = await create(producer, text.length, { episodeId, locale: "ar", filename: "notes.mp3" });
    const res = await patch(producer, created.headers.location, 0, text);
    expect(res.status).toBe(415);
    expect(JSON.parse(res.text).error.code).toBe("unsupported_media");
    expect(await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variantId } })).toMatchObject({ audioStatus: "none" });
    expect(await tempFiles(env)).toEqual([]);
  });
});
