import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config.ts";

describe("config", () => {
  it("defaults to SQLite and local disk under ./data", () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.database).toEqual({ provider: "sqlite", url: `file:${path.resolve("data/sada.db")}` });
    expect(config.storage).toMatchObject({ driver: "local", root: path.resolve("data/media") });
    expect(config.http.publicBaseUrl).toBe("http://localhost:3000");
    expect(config.media.maxUploadBytes).toBe(2 * 1024 ** 3);
  });

  it("switches to PostgreSQL and S3 from the environment", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://sada@db:5432/sada",
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: "https://s3.example.org",
      S3_BUCKET: "media",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: "true",
      MEDIA_PUBLIC_BASE_URL: "https://cdn.example.org/",
      PUBLIC_BASE_URL: "https://podcasts.example.org/",
    });
    expect(config.database.provider).toBe("postgresql");
    expect(config.storage).toMatchObject({ driver: "s3", bucket: "media", forcePathStyle: true, publicBaseUrl: "https://cdn.example.org" });
    expect(config.http.publicBaseUrl).toBe("https://podcasts.example.org");
  });

  it("names the variable and the problem when a value is invalid", () => {
    const attempt = () => loadConfig({ PORT: "eighty", STORAGE_DRIVER: "s3", DATABASE_URL: "mysql://x" });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain('PORT="eighty"');
      expect(message).toContain("DATABASE_URL");
      expect(message).toContain("S3_BUCKET: is required when STORAGE_DRIVER=s3");
    }
  });

  it("rejects a short ADMIN_PASSWORD rather than accepting a weak first admin", () => {
    expect(() => loadConfig({ ADMIN_EMAIL: "a@example.org", ADMIN_PASSWORD: "short" })).toThrow(/ADMIN_PASSWORD/);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "" }).http.port).toBe(3000);
  });
});
