import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { parse as parseCookies } from "cookie";
import type { Logger } from "../adapters/logger.ts";
import { resolveLocale } from "../i18n.ts";
import "./types.ts";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Request id, per-request logger, cookies and language. The access log line deliberately carries
 * no client address: listener IPs must never reach the logs.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    req.id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader("X-Request-Id", req.id);
    req.log = logger.child({ requestId: req.id });
    req.cookies = req.headers.cookie ? parseCookies(req.headers.cookie) : {};
    const queryLang = typeof req.query.lang === "string" ? req.query.lang : undefined;
    req.locale = resolveLocale({ query: queryLang, cookie: req.cookies.lang, acceptLanguage: req.get("accept-language") });
    res.setHeader("Content-Language", req.locale);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      req.log.info(
        {
          method: req.method,
          path: req.originalUrl.split("?")[0],
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        "request",
      );
    });
    next();
  };
}
