// Envelope encryption with master keys held by this process: ENGIFY_MASTER_KEY (+ previous keys), or a
// keyring file generated into DATA_DIR on first start. See docs/decisions/0009-key-vault.md.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { VaultError, type KeyVault, type SealedSecret, type SecretContext } from '../../ports/key-vault.js';
import type { Logger } from '../../ports/logger.js';
import {
  IV_BYTES,
  KEY_BYTES,
  TAG_BYTES,
  assertSealed,
  b64,
  decryptSecret,
  encryptSecret,
  gcmDecrypt,
  gcmEncrypt,
  wrapAad,
} from './envelope.js';

/** Name of the generated keyring file inside DATA_DIR. */
export const KEYRING_FILE = 'master.keys.json';

export interface MasterKeyring {
  /** Id of the key new secrets are sealed (and rewrapped) under. */
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** First 8 hex chars of SHA-256 of the key: identifies a key without revealing it. */
export function masterKeyFingerprint(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The keyring of ENGIFY_MASTER_KEY (current) and ENGIFY_MASTER_KEYS_PREVIOUS; ids are `env-<fingerprint>`. */
export function envKeyring(current: Uint8Array, previous: readonly Uint8Array[] = []): MasterKeyring {
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...previous]) {
    if (key.length !== KEY_BYTES) throw new VaultError('unavailable', 'master keys must be 32 bytes');
    keys.set(`env-${masterKeyFingerprint(key)}`, Buffer.from(key));
  }
  return { current: `env-${masterKeyFingerprint(current)}`, keys };
}

/** A new random master key with a `local-<fingerprint>` id unused in `existing`. */
export function generateMasterKey(existing: ReadonlyMap<string, unknown> = new Map()): {
  id: string;
  key: Buffer;
} {
  for (;;) {
    const key = randomBytes(KEY_BYTES);
    const id = `local-${masterKeyFingerprint(key)}`;
    if (!existing.has(id)) return { id, key };
  }
}

// ---------------------------------------------------------------------------------------------------
// Keyring file: {"current": id, "keys": {id: base64}}, mode 0600, replaced atomically.

const KEY_B64 = /^[A-Za-z0-9+/]{43}=$/;
const KeyringFileSchema = z.object({
  current: z.string().min(1),
  keys: z.record(z.string().min(1), z.string()),
});

interface LoadedKeyring {
  ring: MasterKeyring;
  /** Identity of the file version read, to notice replacement cheaply. */
  stamp: string;
}

const stampOf = (st: Stats) => `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

function assertPrivate(file: string, st: Stats): void {
  if (!st.isFile()) throw new VaultError('unavailable', `master key file ${file} is not a regular file`);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new VaultError(
      'unavailable',
      `master key file ${file} is accessible by group or others (mode ${(st.mode & 0o777).toString(8)}); ` +
        `it holds the keys that decrypt every stored provider key. Restrict it with: chmod 600 ${file}`,
    );
  }
}

function parseKeyring(file: string, text: string): MasterKeyring {
  const invalid = (why: string) =>
    new VaultError('unavailable', `master key file ${file} is invalid: ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  const parsed = KeyringFileSchema.safeParse(json);
  if (!parsed.success) throw invalid('expected {"current": id, "keys": {id: base64}}');
  const keys = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(parsed.data.keys)) {
    if (!KEY_B64.test(value)) throw invalid(`key "${id}" is not base64 of 32 bytes`);
    keys.set(id, Buffer.from(value, 'base64'));
  }
  if (!keys.has(parsed.data.current)) throw invalid(`current key "${parsed.data.current}" is not in keys`);
  return { current: parsed.data.current, keys };
}

function readKeyring(file: string): LoadedKeyring | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new VaultError('unavailable', `cannot read master key file ${file}`, { cause: err });
  }
  try {
    const st = fstatSync(fd);
    assertPrivate(file, st);
    return { ring: parseKeyring(file, readFileSync(fd, 'utf8')), stamp: stampOf(st) };
  } finally {
    closeSync(fd);
  }
}

/** Reads and validates the keyring file (refusing group/world-accessible files); null when missing. */
export function readKeyringFile(file: string): MasterKeyring | null {
  return readKeyring(file)?.ring ?? null;
}

function serialize(ring: MasterKeyring): string {
  const keys = Object.fromEntries([...ring.keys].map(([id, key]) => [id, key.toString('base64')]));
  return `${JSON.stringify({ current: ring.current, keys }, null, 2)}\n`;
}

function writeTemp(file: string, ring: MasterKeyring): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeFileSync(fd, serialize(ring));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not supported everywhere (e.g. Windows); the rename itself is still atomic.
  }
}

/** Replaces the keyring file atomically (temp file with mode 0600, fsync, rename). */
export function writeKeyringFile(file: string, ring: MasterKeyring): void {
  if (!ring.keys.has(ring.current)) throw new Error('the current master key must be in the keyring');
  const tmp = writeTemp(file, ring);
  try {
    renameSync(tmp, file);
  } catch (err) {
    unlinkSync(tmp);
    throw err;
  }
  syncDir(dirname(file));
}

/** Creates the keyring file only if none exists (a concurrent first start keeps the other's). */
function createKeyringFile(file: string, ring: MasterKeyring): boolean {
  const tmp = writeTemp(file, ring);
  try {
    linkSync(tmp, file);
    syncDir(dirname(file));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

/** Adds a freshly generated master key to the keyring file and makes it current. Returns its id. */
export function addMasterKeyToFile(file: string): string {
  const ring = readKeyringFile(file);
  if (!ring) throw new VaultError('unavailable', `no master key file at ${file}`);
  const { id, key } = generateMasterKey(ring.keys);
  writeKeyringFile(file, { current: id, keys: new Map([...ring.keys, [id, key]]) });
  return id;
}

/** Removes the given (non-current) keys from the keyring file. Returns the ids actually removed. */
export function removeMasterKeysFromFile(file: string, ids: readonly string[]): string[] {
  const ring = readKeyringFile(file);
  if (!ring) throw new VaultError('unavailable', `no master key file at ${file}`);
  const removed = ids.filter((id) => id !== ring.current && ring.keys.has(id));
  if (removed.length === 0) return [];
  const keys = new Map([...ring.keys].filter(([id]) => !removed.includes(id)));
  writeKeyringFile(file, { current: ring.current, keys });
  return removed;
}

// ---------------------------------------------------------------------------------------------------

const WRAPPED_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;

/**
 * KeyVault with AES-256-GCM envelope encryption: a fresh data key per secret, wrapped by a master
 * key from a keyring (env keys or the keyring file). With a keyring file, a value under an unknown
 * master key id makes it re-read the file once, and sealing notices a replaced file, so running
 * servers follow a `keys:rotate` without restarting.
 */
export class LocalKeyVault implements KeyVault {
  readonly kind = 'local';
  private ring!: MasterKeyring;
  private byFingerprint = new Map<string, Buffer>();
  private stamp = '';

  private constructor(
    ring: MasterKeyring,
    private readonly file?: string,
    private readonly logger?: Logger,
  ) {
    this.use(ring);
  }

  /** A vault over fixed keys (ENGIFY_MASTER_KEY and ENGIFY_MASTER_KEYS_PREVIOUS). */
  static fromKeys(current: Uint8Array, previous: readonly Uint8Array[] = []): LocalKeyVault {
    return new LocalKeyVault(envKeyring(current, previous));
  }

  /**
   * A vault over the keyring file, generated (mode 0600) when missing. Refuses files that group or
   * others can access.
   */
  static fromKeyFile(file: string, logger: Logger): LocalKeyVault {
    let loaded = readKeyring(file);
    if (!loaded) {
      const { id, key } = generateMasterKey();
      if (createKeyringFile(file, { current: id, keys: new Map([[id, key]]) })) {
        logger.warn(
          { keyFile: file, masterKeyId: id },
          `Generated a new master key file at ${file}. Back it up: without it the stored provider API ` +
            'keys cannot be decrypted. In production, set ENGIFY_MASTER_KEY or KMS_KEY_ID instead.',
        );
      }
      loaded = readKeyring(file);
      if (!loaded) throw new VaultError('unavailable', `cannot create master key file ${file}`);
    }
    const vault = new LocalKeyVault(loaded.ring, file, logger);
    vault.stamp = loaded.stamp;
    return vault;
  }

  private use(ring: MasterKeyring): void {
    this.ring = ring;
    this.byFingerprint = new Map([...ring.keys.values()].map((k) => [masterKeyFingerprint(k), k]));
  }

  private reload(): void {
    if (!this.file) return;
    const loaded = readKeyring(this.file);
    if (!loaded) throw new VaultError('unavailable', `master key file ${this.file} is missing`);
    const previous = this.ring.current;
    this.use(loaded.ring);
    this.stamp = loaded.stamp;
    this.logger?.info(
      { masterKeyId: loaded.ring.current, previousMasterKeyId: previous },
      'reloaded the master keyring',
    );
  }

  /** Picks up a keyring file replaced by `keys:rotate` (a stat per call; seals are rare). */
  private refreshIfChanged(): void {
    if (!this.file) return;
    let st: Stats;
    try {
      st = statSync(this.file);
    } catch (err) {
      throw new VaultError('unavailable', `master key file ${this.file} is missing`, { cause: err });
    }
    if (stampOf(st) !== this.stamp) this.reload();
  }

  /**
   * The master key for an id. Keys are also found by fingerprint, so a value sealed under the key
   * file's `local-ab12cd34` opens with the same key given as ENGIFY_MASTER_KEY (`env-ab12cd34`).
   */
  private find(id: string): Buffer | undefined {
    const fingerprint = /-([0-9a-f]{8})$/.exec(id)?.[1];
    return this.ring.keys.get(id) ?? (fingerprint ? this.byFingerprint.get(fingerprint) : undefined);
  }

  private masterKey(id: string): Buffer {
    let key = this.find(id);
    if (!key && this.file) {
      this.reload();
      key = this.find(id);
    }
    if (!key) {
      throw new VaultError(
        'unknown_master_key',
        `sealed under master key "${id}", which is not in the keyring`,
      );
    }
    return key;
  }

  private current(): { id: string; key: Buffer } {
    const key = this.ring.keys.get(this.ring.current);
    if (!key) throw new VaultError('unavailable', 'the current master key is missing from the keyring');
    return { id: this.ring.current, key };
  }

  private wrap(dataKey: Buffer, context: SecretContext): { wrappedKey: string; masterKeyId: string } {
    const { id, key } = this.current();
    const { iv, data } = gcmEncrypt(key, dataKey, wrapAad(id, context));
    return { wrappedKey: Buffer.concat([iv, data]).toString('base64'), masterKeyId: id };
  }

  private unwrap(sealed: SealedSecret, context: SecretContext): Buffer {
    assertSealed(sealed);
    const raw = b64(sealed.wrappedKey, 'wrappedKey');
    if (raw.length !== WRAPPED_BYTES)
      throw new VaultError('decrypt_failed', 'sealed value is malformed (wrappedKey)');
    const aad = wrapAad(sealed.masterKeyId, context);
    return gcmDecrypt(
      this.masterKey(sealed.masterKeyId),
      raw.subarray(0, IV_BYTES),
      raw.subarray(IV_BYTES),
      aad,
    );
  }

  async seal(plaintext: string, context: SecretContext): Promise<SealedSecret> {
    this.refreshIfChanged();
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const { iv, ciphertext } = encryptSecret(dataKey, plaintext, context);
      const { wrappedKey, masterKeyId } = this.wrap(dataKey, context);
      return { alg: 'A256GCM', iv, ciphertext, wrappedKey, masterKeyId };
    } finally {
      dataKey.fill(0);
    }
  }

  async open(sealed: SealedSecret, context: SecretContext): Promise<string> {
    const dataKey = this.unwrap(sealed, context);
    try {
      return decryptSecret(dataKey, sealed, context);
    } finally {
      dataKey.fill(0);
    }
  }

  async rewrap(sealed: SealedSecret, context: SecretContext): Promise<SealedSecret> {
    this.refreshIfChanged();
    const dataKey = this.unwrap(sealed, context);
    try {
      const { wrappedKey, masterKeyId } = this.wrap(dataKey, context);
      return { alg: 'A256GCM', iv: sealed.iv, ciphertext: sealed.ciphertext, wrappedKey, masterKeyId };
    } finally {
      dataKey.fill(0);
    }
  }

  async currentMasterKeyId(): Promise<string> {
    this.refreshIfChanged();
    return this.ring.current;
  }
}
