/** A form found in an HTML page: where it posts and the values it would send. */
export interface HtmlForm {
  action: URL;
  method: string;
  fields: URLSearchParams;
  /** The form asks to be submitted without a click (the tenant's logout page). */
  autosubmit: boolean;
}

const attribute = (tag: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return match ? decodeEntities(match[2] ?? match[3] ?? '') : undefined;
};

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Finds the forms of a page. Made for the simple markup of the dev tenant and of apps under test,
 * not for arbitrary HTML.
 */
export function parseForms(html: string, pageUrl: string | URL): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const tag = match[1] ?? '';
    const fields = new URLSearchParams();
    for (const input of (match[2] ?? '').matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name) fields.append(name, attribute(input[0], 'value') ?? '');
    }
    forms.push({
      action: new URL(attribute(tag, 'action') ?? '', pageUrl),
      method: (attribute(tag, 'method') ?? 'get').toUpperCase(),
      fields,
      autosubmit: /\sdata-autosubmit\b/i.test(tag),
    });
  }
  return forms;
}
