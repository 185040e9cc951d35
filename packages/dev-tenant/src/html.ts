import type { Middleware } from 'koa';

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
<title>${escapeHtml(title)} · Gatehouse dev tenant</title><link rel="icon" href="/favicon.ico" type="image/svg+xml">
<style>
  body { font-family: system-ui, sans-serif; background: #f4f5f7; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #fff; padding: 2rem clamp(1rem, 5vw, 2.5rem); border-radius: 12px; box-shadow: 0 2px 12px #0002; box-sizing: border-box; width: min(420px, calc(100vw - 1.5rem)); overflow-wrap: anywhere; }
  h1 { font-size: 1.3rem; } label { display: block; margin: .8rem 0 .3rem; font-size: .9rem; }
  input { width: 100%; padding: .55rem; box-sizing: border-box; border: 1px solid #bbb; border-radius: 6px; }
  button { margin-top: 1.2rem; width: 100%; padding: .65rem; border: 0; border-radius: 6px; background: #3b49df; color: #fff; font-size: 1rem; cursor: pointer; }
  .error { color: #b00020; } .hint { color: #666; font-size: .85rem; }
</style></head>
<body><main>${body}</main></body></html>`;
}

/** The tenant's icon (an SVG, which browsers take at `/favicon.ico` given its content type). */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3b49df"/><path d="M8 27V13l8-6 8 6v14h-5v-8h-6v8z" fill="#fff"/></svg>`;

/** Answers `/favicon.ico`, which browsers ask every page's host for, instead of a 404. */
export function favicon(): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/favicon.ico' || (ctx.method !== 'GET' && ctx.method !== 'HEAD'))
      return next();
    ctx.type = 'image/svg+xml';
    ctx.set('cache-control', 'public, max-age=86400');
    ctx.body = FAVICON;
  };
}
