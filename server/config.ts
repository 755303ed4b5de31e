import path from "node:path";
import { z } from "zod";

// Every environment variable Sada reads, parsed once. An invalid value stops start-up with a
// message naming the variable. README's configuration table mirrors this file.

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const positiveInt = z.coerce.number().int().positive();

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATA_DIR: z.string().min(1).default("./data"),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgres:// (PostgreSQL)")
      .optional(),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    TRUST_PROXY: z.string().default("false"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
    SESSION_TTL_HOURS: positiveInt.default(24 * 14),
    LOGIN_MAX_ATTEMPTS: positiveInt.default(10),
    LOGIN_WINDOW_MINUTES: positiveInt.default(15),

    STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
    MEDIA_DIR: z.string().min(1).optional(),
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().min(1).default("us-east-1"),
    S3_BUCKET: z.string().min(3).optional(),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: bool.default(false),
    S3_PRESIGN_SECONDS: positiveInt.default(3600),
    MEDIA_PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),

    JSON_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, "must look like 100kb or 1mb").default("1mb"),
    MAX_UPLOAD_BYTES: positiveInt.default(2 * 1024 ** 3),
    MAX_AUDIO_SECONDS: positiveInt.default(4 * 3600),
    FFMPEG_PATH: z.string().min(1).optional(),
    FFPROBE_PATH: z.string().min(1).optional(),

    WORKER_ENABLED: bool.default(true),
    WORKER_CONCURRENCY: positiveInt.default(1),
    JOB_LEASE_SECONDS: positiveInt.default(60),
    JOB_MAX_ATTEMPTS: positiveInt.default(3),

    ANALYTICS_FLUSH_MS: positiveInt.default(2000),
    ANALYTICS_BUFFER_MAX: positiveInt.default(50_000),
    ANALYTICS_RAW_RETENTION_DAYS: positiveInt.default(90),

    FEED_RECHECK_MS: z.coerce.number().int().min(0).default(1000),
  });

/**
 * Rules between variables, checked on the raw values so they are reported together with the
 * per-variable problems (a schema refinement would only run once every field is valid).
 */
function dependencyProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.STORAGE_DRIVER === "s3") {
    for (const key of ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]) {
      if (!env[key]) problems.push(`${key}: is required when STORAGE_DRIVER=s3`);
    }
  }
  if (env.ADMIN_PASSWORD && !env.ADMIN_EMAIL) problems.push("ADMIN_EMAIL: is required when ADMIN_PASSWORD is set");
  return problems;
}

export type DatabaseProvider = "sqlite" | "postgresql";

export interface Config {
  env: "development" | "production" | "test";
  http: { port: number; host: string; publicBaseUrl: string; trustProxy: boolean | number | string; jsonBodyLimit: string };
  log: { level: string };
  dataDir: string;
  database: { provider: DatabaseProvider; url: string };
  storage:
    | { driver: "local"; root: string; publicBaseUrl?: string }
    | {
        driver: "s3";
        endpoint?: string;
        region: string;
        bucket: string;
        accessKeyId: string;
        secretAccessKey: string;
        forcePathStyle: boolean;
        presignSeconds: number;
        publicBaseUrl?: string;
      };
  accounts: {
    adminEmail?: string;
    adminPassword?: string;
    sessionTtlHours: number;
    loginMaxAttempts: number;
    loginWindowMinutes: number;
  };
  media: { maxUploadBytes: number; maxAudioSeconds: number; ffmpegPath?: string; ffprobePath?: string };
  worker: { enabled: boolean; concurrency: number; leaseSeconds: number; maxAttempts: number };
  analytics: { flushMs: number; bufferMax: number; rawRetentionDays: number };
  /** recheckMs: how long a cached feed is served before the database is asked whether it changed. */
  feeds: { recheckMs: number };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === "true") return true;
  if (value === "false" || value === "") return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // e.g. "loopback, 10.0.0.0/8"
}

/** For the entry points: the config, or a readable message on stderr and exit code 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\nSee README.md, "Configuration".\n`);
    process.exit(2);
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset" (docker-compose and systemd often pass VAR=).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => {
          const name = issue.path.join(".") || "environment";
          const value = cleaned[name];
          return `${name}${value !== undefined ? `=${JSON.stringify(value)}` : ""}: ${issue.message}`;
        })),
    ...dependencyProblems(cleaned),
  ];
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  const databaseUrl = env.DATABASE_URL ?? `file:${path.join(dataDir, "sada.db")}`;
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
  return {
    env: env.NODE_ENV,
    http: {
      port: env.PORT,
      host: env.HOST,
      publicBaseUrl,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      jsonBodyLimit: env.JSON_BODY_LIMIT,
    },
    log: { level: env.LOG_LEVEL },
    dataDir,
    database: { provider: databaseUrl.startsWith("file:") ? "sqlite" : "postgresql", url: databaseUrl },
    storage:
      env.STORAGE_DRIVER === "s3"
        ? {
            driver: "s3",
            endpoint: env.S3_ENDPOINT,
            region: env.S3_REGION,
            bucket: env.S3_BUCKET!,
            accessKeyId: env.S3_ACCESS_KEY_ID!,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
            presignSeconds: env.S3_PRESIGN_SECONDS,
            publicBaseUrl: env.MEDIA_PUBLIC_BASE_URL?.replace(/\/+$/, ""),
          }
        : {
            driver: "local",
            root: path.resolve(env.MEDIA_DIR ?? path.join(dataDir, "media")),
            publicBaseUrl: env.MEDIA_PUBLIC_BASE_URL?.replace(/\/+$/, ""),
          },
    accounts: {
      adminEmail: env.ADMIN_EMAIL,
      adminPassword: env.ADMIN_PASSWORD,
      sessionTtlHours: env.SESSION_TTL_HOURS,
      loginMaxAttempts: env.LOGIN_MAX_ATTEMPTS,
      loginWindowMinutes: env.LOGIN_WINDOW_MINUTES,
    },
    media: {
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      maxAudioSeconds: env.MAX_AUDIO_SECONDS,
      ffmpegPath: env.FFMPEG_PATH,
      ffprobePath: env.FFPROBE_PATH,
    },
    worker: {
      enabled: env.WORKER_ENABLED,
      concurrency: env.WORKER_CONCURRENCY,
      leaseSeconds: env.JOB_LEASE_SECONDS,
      maxAttempts: env.JOB_MAX_ATTEMPTS,
    },
    analytics: {
      flushMs: env.ANALYTICS_FLUSH_MS,
      bufferMax: env.ANALYTICS_BUFFER_MAX,
      rawRetentionDays: env.ANALYTICS_RAW_RETENTION_DAYS,
    },
    feeds: { recheckMs: env.FEED_RECHECK_MS },
  };
}
