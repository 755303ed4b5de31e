import { html } from "../../http/html.ts";
import { SUPPORTED_LOCALES, t } from "../../i18n.ts";
import { Formatter } from "../format.ts";
import { csrfField, formAlert, inputField, selectField, type FormState } from "../forms.ts";
import type { PageContext } from "../page.ts";
import { layout } from "./layout.ts";

export function preferencesPage(pc: PageContext, state: FormState, email: string) {
  const sample = 1234567.89;
  const digitsChoice = (digits: "arab" | "latn") => {
    const example = new Formatter("ar", digits, pc.fmt.timeZone).number(sample);
    const checked = state.values.digits === digits;
    return html`<div class="field field--check">
      <input type="radio" id="digits-${digits}" name="digits" value="${digits}"${checked ? html` checked` : ""}>
      <label for="digits-${digits}">${pc.tr(`preferences.digits.${digits}`)} <bdi lang="ar" class="sample">${example}</bdi></label>
    </div>`;
  };
  const body = html`<h1>${pc.tr("preferences.title")}</h1>
    ${formAlert(state, ["name", "locale", "digits"])}
    <form method="post" action="/admin/preferences" class="form">
      ${csrfField(pc)}
      <p><span class="label">${pc.tr("preferences.email")}</span> <bdi dir="ltr">${email}</bdi></p>
      ${inputField(pc, state, { name: "name", label: pc.tr("preferences.name"), autocomplete: "name", maxlength: 200 })}
      ${selectField(pc, state, {
        name: "locale",
        label: pc.tr("preferences.language"),
        options: SUPPORTED_LOCALES.map((l) => ({ value: l, label: t(l, "admin:languageName"), lang: l })),
      })}
      <fieldset class="fieldset">
        <legend>${pc.tr("preferences.digits.legend")}</legend>
        <p class="hint">${pc.tr("preferences.digits.hint")}</p>
        ${digitsChoice("arab")}
        ${digitsChoice("latn")}
      </fieldset>
      <p class="hint">${pc.tr("preferences.timeZone", { timeZone: pc.fmt.timeZone })}</p>
      <button type="submit" class="button button--primary">${pc.tr("actions.save")}</button>
    </form>`;
  return layout(pc, { title: pc.tr("preferences.title"), section: "preferences", body });
}
