import type { Request } from "express";
import { z } from "zod";
import { ApiRouter, type RouteRegistry } from "../http/api-router.ts";
import { ROLES } from "../http/types.ts";
import { clearSessionCookie, setSessionCookie } from "../http/auth.ts";
import { unauthorized } from "../errors.ts";
import type { AccountsService } from "./accounts.service.ts";
import { presentToken, presentUser } from "./accounts.presenter.ts";
import {
  createTokenBody,
  createUserBody,
  createdTokenResponse,
  idParams,
  loginBody,
  meResponse,
  sessionResponse,
  tokenResponse,
  updateMeBody,
  updateUserBody,
  userResponse,
} from "./accounts.schema.ts";

const ANY_ROLE = ROLES;
const ADMIN = ["admin"] as const;

export function accountsRoutes(registry: RouteRegistry, accounts: AccountsService, publicBaseUrl: string) {
  const api = new ApiRouter(registry, "/api/v1");
  const secure = (req: Request) => publicBaseUrl.startsWith("https:") || req.secure;

  api
    .route(
      { method: "post", path: "/session", summary: "Sign in (sets the session cookie)", tags: ["session"], access: "public", body: loginBody, response: sessionResponse },
      async ({ body, req, res }) => {
        const { token, session, user } = await accounts.login(body.email, body.password, req.ip ?? "unknown");
        setSessionCookie(res, token, session.expiresAt, secure(req));
        return { user: presentUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
      },
    )
    .route(
      { method: "delete", path: "/session", summary: "Sign out", tags: ["session"], access: ANY_ROLE },
      async ({ auth, req, res }) => {
        if (auth?.sessionId) await accounts.logout(auth.sessionId);
        clearSessionCookie(res, secure(req));
      },
    )
    .route(
      { method: "get", path: "/me", summary: "The signed-in user and the CSRF token for this session", tags: ["session"], access: ANY_ROLE, response: meResponse },
      async ({ auth }) => {
        if (!auth) throw unauthorized();
        return { user: presentUser(await accounts.getUser(auth.user.id)), csrfToken: auth.csrfToken ?? null, via: auth.via };
      },
    )
    .route(
      { method: "patch", path: "/me", summary: "Update own name and language", tags: ["session"], access: ANY_ROLE, body: updateMeBody, response: userResponse },
      async ({ user, body }) => presentUser(await accounts.updateProfile(user.id, body)),
    )
    .route(
      { method: "post", path: "/tokens", summary: "Create an API token (shown once)", tags: ["tokens"], access: ANY_ROLE, body: createTokenBody, response: createdTokenResponse, status: 201 },
      async ({ user, body }) => {
        const { record, token } = await accounts.createToken(user.id, body);
        return { ...presentToken(record), token };
      },
    )
    .route(
      { method: "get", path: "/tokens", summary: "List own API tokens", tags: ["tokens"], access: ANY_ROLE, response: z.object({ tokens: z.array(tokenResponse) }) },
      async ({ user }) => ({ tokens: (await accounts.listTokens(user.id)).map(presentToken) }),
    )
    .route(
      { method: "delete", path: "/tokens/:id", summary: "Revoke an API token", tags: ["tokens"], access: ANY_ROLE, params: idParams },
      async ({ user, params }) => accounts.deleteToken(user.id, params.id),
    )
    .route(
      { method: "get", path: "/users", summary: "List users", tags: ["users"], access: ADMIN, response: z.object({ users: z.array(userResponse) }) },
      async () => ({ users: (await accounts.listUsers()).map(presentUser) }),
    )
    .route(
      { method: "post", path: "/users", summary: "Create a user", tags: ["users"], access: ADMIN, body: createUserBody, response: userResponse, status: 201 },
      async ({ body }) => presentUser(await accounts.createUser(body)),
    )
    .route(
      { method: "patch", path: "/users/:id", summary: "Change a user's name, role, password or active flag", tags: ["users"], access: ADMIN, params: idParams, body: updateUserBody, response: userResponse },
      async ({ params, body, auth }) => presentUser(await accounts.updateUser(params.id, body, auth?.sessionId)),
    )
    .route(
      { method: "delete", path: "/users/:id", summary: "Delete a user", tags: ["users"], access: ADMIN, params: idParams },
      async ({ params }) => accounts.deleteUser(params.id),
    );

  return api.router;
}
