import express, { type Request, type Response } from "express";
import type { AppContext } from "../../context.ts";
import { createUserBody, updateUserBody } from "../../accounts/accounts.schema.ts";
import { blankToUndefined, emptyForm, formStateFromError, type FormState } from "../forms.ts";
import { requireRole } from "../middleware.ts";
import { pageContext, sendPage, setFlash } from "../page.ts";
import { usersPage } from "../views/users.view.ts";

/** Admin only: create accounts, change roles, deactivate. Each action calls AccountsService, as the API does. */
export function usersRoutes(ctx: AppContext) {
  const router = express.Router();
  router.use("/users", requireRole("admin"));

  const render = async (req: Request, res: Response, createForm: FormState, status = 200, rowError?: { id: string; message: string }) => {
    const users = await ctx.accounts.listUsers();
    sendPage(res, usersPage(pageContext(req, res), users, createForm, rowError), status);
  };

  router.get("/users", async (req, res) => render(req, res, emptyForm({ role: "producer" })));

  router.post("/users", async (req, res) => {
    const values = { name: req.body?.name ?? "", email: req.body?.email ?? "", role: req.body?.role, locale: req.body?.locale ?? "" };
    try {
      const body = createUserBody.parse({ ...values, locale: blankToUndefined(values.locale), password: req.body?.password ?? "" });
      await ctx.accounts.createUser(body);
      setFlash(res, "userCreated");
      res.redirect(303, "/admin/users");
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values);
      await render(req, res, state, status);
    }
  });

  // One form per row and action: change role, deactivate or reactivate.
  router.post("/users/:id", async (req, res) => {
    const id = String(req.params.id);
    try {
      const body = updateUserBody.parse({
        role: blankToUndefined(req.body?.role),
        active: req.body?.active === undefined ? undefined : req.body.active === "true",
      });
      await ctx.accounts.updateUser(id, body, req.auth?.sessionId);
      setFlash(res, "userUpdated");
      res.redirect(303, "/admin/users");
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, {});
      await render(req, res, emptyForm({ role: "producer" }), status, { id, message: [state.message, ...Object.values(state.errors).flat()].join(" ") });
    }
  });

  return router;
}
