import type { Logger } from "../adapters/logger.ts";
import type { Locale } from "../i18n.ts";

export const ROLES = ["admin", "producer", "analyst"] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale | null;
}

export interface AuthContext {
  user: AuthUser;
  via: "session" | "token";
  sessionId?: string;
  csrfToken?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
      locale: Locale;
      auth?: AuthContext;
      cookies: Record<string, string | undefined>;
    }
  }
}
