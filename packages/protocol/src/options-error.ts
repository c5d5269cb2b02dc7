/**
 * The options given to a package's factory cannot work. Each package throws its own subclass
 * (`ChainOptionsError`, `IdentityOptionsError`, `UpstreamOptionsError`, `UpstreamSwapOptionsError`,
 * `MockIdpOptionsError`) with a literal-union `code`; all are thrown at creation, never per request,
 * and their messages name the option, never its value. An app can catch any of them as `OptionsError`.
 */
export class OptionsError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
