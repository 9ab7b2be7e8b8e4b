import type { KeyVault, SealedSecret } from '../../ports/key-vault.js';
import type { Logger } from '../../ports/logger.js';
import type { ProviderKeyStore, StoredProviderKey } from '../../ports/provider-key-store.js';

export interface RotationResult {
  /** Master key everything was rewrapped to. */
  masterKeyId: string;
  scanned: number;
  rewrapped: number;
  /** Already under the current master key (including rows someone else rewrapped meanwhile). */
  alreadyCurrent: number;
  /** Deleted while the rotation ran. */
  deleted: number;
  /** Could not be rewrapped (unknown master key, tampered, KMS error, or kept changing). */
  failed: number;
}

type Outcome = 'rewrapped' | 'alreadyCurrent' | 'deleted' | 'failed';

const contextOf = (k: StoredProviderKey) => ({ userId: k.userId, keyId: k.id, provider: k.provider });

/**
 * Re-wraps every stored provider key that is not under the vault's current master key. Only the
 * data keys are unwrapped; provider keys are never decrypted. Writes are compare-and-swap, so keys
 * users add, replace or delete meanwhile are not clobbered.
 */
export async function rotateMasterKey(
  vault: KeyVault,
  store: ProviderKeyStore,
  logger: Logger,
  options: { pageSize?: number } = {},
): Promise<RotationResult> {
  const pageSize = options.pageSize ?? 200;
  const masterKeyId = await vault.currentMasterKeyId();
  const result: RotationResult = {
    masterKeyId,
    scanned: 0,
    rewrapped: 0,
    alreadyCurrent: 0,
    deleted: 0,
    failed: 0,
  };

  const rotateOne = async (key: StoredProviderKey): Promise<Outcome> => {
    let row: StoredProviderKey | null = key;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!row) return 'deleted';
      if (row.sealed.masterKeyId === masterKeyId) return 'alreadyCurrent';
      const next: SealedSecret = await vault.rewrap(row.sealed, contextOf(row));
      if (await store.replaceSealed(row.id, row.sealed, next)) return 'rewrapped';
      row = await store.get(row.userId, row.id); // changed or deleted meanwhile: look again, once
    }
    if (!row) return 'deleted';
    if (row.sealed.masterKeyId === masterKeyId) return 'alreadyCurrent';
    logger.warn({ providerKeyId: key.id }, 'provider key kept changing during rotation; not rewrapped');
    return 'failed';
  };

  let after: string | null = null;
  for (;;) {
    const page = await store.listAllSealed(after, pageSize);
    for (const key of page) {
      result.scanned++;
      let outcome: Outcome;
      try {
        outcome = await rotateOne(key);
      } catch (err) {
        // The key id and master key id only: never the sealed value.
        logger.warn(
          { providerKeyId: key.id, masterKeyId: key.sealed.masterKeyId, err: errorSummary(err) },
          'could not rewrap a stored provider key',
        );
        outcome = 'failed';
      }
      result[outcome]++;
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  logger.info({ ...result }, 'master key rotation finished');
  return result;
}

/** How many stored provider keys each master key id wraps. */
export async function masterKeyUsage(store: ProviderKeyStore, pageSize = 500): Promise<Map<string, number>> {
  const usage = new Map<string, number>();
  let after: string | null = null;
  for (;;) {
    const page = await store.listAllSealed(after, pageSize);
    for (const key of page) usage.set(key.sealed.masterKeyId, (usage.get(key.sealed.masterKeyId) ?? 0) + 1);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  return usage;
}

function errorSummary(err: unknown): { name: string; code?: string; message: string } {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, ...(typeof code === 'string' ? { code } : {}), message: err.message };
}
