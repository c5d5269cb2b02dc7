import { describe, expect, it } from 'vitest';
import { OptionsError } from './options-error.js';

class ExampleOptionsError extends OptionsError<'ERR_EXAMPLE_INVALID_OPTION'> {}

describe('OptionsError', () => {
  it('carries the subclass name, a literal code and the cause', () => {
    const cause = new Error('inner');
    const error = new ExampleOptionsError('ERR_EXAMPLE_INVALID_OPTION', 'timeoutMs must be positive', {
      cause,
    });
    expect(error).toBeInstanceOf(OptionsError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ExampleOptionsError',
      code: 'ERR_EXAMPLE_INVALID_OPTION',
      message: 'timeoutMs must be positive',
      cause,
    });
  });
});
