/**
 * Why a client metadata document cannot be used. The message is public: it goes on the error
 * page of `/oauth/authorize` (never a redirect) and names the host, a status or a field, never
 * the document's content.
 */
export class MetadataDocumentError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MetadataDocumentError';
  }
}
