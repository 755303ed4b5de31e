import { pino, type Logger } from "pino";

export type { Logger };

/** JSON logs to stdout. Listener IPs never reach a log line: request logging omits them. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "sada" },
    redact: { paths: ["req.headers.cookie", "req.headers.authorization", "password", "*.password"], remove: true },
  });
}
