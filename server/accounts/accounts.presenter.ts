import { isLocale } from "../i18n.ts";
import type { Role } from "../http/types.ts";

/** A user record as the presenters and the admin's views read it. */
export interface UserLike {
  id: string;
  email: string;
  name: string;
  role: string;
  locale: string | null;
  active: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export function presentUser(user: UserLike) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as Role,
    locale: isLocale(user.locale) ? user.locale : null,
    active: user.active,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}

export function presentToken(token: { id: string; name: string; prefix: string; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null }) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}
