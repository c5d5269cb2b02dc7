/** A page the browser landed on (a non-redirect answer). */
export interface Page {
  url: string;
  status: number;
  html: string;
}

/** An HTML form, as far as these flows need one. */
export interface HtmlForm {
  /** `GET` or `POST`. */
  method: string;
  /** Absolute. */
  action: string;
  /** The hidden inputs, decoded. */
  fields: Record<string, string>;
  /** The names of every input and button (hidden or not), for telling forms apart. */
  names: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decodeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (match, name: string) => ENTITIES[name] ?? match);
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return match?.[1] === undefined ? undefined : decodeHtml(match[1]);
}

/** The forms of a page with their hidden inputs (the visible ones are the caller's to fill). */
export function parseForms(page: Page): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, openTag = '', body = ''] = match;
    const fields: Record<string, string> = {};
    const names: string[] = [];
    for (const control of body.matchAll(/<(?:input|button)\b[^>]*>/gi)) {
      const name = attribute(control[0], 'name');
      if (name === undefined) continue;
      names.push(name);
      if (attribute(control[0], 'type') === 'hidden') fields[name] = attribute(control[0], 'value') ?? '';
    }
    forms.push({
      method: (attribute(openTag, 'method') ?? 'get').toUpperCase(),
      action: new URL(attribute(openTag, 'action') ?? page.url, page.url).href,
      fields,
      names,
    });
  }
  return forms;
}

/** The request a browser makes to submit `form` with its hidden fields plus `values`. */
export function formSubmission(
  form: HtmlForm,
  values: Record<string, string>,
): { method: 'GET' | 'POST'; url: string; body?: URLSearchParams } {
  const body = new URLSearchParams({ ...form.fields, ...values });
  if (form.method === 'POST') return { method: 'POST', url: form.action, body };
  const target = new URL(form.action);
  for (const [name, value] of body) target.searchParams.set(name, value);
  return { method: 'GET', url: target.href };
}
