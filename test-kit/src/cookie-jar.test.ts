import { describe, expect, it } from 'vitest';
import { CookieJar } from './cookie-jar.js';

const answer = (...cookies: string[]) => {
  const headers = new Headers();
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { headers });
};

describe('CookieJar', () => {
  it('keeps cookies per origin (host and port)', () => {
    const jar = new CookieJar();
    jar.store('http://127.0.0.1:1000/a', answer('sid=one; Path=/; HttpOnly', 'csrf=x=y'));
    jar.store('http://127.0.0.1:2000/', answer('sid=two'));
    expect(jar.header('http://127.0.0.1:1000/elsewhere')).toBe('sid=one; csrf=x=y');
    expect(jar.get('http://127.0.0.1:2000/', 'sid')).toBe('two');
    expect(jar.header('http://127.0.0.1:3000/')).toBeUndefined();
  });

  it('deletes a cookie on Max-Age 0 or below, an Expires in the past, or an empty value', () => {
    const jar = new CookieJar();
    const url = 'http://127.0.0.1:1000/';
    jar.store(url, answer('a=1', 'b=2', 'c=3', 'd=4', 'e=5'));
    jar.store(
      url,
      answer(
        'a=gone; Max-Age=0',
        'b=gone; Max-Age=-1',
        'c=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
        'd=',
        'e=6; Max-Age=60',
      ),
    );
    expect(jar.header(url)).toBe('e=6');
    jar.clear();
    expect(jar.header(url)).toBeUndefined();
  });
});
