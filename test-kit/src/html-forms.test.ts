import { describe, expect, it } from 'vitest';
import { formSubmission, parseForms } from './html-forms.js';

const page = (html: string) => ({ url: 'http://127.0.0.1:1000/oauth/authorize?x=1', status: 200, html });

describe('parseForms', () => {
  it('reads method, absolute action, decoded hidden fields and every control name', () => {
    const [form] = parseForms(
      page(`<form method="post" action="/oauth/consent?a=1&amp;b=2">
  <input type="hidden" name="csrf_token" value="t&lt;&quot;&#39;&gt;">
  <input name="username">
  <button type="submit" name="decision" value="allow">Allow</button>
</form>`),
    );
    expect(form).toEqual({
      method: 'POST',
      action: 'http://127.0.0.1:1000/oauth/consent?a=1&b=2',
      fields: { csrf_token: `t<"'>` },
      names: ['csrf_token', 'username', 'decision'],
    });
  });

  it('submits a GET form in the query and a POST form in the body', () => {
    const [get, post] = parseForms(
      page(
        '<form action="/search"><input type="hidden" name="q" value="1"></form>' +
          '<form method="post"><input type="hidden" name="q" value="1"></form>',
      ),
    );
    expect(formSubmission(get!, { more: 'x' })).toEqual({
      method: 'GET',
      url: 'http://127.0.0.1:1000/search?q=1&more=x',
    });
    const submitted = formSubmission(post!, { more: 'x' });
    expect(submitted.url).toBe('http://127.0.0.1:1000/oauth/authorize?x=1');
    expect(submitted.body?.toString()).toBe('q=1&more=x');
  });
});
