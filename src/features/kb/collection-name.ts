import { z } from '@hono/zod-openapi';

/** Collection names users may create: short, URL-safe; `engify` is reserved for the shared one. */
export const COLLECTION_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const CollectionName = z
  .string()
  .regex(COLLECTION_NAME, 'lowercase letters, digits and dashes, 1–40 characters');
