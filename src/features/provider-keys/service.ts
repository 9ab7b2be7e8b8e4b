import { randomUUID } from 'node:crypto';
import { AppError } from '../../lib/errors.js';
import { isStale } from '../../lib/last-used.js';
import type { KeyVault } from '../../ports/key-vault.js';
import { LlmError, type LlmClient } from '../../ports/llm.js';
import { OutboundRefusedError, type OutboundHttp } from '../../ports/outbound.js';
import type {
  Provider,
  ProviderKey,
  ProviderKeyStore,
  StoredProviderKey,
} from '../../ports/provider-key-store.js';

/** `sk-proj-abc…wxyz` → `sk-…wxyz`: enough to recognise a key, useless to anyone else. */
export function maskKey(key: string): string {
  const head = /^[a-z]{2,4}-/i.exec(key)?.[0] ?? '';
  return key.length >= 12 ? `${head}…${key.slice(-4)}` : '…';
}

export interface ResolvedKey {
  key: StoredProviderKey;
  apiKey: string;
}

/** Users' own provider keys (BYOK): stored sealed, shown masked, decrypted only to make a call. */
export class ProviderKeyService {
  constructor(
    private readonly store: ProviderKeyStore,
    private readonly vault: KeyVault,
    private readonly outbound: OutboundHttp,
    private readonly llm: LlmClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    userId: string,
    input: { provider: Provider; apiKey: string; label?: string | undefined; baseURL?: string | undefined },
  ): Promise<ProviderKey> {
    if (input.provider === 'openai-compatible' && !input.baseURL) {
      throw AppError.badRequest('invalid_request', 'baseURL is required for openai-compatible keys', {
        fields: [{ field: 'body.baseURL', message: 'required for openai-compatible' }],
      });
    }
    if (input.baseURL) {
      try {
        await this.outbound.assertAllowed(input.baseURL);
      } catch (err) {
        if (!(err instanceof OutboundRefusedError)) throw err;
        throw AppError.badRequest('base_url_refused', `baseURL is not allowed: ${err.message}`, {
          fields: [{ field: 'body.baseURL', message: err.message }],
        });
      }
    }
    const id = randomUUID();
    const sealed = await this.vault.seal(input.apiKey, { userId, keyId: id, provider: input.provider });
    const key: StoredProviderKey = {
      id,
      userId,
      provider: input.provider,
      label: input.label ?? null,
      baseURL: input.baseURL?.replace(/\/$/, '') ?? null,
      mask: maskKey(input.apiKey),
      createdAt: this.now().toISOString(),
      lastUsedAt: null,
      sealed,
    };
    await this.store.create(key);
    const { sealed: _sealed, ...shown } = key;
    return shown;
  }

  list(userId: string): Promise<ProviderKey[]> {
    return this.store.list(userId);
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!(await this.store.delete(userId, id))) throw AppError.notFound('Provider key');
  }

  private async open(key: StoredProviderKey): Promise<string> {
    return this.vault.open(key.sealed, { userId: key.userId, keyId: key.id, provider: key.provider });
  }

  /** Checks a stored key with a cheap authenticated call (listing models). */
  async test(userId: string, id: string): Promise<{ ok: boolean; code?: string; message?: string }> {
    const key = await this.store.get(userId, id);
    if (!key) throw AppError.notFound('Provider key');
    try {
      await this.llm.verifyKey({
        provider: key.provider,
        apiKey: await this.open(key),
        baseURL: key.baseURL,
        signal: AbortSignal.timeout(15_000),
      });
      await this.store.touch(key.id, this.now().toISOString());
      return { ok: true };
    } catch (err) {
      if (!(err instanceof LlmError)) throw err;
      return { ok: false, code: err.code, message: err.message };
    }
  }

  /**
   * The key a run uses: `keyId` if given; else the first stored key of the requested provider; else
   * of the user's default provider; else the first key they stored.
   */
  async resolve(
    userId: string,
    wanted: { provider?: Provider | undefined; keyId?: string | undefined },
  ): Promise<ResolvedKey> {
    let key: StoredProviderKey | null = null;
    if (wanted.keyId) {
      key = await this.store.get(userId, wanted.keyId);
      if (!key) throw AppError.notFound('Provider key');
      if (wanted.provider && key.provider !== wanted.provider) {
        throw AppError.badRequest(
          'invalid_request',
          `keyId is a ${key.provider} key, not ${wanted.provider}`,
        );
      }
    } else {
      const provider =
        wanted.provider ??
        (await this.store.getDefaultProvider(userId)) ??
        (await this.store.list(userId))[0]?.provider;
      if (provider) key = await this.store.firstOfProvider(userId, provider);
    }
    if (!key) {
      throw AppError.badRequest(
        'no_provider_key',
        wanted.provider
          ? `You have no ${wanted.provider} key yet; add one in Settings → Provider keys`
          : 'You have no provider key yet; add one in Settings → Provider keys',
      );
    }
    const now = this.now();
    if (isStale(key.lastUsedAt, now)) await this.store.touch(key.id, now.toISOString());
    return { key, apiKey: await this.open(key) };
  }

  getDefaultProvider(userId: string): Promise<Provider | null> {
    return this.store.getDefaultProvider(userId);
  }

  setDefaultProvider(userId: string, provider: Provider | null): Promise<void> {
    return this.store.setDefaultProvider(userId, provider);
  }
}
