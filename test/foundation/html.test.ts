import { describe, expect, it } from "vitest";
import { html, raw } from "../../server/http/html.ts";

describe("html templates", () => {
  it("escapes interpolated text, attributes included", () => {
    const title = `</title><script>alert("x")</script> & 'co'`;
    expect(html`<h1 title="${title}">${title}</h1>`.toString()).toBe(
      "<h1 title=\"&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;\">&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</h1>",
    );
  });

  it("nests fragments and lists without double escaping, and drops null/false", () => {
    const items = ["a<b", "c"].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${false}${raw("<hr>")}</ul>`.toString()).toBe("<ul><li>a&lt;b</li><li>c</li><hr></ul>");
  });
});
