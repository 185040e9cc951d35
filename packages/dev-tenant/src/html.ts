const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** The tenant's page shell. `body` is trusted markup; escape every value that goes into it. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Gatehouse dev tenant</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f5f7; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #fff; padding: 2rem 2.5rem; border-radius: 12px; box-shadow: 0 2px 12px #0002; min-width: 320px; max-width: 420px; }
  h1 { font-size: 1.3rem; } label { display: block; margin: .8rem 0 .3rem; font-size: .9rem; }
  input { width: 100%; padding: .55rem; box-sizing: border-box; border: 1px solid #bbb; border-radius: 6px; }
  button { margin-top: 1.2rem; width: 100%; padding: .65rem; border: 0; border-radius: 6px; background: #3b49df; color: #fff; font-size: 1rem; cursor: pointer; }
  .error { color: #b00020; } .hint { color: #666; font-size: .85rem; }
</style></head>
<body><main>${body}</main></body></html>`;
}
