import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { isPrivateAddress } from '../../lib/network-policy.js';
import { OutboundRefusedError, type OutboundHttp } from '../../ports/outbound.js';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * SSRF guard: checks a URL before it is stored, and checks every resolved address at connect time
 * (undici `connect.lookup`), so a hostname that later resolves to 169.254.169.254 or 127.0.0.1 is
 * refused when the request is made, not only when the URL was saved.
 */
export class GuardedOutboundHttp implements OutboundHttp {
  readonly fetch: typeof globalThis.fetch;
  private readonly agent: Agent | undefined;

  constructor(readonly allowPrivate: boolean) {
    if (allowPrivate) {
      this.agent = undefined;
      this.fetch = globalThis.fetch;
      return;
    }
    const lookup = (hostname: string, options: object, callback: LookupCallback) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, []);
        const list = addresses as LookupAddress[];
        const refused = list.find((a) => isPrivateAddress(a.address));
        if (refused) {
          return callback(new OutboundRefusedError(`${hostname} resolves to a private address`), []);
        }
        const all = (options as { all?: boolean }).all;
        if (all) return callback(null, list);
        return callback(null, list[0]!.address, list[0]!.family);
      });
    };
    this.agent = new Agent({ connect: { lookup } });
    const agent = this.agent;
    this.fetch = (async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      // IP literals skip DNS (and so the lookup hook): check them here.
      if (isIP(url.hostname.replace(/^\[|\]$/g, '')) && isPrivateAddress(url.hostname)) {
        throw new OutboundRefusedError(`${url.hostname} is a private address`);
      }
      return undiciFetch(input as never, { ...(init as object), dispatcher: agent } as never);
    }) as unknown as typeof globalThis.fetch;
  }

  async assertAllowed(raw: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundRefusedError('not a valid URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new OutboundRefusedError('only http and https URLs are allowed');
    }
    if (url.username || url.password) throw new OutboundRefusedError('URLs with credentials are not allowed');
    if (this.allowPrivate) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host)
      ? [host]
      : await new Promise<string[]>((resolve, reject) =>
          dnsLookup(host, { all: true }, (err, list) =>
            err ? reject(err) : resolve(list.map((a) => a.address)),
          ),
        ).catch(() => {
          throw new OutboundRefusedError(`${host} does not resolve`);
        });
    if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
      throw new OutboundRefusedError(`${host} is a private, loopback or link-local address`);
    }
  }
}
