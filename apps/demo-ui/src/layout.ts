import { html, type SafeHtml } from './html.js';

const STYLE = `
  *, *::before, *::after { box-sizing: border-box; }
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f5f6fa; }
  body { margin: 0; }
  header { background: #1d2330; color: #fff; padding: .7rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.1rem; align-items: center; }
  header a { color: #cdd3f5; text-decoration: none; } header a:hover { color: #fff; }
  header .brand { font-weight: 700; color: #fff; margin-right: auto; }
  header .user { display: flex; align-items: center; gap: .6rem; margin-left: auto; }
  header .user-name { color: #fff; font-weight: 600; overflow-wrap: anywhere; }
  main { max-width: 860px; margin: 1.5rem auto; padding: 0 1rem; }
  .card { background: #fff; border-radius: 10px; box-shadow: 0 1px 6px #0001; padding: 1.1rem clamp(.8rem, 4vw, 1.5rem); margin-bottom: 1.2rem; overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; table-layout: fixed; } td, th { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eceef4; vertical-align: top; overflow-wrap: anywhere; }
  th { width: 30%; color: #566; font-weight: 600; }
  td form.inline { display: inline-block; margin: .15rem .2rem .15rem 0; }
  pre { background: #f0f2f8; padding: .8rem; border-radius: 6px; overflow-x: auto; font-size: .85rem; white-space: pre-wrap; overflow-wrap: anywhere; }
  code { overflow-wrap: anywhere; }
  code.token { word-break: break-all; font-size: .8rem; color: #556; }
  .button, button { display: inline-block; background: #3b49df; color: #fff; border: 0; border-radius: 6px; padding: .5rem .9rem; font-size: .95rem; cursor: pointer; text-decoration: none; }
  .button.secondary, button.secondary { background: #e4e7f5; color: #1d2330; }
  form.inline { display: inline; }
  .error { border-left: 4px solid #c62828; }
  .muted { color: #667; }
  @media (max-width: 480px) { th { width: 38%; } h1 { font-size: 1.5rem; } }
`;

/** What every page shows in its header. */
export interface PageChrome {
  /** The app's name, e.g. "Express demo". */
  appName: string;
  /** The signed-in user's display name, if any. */
  userName?: string;
}

/** The page shell: header with navigation, then the content. */
export function layout(chrome: PageChrome, title: string, content: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${chrome.appName}</title><link rel="icon" href="/favicon.ico" type="image/svg+xml"><style>${{ html: STYLE }}</style></head>
<body><header>
  <a class="brand" href="/">${chrome.appName}</a>
  <a href="/profile">Profile</a><a href="/tokens">Tokens</a><a href="/accounts">Connected accounts</a><a href="/admin">Admin</a>
  ${chrome.userName ? html`<span class="user"><span class="user-name" id="user-name">${chrome.userName}</span><form class="inline" method="post" action="/auth/logout"><button class="secondary" id="logout">Log out</button></form></span>` : html`<a class="button" id="login" href="/auth/login">Log in</a>`}
</header><main>${content}</main></body></html>`.html;
}
