const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attributes. Every value from a user, a token or a tenant goes through it. */
export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

/** Markup that is already safe. */
export interface SafeHtml {
  readonly html: string;
}

/** A tagged template that escapes every interpolated value unless it is {@link SafeHtml}. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const parts = Array.isArray(value) ? value : [value];
    out += parts
      .map((part) =>
        part && typeof part === 'object' && 'html' in part
          ? (part as SafeHtml).html
          : escapeHtml(part ?? ''),
      )
      .join('');
    out += strings[index + 1] ?? '';
  });
  return { html: out };
}
