import { AppError } from "../errors.ts";
import { localizeError, toAppError } from "../http/error-handler.ts";
import { html, type SafeHtml } from "../http/html.ts";
import type { Locale } from "../i18n.ts";
import type { PageContext } from "./page.ts";

/** What a form shows: the values typed, and translated errors by field path (as the API reports them). */
export interface FormState {
  values: Record<string, unknown>;
  errors: Record<string, string[]>;
  /** A message for the whole form (e.g. "Some fields are not valid."). */
  message?: string;
}

export const emptyForm = (values: Record<string, unknown> = {}): FormState => ({ values, errors: {} });

/**
 * A failed service call → the form state to render again. Only expected errors (4xx) become form
 * messages; anything else is rethrown for the error page.
 */
export function formStateFromError(
  err: unknown,
  locale: Locale,
  values: Record<string, unknown>,
  /** Errors without field details that still belong to one field, e.g. `{ slug_taken: "slug" }`. */
  fieldOfCode: Record<string, string> = {},
): { state: FormState; status: number } {
  const appError = err instanceof AppError ? err : toAppError(err);
  if (appError.status >= 500 || appError.status === 401 || appError.status === 403) throw err;
  const localized = localizeError(appError, locale);
  const errors: Record<string, string[]> = {};
  for (const detail of localized.details ?? []) (errors[detail.path] ??= []).push(detail.message);
  const field = fieldOfCode[appError.code];
  if (field && !localized.details?.length) (errors[field] ??= []).push(localized.message);
  return { state: { values, errors, message: localized.message }, status: appError.status };
}

/** Form fields are named by API path (`localizations.ar.title`); ids must be plain. */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;

const valueOf = (state: FormState, name: string): string => {
  const value = state.values[name];
  return value === undefined || value === null ? "" : String(value);
};

interface FieldOptions {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "number" | "url" | "datetime-local" | "date";
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  /** For fields whose content is in another language than the page (per-language columns). */
  lang?: string;
  dir?: "rtl" | "ltr" | "auto";
  min?: number;
  max?: number;
  maxlength?: number;
  /** Machine values (slugs, emails, URLs) are typed left-to-right even in Arabic pages. */
  ltr?: boolean;
}

function describedBy(id: string, hint: boolean, errors: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : "", errors ? `${id}-error` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

function fieldFrame(id: string, label: string, control: SafeHtml, errors: string[], hint?: string, required?: boolean, pc?: PageContext): SafeHtml {
  return html`<div class="field${errors.length ? " field--invalid" : ""}">
    <label for="${id}">${label}${required && pc ? html` <span class="required" aria-hidden="true">*</span>` : ""}</label>
    ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ""}
    ${control}
    ${errors.length ? html`<p class="field-error" id="${id}-error">${errors.join(" ")}</p>` : html`<p class="field-error" id="${id}-error" hidden></p>`}
  </div>`;
}

export function inputField(pc: PageContext, state: FormState, o: FieldOptions): SafeHtml {
  const id = fieldId(o.name);
  const errors = state.errors[o.name] ?? [];
  const control = html`<input id="${id}" name="${o.name}" type="${o.type ?? "text"}" value="${valueOf(state, o.name)}"${o.required ? html` required` : ""}${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ""
  }${o.lang ? html` lang="${o.lang}"` : ""}${o.dir ? html` dir="${o.dir}"` : o.ltr ? html` dir="ltr"` : ""}${o.min !== undefined ? html` min="${o.min}"` : ""}${
    o.max !== undefined ? html` max="${o.max}"` : ""
  }${o.maxlength ? html` maxlength="${o.maxlength}"` : ""} aria-describedby="${describedBy(id, !!o.hint, true)}"${errors.length ? html` aria-invalid="true"` : ""}>`;
  return fieldFrame(id, o.label, control, errors, o.hint, o.required, pc);
}

export function textareaField(pc: PageContext, state: FormState, o: FieldOptions & { rows?: number }): SafeHtml {
  const id = fieldId(o.name);
  const errors = state.errors[o.name] ?? [];
  const control = html`<textarea id="${id}" name="${o.name}" rows="${o.rows ?? 4}"${o.required ? html` required` : ""}${o.lang ? html` lang="${o.lang}"` : ""}${
    o.dir ? html` dir="${o.dir}"` : ""
  }${o.maxlength ? html` maxlength="${o.maxlength}"` : ""} aria-describedby="${describedBy(id, !!o.hint, true)}"${errors.length ? html` aria-invalid="true"` : ""}>${valueOf(state, o.name)}</textarea>`;
  return fieldFrame(id, o.label, control, errors, o.hint, o.required, pc);
}

export function selectField(
  pc: PageContext,
  state: FormState,
  o: { name: string; label: string; options: { value: string; label: string; lang?: string }[]; hint?: string; required?: boolean; blank?: string },
): SafeHtml {
  const id = fieldId(o.name);
  const errors = state.errors[o.name] ?? [];
  const current = valueOf(state, o.name);
  const control = html`<select id="${id}" name="${o.name}"${o.required ? html` required` : ""} aria-describedby="${describedBy(id, !!o.hint, true)}"${
    errors.length ? html` aria-invalid="true"` : ""
  }>
    ${o.blank !== undefined ? html`<option value="">${o.blank}</option>` : ""}
    ${o.options.map((opt) => html`<option value="${opt.value}"${opt.value === current ? html` selected` : ""}${opt.lang ? html` lang="${opt.lang}"` : ""}>${opt.label}</option>`)}
  </select>`;
  return fieldFrame(id, o.label, control, errors, o.hint, o.required, pc);
}

export function checkboxField(pc: PageContext, state: FormState, o: { name: string; label: string; hint?: string; value?: string }): SafeHtml {
  const id = fieldId(o.name + (o.value ? `-${o.value}` : ""));
  const errors = state.errors[o.name] ?? [];
  const raw = state.values[o.name];
  const checked = o.value ? (Array.isArray(raw) ? raw.includes(o.value) : raw === o.value) : raw === true || raw === "on" || raw === "true";
  return html`<div class="field field--check${errors.length ? " field--invalid" : ""}">
    <input type="checkbox" id="${id}" name="${o.name}" value="${o.value ?? "true"}"${checked ? html` checked` : ""} aria-describedby="${describedBy(id, !!o.hint, !!errors.length)}">
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ""}
    ${errors.length ? html`<p class="field-error" id="${id}-error">${errors.join(" ")}</p>` : ""}
  </div>`;
}

/** The form-level message plus any errors whose path has no field on this form. */
export function formAlert(state: FormState, shownPaths: readonly string[]): SafeHtml {
  if (!state.message) return html``;
  const stray = Object.entries(state.errors).filter(([p]) => !shownPaths.includes(p));
  return html`<div class="alert alert--error" role="alert" tabindex="-1" data-focus-on-load>
    <p>${state.message}</p>
    ${stray.length ? html`<ul>${stray.map(([p, msgs]) => html`<li>${p ? html`<code dir="ltr">${p}</code>: ` : ""}${msgs.join(" ")}</li>`)}</ul>` : ""}
  </div>`;
}

export function csrfField(pc: PageContext): SafeHtml {
  return pc.csrfToken ? html`<input type="hidden" name="_csrf" value="${pc.csrfToken}">` : html``;
}

/** Form text → API shapes: blank → undefined, so optional fields stay optional. */
export function blankToUndefined(value: unknown): unknown {
  return typeof value === "string" && value.trim() === "" ? undefined : value;
}

export function toIntOrUndefined(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : value; // a non-number stays text so the schema reports it
}

export function asArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "string" && value ? [value] : [];
}
