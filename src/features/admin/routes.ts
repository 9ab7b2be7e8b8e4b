import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireAdmin } from '../../http/auth.js';
import type { AppEnv } from '../../http/env.js';
import { AppError } from '../../lib/errors.js';
import type { AccountStore } from '../../ports/account-store.js';
import { User } from '../auth/schema.js';
import { ErrorResponse, jsonContent, signedIn } from '../shared-schema.js';

const listUsers = createRoute({
  method: 'get',
  path: '/admin/users',
  tags: ['Admin'],
  summary: 'List users (admins only)',
  security: signedIn,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
  },
  responses: {
    200: jsonContent(z.object({ items: z.array(User), total: z.number().int() }), 'Users'),
    401: jsonContent(ErrorResponse, 'Not signed in'),
    403: jsonContent(ErrorResponse, 'Not an admin'),
  },
});

const updateUser = createRoute({
  method: 'patch',
  path: '/admin/users/{id}',
  tags: ['Admin'],
  summary: "Change a user's tier or role (admins only)",
  security: signedIn,
  request: {
    params: z.object({ id: z.uuid() }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              tier: z.enum(['free', 'pro', 'team']).optional(),
              role: z.enum(['user', 'admin']).optional(),
            })
            .strict()
            .refine((v) => v.tier !== undefined || v.role !== undefined, { error: 'send tier or role' }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(User, 'Updated user'),
    400: jsonContent(ErrorResponse, 'Invalid input'),
    401: jsonContent(ErrorResponse, 'Not signed in'),
    403: jsonContent(ErrorResponse, 'Not an admin'),
    404: jsonContent(ErrorResponse, 'No such user'),
  },
});

export function adminRoutes(app: OpenAPIHono<AppEnv>, accounts: AccountStore): void {
  app.openapi(listUsers, async (c) => {
    requireAdmin(c);
    return c.json(await accounts.listUsers(c.req.valid('query')), 200);
  });
  app.openapi(updateUser, async (c) => {
    const admin = requireAdmin(c);
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json');
    if (id === admin.user.id && patch.role === 'user') {
      throw new AppError(409, 'conflict', 'You cannot remove your own admin role; ask another admin');
    }
    const user = await accounts.updateUser(id, patch);
    if (!user) throw AppError.notFound('User');
    return c.json(user, 200);
  });
}
