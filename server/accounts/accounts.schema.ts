import { z } from "zod";
import { ROLES } from "../http/types.ts";
import { SUPPORTED_LOCALES } from "../i18n.ts";

export const email = z.email().max(254).transform((v) => v.trim().toLowerCase());
export const password = z.string().min(12).max(1024);
export const role = z.enum(ROLES);
export const locale = z.enum(SUPPORTED_LOCALES);
export const idParams = z.object({ id: z.string().min(1).max(64) });

export const loginBody = z.object({ email, password: z.string().min(1).max(1024) }).strict();
export type LoginBody = z.infer<typeof loginBody>;

export const createUserBody = z
  .object({ email, name: z.string().trim().max(200).default(""), role, password, locale: locale.optional() })
  .strict();
export type CreateUserBody = z.infer<typeof createUserBody>;

export const updateUserBody = z
  .object({
    name: z.string().trim().max(200).optional(),
    role: role.optional(),
    active: z.boolean().optional(),
    password: password.optional(),
    locale: locale.nullable().optional(),
  })
  .strict();
export type UpdateUserBody = z.infer<typeof updateUserBody>;

export const updateMeBody = z
  .object({ name: z.string().trim().max(200).optional(), locale: locale.nullable().optional() })
  .strict();

export const createTokenBody = z
  .object({ name: z.string().trim().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).optional() })
  .strict();
export type CreateTokenBody = z.infer<typeof createTokenBody>;

export const userResponse = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role,
  locale: locale.nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

export const meResponse = z.object({ user: userResponse, csrfToken: z.string().nullable(), via: z.enum(["session", "token"]) });
export const sessionResponse = z.object({ user: userResponse, csrfToken: z.string(), expiresAt: z.string() });
export const tokenResponse = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export const createdTokenResponse = tokenResponse.extend({ token: z.string() });
