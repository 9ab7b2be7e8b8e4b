import { z } from '@hono/zod-openapi';

export const Email = z
  .email({ error: 'must be an email address' })
  .max(254)
  .openapi({ example: 'ada@example.com' });
export const Password = z
  .string()
  .min(10, { error: 'must be at least 10 characters' })
  .max(256, { error: 'must be at most 256 characters' })
  .openapi({ example: 'correct-horse-battery-staple' });

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(['user', 'admin']),
    tier: z.enum(['free', 'pro', 'team']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('User');

export const SignUpRequest = z
  .object({ email: Email, password: Password, name: z.string().trim().min(1).max(100).optional() })
  .strict()
  .openapi('SignUpRequest');
export const SignInRequest = z
  .object({ email: Email, password: z.string().min(1).max(256) })
  .strict()
  .openapi('SignInRequest');
export const SignOutRequest = z
  .object({ everywhere: z.boolean().default(false) })
  .strict()
  .openapi('SignOutRequest');

export const UserResponse = z.object({ user: User }).openapi('UserResponse');
export const MeResponse = z.object({ user: User, via: z.enum(['session', 'api_key']) }).openapi('Me');

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ example: 'egk_Ab12Cd34' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('ApiKey');
export const CreateApiKeyRequest = z
  .object({ name: z.string().trim().min(1).max(80) })
  .strict()
  .openapi('CreateApiKeyRequest');
export const CreatedApiKey = z
  .object({ key: z.string().openapi({ description: 'Shown once; only a hash is stored' }), apiKey: ApiKey })
  .openapi('CreatedApiKey');
