import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { AppError, forbidden, unauthorized } from "../errors.ts";
import type { Locale } from "../i18n.ts";
import type { AuthContext, Role } from "./types.ts";
import { zodIssuesToDetails } from "./validate.ts";

type Method = "get" | "post" | "put" | "patch" | "delete";

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Express path relative to the router, e.g. `/users/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** Who may call it: "public", or the roles allowed (any signed-in user: all three roles). */
  access: "public" | readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** Documented only: the JSON answer. */
  response?: z.ZodType;
  /** Success status when the handler returns a value (default 200); `undefined` answers 204. */
  status?: number;
  /** Documented only, for endpoints that read a raw body (uploads). */
  requestContentTypes?: string[];
}

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  auth: AuthContext | undefined;
  /** The signed-in user; present whenever `access` is not "public". */
  user: AuthContext["user"];
  locale: Locale;
  requestId: string;
  req: Request;
  res: Response;
}

export interface RegisteredRoute {
  spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>;
  fullPath: string;
}

/** Every route of /api/v1, collected for the OpenAPI document. */
export class RouteRegistry {
  readonly routes: RegisteredRoute[] = [];
}

function parsePart<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return value as z.infer<T>;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError("validation_failed", 422, {}, zodIssuesToDetails(result.error.issues, value, where === "body" ? [] : [where]));
  }
  return result.data;
}

export function authorize(auth: AuthContext | undefined, access: "public" | readonly Role[]): void {
  if (access === "public") return;
  if (!auth) throw unauthorized();
  if (!access.includes(auth.user.role)) throw forbidden();
}

/**
 * A router whose routes declare their access, zod schemas and documentation in one place; the
 * handler gets parsed input and returns the JSON to send. Keeps the feature routes thin.
 */
export class ApiRouter {
  readonly router: Router = express.Router();

  constructor(
    private readonly registry: RouteRegistry,
    private readonly mountPath: string,
  ) {}

  route<P extends z.ZodType = z.ZodType<Record<string, string>>, Q extends z.ZodType = z.ZodType<unknown>, B extends z.ZodType = z.ZodType<unknown>>(
    spec: RouteSpec<P, Q, B>,
    handler: (input: HandlerInput<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown> | unknown,
  ): this {
    this.registry.routes.push({ spec: spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType>, fullPath: this.mountPath + spec.path });
    this.router[spec.method](spec.path, async (req, res) => {
      authorize(req.auth, spec.access);
      const input: HandlerInput<z.infer<P>, z.infer<Q>, z.infer<B>> = {
        params: parsePart(spec.params, req.params, "params"),
        query: parsePart(spec.query, req.query, "query"),
        body: parsePart(spec.body, spec.body ? (req.body ?? {}) : req.body, "body"),
        auth: req.auth,
        user: req.auth?.user as AuthContext["user"],
        locale: req.locale,
        requestId: req.id,
        req,
        res,
      };
      const result = await handler(input);
      if (res.headersSent) return;
      if (result === undefined) res.status(204).end();
      else res.status(spec.status ?? 200).json(result);
    });
    return this;
  }
}
