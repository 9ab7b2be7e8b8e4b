import { createHash, randomBytes } from 'node:crypto';

/** A fresh 256-bit secret, URL-safe. */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Tokens are high-entropy, so a plain SHA-256 is the right lookup hash (no salt or stretching needed). */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export const API_KEY_PREFIX = 'egk_';
export const newApiKey = (): string => `${API_KEY_PREFIX}${newSecret(24)}`;
/** The part of a key that is safe to show again: `egk_` plus 8 characters. */
export const apiKeyDisplayPrefix = (key: string): string => key.slice(0, API_KEY_PREFIX.length + 8);
