import { html } from "../../http/html.ts";
import { formAlert, inputField, type FormState } from "../forms.ts";
import type { PageContext } from "../page.ts";
import { layout } from "./layout.ts";

export function signInPage(pc: PageContext, state: FormState, loginCsrf: string, next: string) {
  const body = html`<div class="sign-in">
    <h1>${pc.tr("signIn.title")}</h1>
    <p class="lede">${pc.tr("signIn.lede")}</p>
    ${formAlert(state, ["email", "password"])}
    <form method="post" action="/admin/sign-in" class="form" novalidate>
      <input type="hidden" name="_login_csrf" value="${loginCsrf}">
      <input type="hidden" name="next" value="${next}">
      ${inputField(pc, state, { name: "email", label: pc.tr("signIn.email"), type: "email", required: true, autocomplete: "username", ltr: true })}
      ${inputField(pc, state, { name: "password", label: pc.tr("signIn.password"), type: "password", required: true, autocomplete: "current-password" })}
      <button type="submit" class="button button--primary">${pc.tr("signIn.submit")}</button>
    </form>
  </div>`;
  return layout(pc, { title: pc.tr("signIn.title"), section: "none", body, bare: true });
}

export function errorPage(pc: PageContext, status: number, message: string) {
  const body = html`<h1>${pc.tr(`errorPage.title${status === 404 ? "NotFound" : status === 403 ? "Forbidden" : ""}`)}</h1>
    <p class="lede">${message}</p>
    <p><a class="button" href="/admin">${pc.tr("errorPage.home")}</a></p>`;
  return layout(pc, { title: pc.tr("errorPage.title"), section: "none", body });
}
