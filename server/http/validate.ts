import type { z } from "zod";
import type { ErrorDetail } from "../errors.ts";

type Issue = z.core.$ZodIssue;

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * zod issues → `details` entries whose `code` is an i18n key under `validation:`; the parameters
 * (minimum, format…) travel along so the message can be translated.
 */
export function zodIssuesToDetails(issues: readonly Issue[], input?: unknown, prefix: string[] = []): ErrorDetail[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path.map(String)].join(".");
    const base = { path };
    switch (issue.code) {
      case "invalid_type":
        return valueAt(input, issue.path) === undefined && input !== undefined
          ? { ...base, code: "required" }
          : { ...base, code: "invalid_type", expected: issue.expected };
      case "too_small":
        return { ...base, code: "too_small", minimum: Number(issue.minimum) };
      case "too_big":
        return { ...base, code: "too_big", maximum: Number(issue.maximum) };
      case "invalid_format":
        return { ...base, code: "invalid_format", format: issue.format };
      case "invalid_value":
        return { ...base, code: "invalid_value", values: issue.values.map(String).join(", ") };
      case "unrecognized_keys":
        return { ...base, code: "unrecognized_keys", keys: issue.keys.join(", ") };
      case "not_multiple_of":
        return { ...base, code: "not_multiple_of", divisor: Number(issue.divisor) };
      case "custom": {
        // Custom refinements may name their own translated code: `{ params: { code: "…" } }`.
        const code = (issue.params as { code?: string } | undefined)?.code;
        return { ...base, code: code ?? "custom", ...(issue.params ?? {}) };
      }
      default:
        return { ...base, code: issue.code === "invalid_union" ? "invalid_union" : "custom" };
    }
  }) as ErrorDetail[];
}
