import { OptionsError } from '@auth/protocol';

/** The options given to `startMockIdp` (or the CLI) cannot work; the message names the option. */
export class MockIdpOptionsError extends OptionsError<'invalid_options'> {
  constructor(message: string) {
    super('invalid_options', message);
  }
}
