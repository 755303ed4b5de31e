// Server-rendered HTML without a template engine: `html` tagged templates escape every
// interpolated value unless it is itself a SafeHtml (another `html` fragment or `raw(...)`).
// Shared by the public pages and the admin, so escaping rules live in one place.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Marks already-sanitised markup (e.g. show notes cleaned by sanitize-html) as safe. */
export function raw(value: string): SafeHtml {
  return new SafeHtml(value);
}
