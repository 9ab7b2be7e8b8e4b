// A stand-in for AWS KMS built on aws-sdk-client-mock that really encrypts (AES-256-GCM via
// node:crypto), so vault tests exercise real wrapping, encryption-context binding and tampering.
// Faithful to the documented behaviour we rely on: GenerateDataKey returns a 32-byte plaintext data
// key and an opaque blob that names its KMS key; Decrypt/ReEncrypt need the same encryption context
// (else InvalidCiphertextException) and, when KeyId/SourceKeyId is given, the key that wrapped the blob
// (else IncorrectKeyException); responses carry the key ARN. Not modelled: IAM/grants, throttling,
// key states, the real blob format, multi-region keys.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  NotFoundException,
  ReEncryptCommand,
  type DecryptCommandInput,
  type DescribeKeyCommandInput,
  type GenerateDataKeyCommandInput,
  type ReEncryptCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const meta = { $metadata: {} };

/** Encryption context as AAD, independent of property order (as in KMS). */
function contextAad(context: Record<string, string> | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

export class FakeKms {
  readonly client = new KMSClient({
    region: REGION,
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
  });
  readonly mock: AwsClientStub<KMSClient> = mockClient(this.client);
  /** Every plaintext data key handed out, to check the vault wipes the SDK's copy. */
  readonly handedOut: Uint8Array[] = [];
  private readonly keys = new Map<string, Buffer>();
  private readonly aliases = new Map<string, string>();

  constructor() {
    this.install();
  }

  /** Creates a KMS key (optionally with an alias name like `alias/engify`); returns its ARN. */
  createKey(alias?: string): string {
    const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${randomUUID()}`;
    this.keys.set(arn, randomBytes(32));
    if (alias) this.aliases.set(alias, arn);
    return arn;
  }

  /** (Re)installs the faithful behaviour, e.g. after a test overrode a command with `mock.on(...)`. */
  install(): void {
    this.mock.reset();
    this.mock
      .on(GenerateDataKeyCommand)
      .callsFake((i: GenerateDataKeyCommandInput) => this.generateDataKey(i));
    this.mock.on(DecryptCommand).callsFake((i: DecryptCommandInput) => this.decrypt(i));
    this.mock.on(ReEncryptCommand).callsFake((i: ReEncryptCommandInput) => this.reEncrypt(i));
    this.mock.on(DescribeKeyCommand).callsFake((i: DescribeKeyCommandInput) => ({
      KeyMetadata: { KeyId: this.resolve(i.KeyId).split('/').pop(), Arn: this.resolve(i.KeyId) },
    }));
  }

  private resolve(keyId: string | undefined): string {
    if (keyId) {
      if (this.keys.has(keyId)) return keyId;
      const alias = this.aliases.get(keyId.replace(/^arn:aws:kms:[^:]+:\d+:/, ''));
      if (alias) return alias;
      const byId = [...this.keys.keys()].find((arn) => arn.endsWith(`/${keyId}`));
      if (byId) return byId;
    }
    throw new NotFoundException({ message: `Key '${keyId}' does not exist`, ...meta });
  }

  private wrap(arn: string, dataKey: Uint8Array, context: Record<string, string> | undefined): Uint8Array {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(arn)!, iv);
    cipher.setAAD(contextAad(context));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    const name = Buffer.from(arn, 'utf8');
    return new Uint8Array(Buffer.concat([Buffer.from([name.length]), name, iv, body]));
  }

  private unwrap(
    blob: Uint8Array | undefined,
    keyId: string | undefined,
    context: Record<string, string> | undefined,
  ): { arn: string; dataKey: Buffer } {
    const invalid = () => new InvalidCiphertextException({ message: 'InvalidCiphertextException', ...meta });
    if (!blob || blob.length < 1) throw invalid();
    const buf = Buffer.from(blob);
    const n = buf[0]!;
    if (buf.length !== 1 + n + 12 + 32 + 16) throw invalid();
    const arn = buf.subarray(1, 1 + n).toString('utf8');
    if (keyId !== undefined && this.resolve(keyId) !== arn) {
      throw new IncorrectKeyException({ message: 'The key ID in the request does not match', ...meta });
    }
    const key = this.keys.get(arn);
    if (!key) throw invalid();
    const iv = buf.subarray(1 + n, 13 + n);
    const body = buf.subarray(13 + n);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(contextAad(context));
      decipher.setAuthTag(body.subarray(32));
      return { arn, dataKey: Buffer.concat([decipher.update(body.subarray(0, 32)), decipher.final()]) };
    } catch {
      throw invalid();
    }
  }

  private generateDataKey(input: GenerateDataKeyCommandInput) {
    if (input.KeySpec !== 'AES_256') throw new Error('fake KMS only models KeySpec AES_256');
    const arn = this.resolve(input.KeyId);
    const plaintext = new Uint8Array(randomBytes(32));
    this.handedOut.push(plaintext);
    return {
      KeyId: arn,
      Plaintext: plaintext,
      CiphertextBlob: this.wrap(arn, plaintext, input.EncryptionContext),
    };
  }

  private decrypt(input: DecryptCommandInput) {
    const { arn, dataKey } = this.unwrap(input.CiphertextBlob, input.KeyId, input.EncryptionContext);
    const plaintext = new Uint8Array(dataKey);
    this.handedOut.push(plaintext);
    return { KeyId: arn, Plaintext: plaintext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  }

  private reEncrypt(input: ReEncryptCommandInput) {
    const source = this.unwrap(input.CiphertextBlob, input.SourceKeyId, input.SourceEncryptionContext);
    const destination = this.resolve(input.DestinationKeyId);
    const blob = this.wrap(destination, source.dataKey, input.DestinationEncryptionContext);
    source.dataKey.fill(0);
    return { SourceKeyId: source.arn, KeyId: destination, CiphertextBlob: blob };
  }
}
