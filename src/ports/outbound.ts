/** Outbound HTTP to URLs users choose (OpenAI-compatible base URLs), behind an SSRF policy. */
export interface OutboundHttp {
  /** Whether private, loopback and link-local targets are allowed (local mode) or refused (production). */
  readonly allowPrivate: boolean;
  /** Throws OutboundRefusedError when the URL's scheme is not http(s) or its host resolves to a refused address. */
  assertAllowed(url: string): Promise<void>;
  /** fetch that re-checks every address it actually connects to (so DNS rebinding cannot get around it). */
  readonly fetch: typeof globalThis.fetch;
}

export class OutboundRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}
