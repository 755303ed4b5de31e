// Every error a client can see carries a stable machine `code`; the code is also the i18n key
// (`errors:<code>` in locales/*/errors.json), so the message is translated per request.

export interface ErrorDetail {
  path: string;
  code: string;
  message?: string;
}

export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly status: number,
    public readonly params: Record<string, unknown> = {},
    public readonly details?: ErrorDetail[],
    /** Unexpected failures are logged with their stack; expected ones (bad input) are not. */
    public readonly reportable = status >= 500,
  ) {
    super(code);
    this.name = "AppError";
  }
}

export const badRequest = (code = "bad_request", params?: Record<string, unknown>) => new AppError(code, 400, params);
export const unauthorized = (code = "unauthorized") => new AppError(code, 401);
export const forbidden = (code = "forbidden") => new AppError(code, 403);
export const notFound = (code = "not_found", params?: Record<string, unknown>) => new AppError(code, 404, params);
export const conflict = (code = "conflict", params?: Record<string, unknown>) => new AppError(code, 409, params);
export const payloadTooLarge = (params?: Record<string, unknown>) => new AppError("payload_too_large", 413, params);
export const unsupportedMedia = (params?: Record<string, unknown>) => new AppError("unsupported_media", 415, params);
export const unprocessable = (code = "validation_failed", details?: ErrorDetail[], params?: Record<string, unknown>) =>
  new AppError(code, 422, params, details);
export const tooManyRequests = (code = "too_many_requests", params?: Record<string, unknown>) =>
  new AppError(code, 429, params);
export const serviceUnavailable = (code = "unavailable") => new AppError(code, 503);
