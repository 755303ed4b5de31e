import { html } from "../../http/html.ts";
import { ROLES } from "../../http/types.ts";
import { SUPPORTED_LOCALES, t } from "../../i18n.ts";
import { csrfField, formAlert, inputField, selectField, type FormState } from "../forms.ts";
import type { PageContext } from "../page.ts";
import { layout } from "./layout.ts";
import type { UserLike } from "../../accounts/accounts.presenter.ts";

type UserRow = Omit<UserLike, "createdAt">;

export function usersPage(pc: PageContext, users: UserRow[], form: FormState, rowError?: { id: string; message: string }) {
  const roleOptions = ROLES.map((r) => ({ value: r, label: pc.tr(`common:roles.${r}`) }));
  const row = (u: UserRow) => html`<tr${u.active ? "" : html` class="is-muted"`}>
      <th scope="row"><span class="cell-title">${u.name || "—"}</span><bdi dir="ltr" class="cell-sub">${u.email}</bdi></th>
      <td>
        <form method="post" action="/admin/users/${u.id}" class="inline-form">
          ${csrfField(pc)}
          <label class="visually-hidden" for="role-${u.id}">${pc.tr("users.roleFor", { name: u.name || u.email })}</label>
          <select id="role-${u.id}" name="role">${ROLES.map((r) => html`<option value="${r}"${r === u.role ? html` selected` : ""}>${pc.tr(`common:roles.${r}`)}</option>`)}</select>
          <button type="submit" class="button button--small">${pc.tr("users.changeRole")}</button>
        </form>
      </td>
      <td>${u.active ? pc.tr("users.active") : pc.tr("users.inactive")}</td>
      <td>${u.lastLoginAt ? html`<time datetime="${u.lastLoginAt.toISOString()}">${pc.fmt.dateTime(u.lastLoginAt)}</time>` : pc.tr("users.never")}</td>
      <td>
        <form method="post" action="/admin/users/${u.id}">
          ${csrfField(pc)}
          <input type="hidden" name="active" value="${u.active ? "false" : "true"}">
          <button type="submit" class="button button--small${u.active ? " button--danger" : ""}">${u.active ? pc.tr("users.deactivate") : pc.tr("users.reactivate")}</button>
        </form>
        ${rowError?.id === u.id ? html`<p class="field-error" role="alert">${rowError.message}</p>` : ""}
      </td>
    </tr>`;

  const body = html`<h1>${pc.tr("users.title")}</h1>
    <div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">${pc.tr("users.title")}</caption>
        <thead><tr><th scope="col">${pc.tr("users.person")}</th><th scope="col">${pc.tr("users.role")}</th><th scope="col">${pc.tr("users.status")}</th><th scope="col">${pc.tr("users.lastLogin")}</th><th scope="col"><span class="visually-hidden">${pc.tr("users.actions")}</span></th></tr></thead>
        <tbody>${users.map(row)}</tbody>
      </table>
    </div>
    <section class="card" aria-labelledby="new-user">
      <h2 id="new-user">${pc.tr("users.create")}</h2>
      <p class="hint">${pc.tr("users.createHint")}</p>
      ${formAlert(form, ["name", "email", "role", "password", "locale"])}
      <form method="post" action="/admin/users" class="form form--grid" novalidate>
        ${csrfField(pc)}
        ${inputField(pc, form, { name: "name", label: pc.tr("users.name"), autocomplete: "off", maxlength: 200 })}
        ${inputField(pc, form, { name: "email", label: pc.tr("users.email"), type: "email", required: true, autocomplete: "off", ltr: true })}
        ${selectField(pc, form, { name: "role", label: pc.tr("users.role"), options: roleOptions, required: true, hint: pc.tr("users.roleHint") })}
        ${selectField(pc, form, { name: "locale", label: pc.tr("users.language"), blank: pc.tr("users.languageUnset"), options: SUPPORTED_LOCALES.map((l) => ({ value: l, label: t(l, "admin:languageName"), lang: l })) })}
        ${inputField(pc, form, { name: "password", label: pc.tr("users.password"), type: "password", required: true, autocomplete: "new-password", hint: pc.tr("users.passwordHint", { count: pc.fmt.number(12) }) })}
        <div class="form__actions"><button type="submit" class="button button--primary">${pc.tr("users.createSubmit")}</button></div>
      </form>
    </section>`;
  return layout(pc, { title: pc.tr("users.title"), section: "users", body });
}
