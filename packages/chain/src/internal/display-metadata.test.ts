import { describe, expect, it } from 'vitest';
import { displayTextProblem, metadataUrlProblem } from './display-metadata.js';

describe('client metadata rules', () => {
  it.each([
    ['NUL', '\u0000'],
    ['bell', '\u0007'],
    ['tab', '\t'],
    ['line feed', '\n'],
    ['escape', '\u001b'],
    ['DEL', '\u007f'],
    ['C1 NEL', '\u0085'],
    ['C1 CSI', '\u009b'],
    ['LRE', '\u202a'],
    ['RLE', '\u202b'],
    ['PDF', '\u202c'],
    ['LRO', '\u202d'],
    ['RLO', '\u202e'],
    ['LRI', '\u2066'],
    ['RLI', '\u2067'],
    ['FSI', '\u2068'],
    ['PDI', '\u2069'],
    ['LRM', '\u200e'],
    ['RLM', '\u200f'],
    ['ALM', '\u061c'],
  ])('refuses %s in a name', (_label, char) => {
    expect(displayTextProblem('client_name', `My${char}App`)).toMatch(/^client_name must not contain/);
  });

  it.each([
    'My App',
    'Äpp – „Tools“',
    'עברית',
    'العربية',
    '日本語のアプリ',
    'emoji 🚀',
    'zero\u200bwidth space',
  ])('accepts %j', (name) => {
    expect(displayTextProblem('client_name', name)).toBeUndefined();
  });

  it.each([
    ['http', 'http://example.com/logo.png', 'must be an https URL'],
    ['javascript', 'javascript:alert(1)', 'must be an https URL'],
    ['data', 'data:image/png;base64,AAAA', 'must be an https URL'],
    ['relative', '/logo.png', 'must be an absolute https URL'],
    ['not a URL', 'logo', 'must be an absolute https URL'],
    ['credentials', 'https://user:pass@example.com/', 'must not contain credentials'],
  ])('refuses a %s URL', (_label, value, problem) => {
    expect(metadataUrlProblem('logo_uri', value)).toBe(`logo_uri ${problem}`);
  });

  it('accepts an https URL', () => {
    expect(metadataUrlProblem('tos_uri', 'https://example.com/tos?lang=en')).toBeUndefined();
  });
});
