import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { processArtwork } from "../../server/media/artwork.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { rejection } from "../support/inspect.ts";

let env: TestEnv;
let dir: string;

beforeAll(async () => {
  env = await createTestEnv();
  dir = await fsp.mkdtemp(path.join(env.config.dataDir, "images-"));
});
afterAll(async () => {
  await env?.close();
});

async function image(name: string, width: number, height: number, format: "png" | "jpeg" | "gif" | "webp", options: { alpha?: boolean } = {}) {
  const file = path.join(dir, name);
  const background = options.alpha ? { r: 200, g: 30, b: 60, alpha: 0.5 } : "#1e824c";
  await sharp({ create: { width, height, channels: options.alpha ? 4 : 3, background } })
    [format]()
    .toFile(file);
  return file;
}

async function storedImage(key: string) {
  const chunks: Buffer[] = [];
  for await (const chunk of (await env.ctx.storage.get(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return sharp(Buffer.concat(chunks)).metadata();
}

describe("artwork", () => {
  it("stores a square PNG as progressive sRGB JPEGs: original size, 1400 and 300 px", async () => {
    const source = await image("cover.png", 2000, 2000, "png", { alpha: true });
    const stored = await processArtwork(env.ctx.storage, { target: { showId: "show-1" }, version: 3, sourcePath: source });
    expect(stored).toEqual({
      prefix: "shows/show-1/artwork/v3",
      keys: { original: "shows/show-1/artwork/v3/original.jpg", 1400: "shows/show-1/artwork/v3/1400.jpg", 300: "shows/show-1/artwork/v3/300.jpg" },
      width: 2000,
      height: 2000,
    });
    for (const [key, size] of [[stored.keys.original, 2000], [stored.keys[1400], 1400], [stored.keys[300], 300]] as const) {
      const meta = await storedImage(key);
      expect(meta).toMatchObject({ format: "jpeg", width: size, height: size, space: "srgb", isProgressive: true, hasAlpha: false });
    }
    await fsp.access(source); // the caller's file is left alone
  });

  it("an episode image goes under its variant's folder", async () => {
    const source = await image("episode.jpg", 1400, 1400, "jpeg");
    const stored = await processArtwork(env.ctx.storage, { target: { showId: "s", episodeId: "e", locale: "ar" }, version: 1, sourcePath: source });
    expect(stored.prefix).toBe("shows/s/episodes/e/ar/artwork/v1");
    expect((await storedImage(stored.keys[300])).width).toBe(300);
  });

  it.each([
    ["not square", "wide.png", 2000, 1800, "png", "artwork_not_square", { width: 2000, height: 1800 }],
    ["too small", "small.jpg", 1000, 1000, "jpeg", "artwork_too_small", { width: 1000, height: 1000, min: 1400 }],
    ["too large", "huge.png", 3200, 3200, "png", "artwork_too_large", { width: 3200, height: 3200, max: 3000 }],
    ["a GIF", "anim.gif", 1400, 1400, "gif", "artwork_unsupported_format", {}],
    ["a WebP", "cover.webp", 1400, 1400, "webp", "artwork_unsupported_format", {}],
  ] as const)("%s → 422 %s with its dimensions, nothing stored", async (_label, name, width, height, format, code, params) => {
    const source = await image(name, width, height, format);
    const err = await rejection(processArtwork(env.ctx.storage, { target: { showId: "rejected" }, version: 1, sourcePath: source }));
    expect(err).toMatchObject({ code, status: 422, params: expect.objectContaining(params) });
    expect(await env.ctx.storage.head("shows/rejected/artwork/v1/original.jpg")).toBeNull();
  });

  it("a text file → 422 artwork_unsupported_format; a damaged JPEG → 422 artwork_corrupt, nothing stored", async () => {
    const textFile = path.join(dir, "cover.jpg.txt");
    await fsp.writeFile(textFile, "hello");
    expect(await rejection(processArtwork(env.ctx.storage, { target: { showId: "bad" }, version: 1, sourcePath: textFile }))).toMatchObject({
      code: "artwork_unsupported_format",
      status: 422,
    });
    const whole = await fsp.readFile(await image("whole.jpg", 1500, 1500, "jpeg"));
    const cut = path.join(dir, "cut.jpg");
    await fsp.writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await rejection(processArtwork(env.ctx.storage, { target: { showId: "bad" }, version: 2, sourcePath: cut }))).toMatchObject({
      code: "artwork_corrupt",
      status: 422,
    });
    for (const size of ["original", "1400", "300"]) expect(await env.ctx.storage.head(`shows/bad/artwork/v2/${size}.jpg`)).toBeNull();
  });

  it("applies the EXIF orientation before checking and resizing", async () => {
    // 1400×1500 pixels stored, orientation 6 (rotate 90°): displayed 1500×1400 → not square, reported as displayed.
    const file = path.join(dir, "rotated.jpg");
    await sharp({ create: { width: 1400, height: 1500, channels: 3, background: "#000" } }).jpeg().withMetadata({ orientation: 6 }).toFile(file);
    const err = await rejection(processArtwork(env.ctx.storage, { target: { showId: "rot" }, version: 1, sourcePath: file }));
    expect(err.params).toMatchObject({ width: 1500, height: 1400 });
  });
});
