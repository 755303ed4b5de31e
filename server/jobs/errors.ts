import { AppError } from "../errors.ts";
import { t } from "../i18n.ts";

/** A job's failure as recorded on the job (and shown to producers): stable code, readable message. */
export interface JobFailure {
  code: string;
  message: string;
  /** False for failures another attempt cannot fix (bad input); those fail the job at once. */
  retryable: boolean;
}

/** Thrown by handlers that want to choose the code and whether a retry may help. */
export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "JobError";
  }
}

/** The worker lost its lease (it stalled past the lease and another worker took the job over). */
export class LeaseLostError extends Error {
  constructor(readonly jobId: string) {
    super(`lease on job ${jobId} was lost`);
    this.name = "LeaseLostError";
  }
}

/**
 * Client errors (AppError 4xx: unsupported, corrupt or too long input) are permanent; anything else
 * (a crashed encoder, storage or database unavailable) may pass on a later attempt.
 */
export function toJobFailure(err: unknown): JobFailure {
  if (err instanceof JobError) return { code: err.code, message: err.message, retryable: err.retryable };
  if (err instanceof AppError) {
    const detail = typeof err.params.detail === "string" ? ` (${err.params.detail})` : "";
    return { code: err.code, message: `${t("en", `errors:${err.code}`, err.params)}${detail}`, retryable: err.status >= 500 };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: "job_failed", message, retryable: true };
}
