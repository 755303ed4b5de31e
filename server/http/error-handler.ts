import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, notFound } from "../errors.ts";
import { t, type Locale } from "../i18n.ts";
import { zodIssuesToDetails } from "./validate.ts";
import { ZodError } from "zod";
import { answerAfterUnreadBody } from "./unread-body.ts";

/** Maps body-parser / raw-stream errors and zod errors to AppErrors; anything else is a 500. */
export function toAppError(err: unknown, limitLabel?: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return new AppError("validation_failed", 422, {}, zodIssuesToDetails(err.issues));
  const e = err as { type?: string; status?: number; statusCode?: number; limit?: number };
  if (e?.type === "entity.parse.failed") return new AppError("invalid_json", 400);
  if (e?.type === "entity.too.large" || e?.status === 413)
    return new AppError("payload_too_large", 413, { limit: limitLabel ?? (e.limit ? `${e.limit} bytes` : "") });
  if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") return new AppError("unsupported_media", 415);
  if (e?.type === "request.aborted") return new AppError("bad_request", 400);
  // Express's router could not decode a path parameter (broken percent-encoding).
  if (err instanceof URIError && e.status === 400) return new AppError("malformed_url", 400);
  return new AppError("internal_error", 500);
}

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(notFound("route_not_found", { method: req.method, path: req.path }));
}

/** An AppError as the client sees it, message and field details translated (also used by the admin pages). */
export function localizeError(appError: AppError, locale: Locale, requestId?: string) {
  const details = appError.details?.map((d) => ({
    ...d,
    message: d.message ?? t(locale, `validation:${d.code}`, d as unknown as Record<string, unknown>),
  }));
  return {
    code: appError.code,
    message: t(locale, `errors:${appError.code}`, { ...appError.params, requestId }),
    ...(details ? { details } : {}),
  };
}

/**
 * The one place that decides what is logged and what the client sees:
 * `{"error": {"code", "message", "details"?}}`, message in the request's language.
 */
export function errorHandler(jsonLimit: string): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err, jsonLimit);
    if (appError.reportable) req.log?.error({ err }, "unhandled error");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = localizeError(appError, req.locale ?? "en", req.id);
    // Refused before its body was read (401 on an upload, unknown show…): let the client finish
    // sending, or close after answering if the body is large, so it can read this answer.
    answerAfterUnreadBody(req, res, () => {
      res.status(appError.status);
      if (appError.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="sada"');
      if (appError.status === 429 && appError.params.retryAfterSeconds)
        res.setHeader("Retry-After", String(appError.params.retryAfterSeconds));
      res.json({ error: body });
    });
  };
}
