import { z } from "zod";
import type { RouteRegistry } from "./api-router.ts";

function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  return z.toJSONSchema(schema, { io, unrepresentable: "any", target: "openapi-3.0" });
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    schema: property,
  }));
}

const errorResponse = {
  description: "Error",
  content: {
    "application/json": {
      schema: {
        type: "object",
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: {
              code: { type: "string" },
              message: { type: "string" },
              details: { type: "array", items: { type: "object" } },
            },
          },
        },
      },
    },
  },
};

/** OpenAPI 3 document generated from the same zod schemas that validate the requests. */
export function buildOpenApiDocument(registry: RouteRegistry, serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec, fullPath } of registry.routes) {
    const path = fullPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: spec.tags,
      parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
      security: spec.access === "public" ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
      responses: {
        [String(spec.status ?? 200)]: {
          description: "OK",
          ...(spec.response ? { content: { "application/json": { schema: jsonSchema(spec.response, "output") } } } : {}),
        },
        default: errorResponse,
      },
    };
    if (spec.access !== "public") operation["x-roles"] = spec.access;
    if (spec.body) {
      operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } };
    } else if (spec.requestContentTypes) {
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(spec.requestContentTypes.map((type) => [type, { schema: { type: "string", format: "binary" } }])),
      };
    }
    (paths[path] ??= {})[spec.method] = operation;
  }
  return {
    openapi: "3.0.3",
    info: { title: "Sada API", version: "1", description: "Multilingual podcast publishing and analytics." },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer" },
        cookieAuth: { type: "apiKey", in: "cookie", name: "sada_session" },
      },
    },
    paths,
  };
}
