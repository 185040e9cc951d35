/**
 * The demo apps' icon, an SVG that browsers also take at `/favicon.ico` given its content type.
 * Every app serves it there, since browsers ask each host for `/favicon.ico` (a 404 otherwise).
 */
export const FAVICON = {
  path: '/favicon.ico',
  contentType: 'image/svg+xml',
  body: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d2330"/><path d="M8 27V13l8-6 8 6v14h-5v-8h-6v8z" fill="#8f9bff"/></svg>',
} as const;
