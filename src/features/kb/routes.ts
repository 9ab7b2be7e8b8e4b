import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { requireAdmin, requireUser } from '../../http/auth.js';
import type { AppEnv } from '../../http/env.js';
import { AppError } from '../../lib/errors.js';
import type { JobQueue } from '../../ports/job-queue.js';
import { BUILTIN_COLLECTION, type KbDocument as KbDocumentRow } from '../../ports/knowledge-store.js';
import { errorContent, jsonBody, jsonContent, signedIn } from '../shared-schema.js';
import { CollectionName } from './collection-name.js';
import type { KnowledgeBaseService } from './service.js';

const DocumentStatus = z.enum(['queued', 'processing', 'ready', 'failed']);

export const KbDocument = z
  .object({
    id: z.string(),
    collection: z.string(),
    title: z.string(),
    filename: z.string(),
    mediaType: z.string().openapi({ example: 'text/markdown' }),
    sizeBytes: z.number().int(),
    status: DocumentStatus,
    chunksDone: z.number().int(),
    chunksTotal: z.number().int(),
    error: z.string().nullable().openapi({ description: 'Why processing failed (status `failed`)' }),
    shared: z.boolean().openapi({ description: 'Part of the built-in collection everyone can read' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('KbDocument');

const Upload = z.object({ document: KbDocument, duplicate: z.boolean() }).openapi('KbUpload', {
  description: '`duplicate` is true when the same content was uploaded before: `document` is that one.',
});

const DocumentPage = z
  .object({ items: z.array(KbDocument), nextCursor: z.string().nullable() })
  .openapi('KbDocumentPage');

const Collections = z
  .object({
    items: z.array(z.object({ name: z.string(), shared: z.boolean(), documents: z.number().int() })),
  })
  .openapi('KbCollections');

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const ListQuery = z.object({
  collection: CollectionName.optional(),
  status: DocumentStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional(),
});

export const RagRequest = z
  .object({
    query: z.string().trim().min(1).max(2000),
    top_k: z.number().int().min(1).max(20).default(5),
    mode: z.enum(['hybrid', 'vector', 'keyword']).default('hybrid'),
    collection: CollectionName.optional().openapi({
      description: `One collection (\`${BUILTIN_COLLECTION}\` is the shared one); default: yours and the shared one`,
    }),
    filter: z
      .object({ documentIds: z.array(z.string().min(1).max(100)).min(1).max(100).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('RagRequest');

export const RagResult = z
  .object({
    chunkId: z.string(),
    documentId: z.string(),
    title: z.string(),
    heading: z.string().nullable(),
    content: z.string(),
    score: z.number().openapi({ description: 'Fused (reciprocal rank fusion) in hybrid mode' }),
    vectorScore: z.number().nullable().openapi({ description: 'Cosine similarity' }),
    keywordScore: z.number().nullable().openapi({ description: '−BM25 (higher is better)' }),
  })
  .openapi('RagResult');

const RagResponse = z
  .object({
    results: z.array(RagResult),
    embedder: z.enum(['minilm', 'lexical-fallback']),
    tookMs: z.number(),
  })
  .openapi('RagResponse');

const EmbedRequest = z
  .object({ texts: z.array(z.string().min(1).max(10_000)).min(1).max(64) })
  .strict()
  .openapi('EmbedRequest');
const EmbedResponse = z
  .object({
    vectors: z.array(z.array(z.number())),
    dimensions: z.number().int(),
    embedder: z.enum(['minilm', 'lexical-fallback']),
  })
  .openapi('EmbedResponse');

const Jobs = z
  .object({
    stats: z.object({ queued: z.number().int(), inFlight: z.number().int(), deadLettered: z.number().int() }),
    deadLetters: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        payload: z.unknown(),
        attempts: z.number().int(),
        lastError: z.string(),
        failedAt: z.string(),
      }),
    ),
  })
  .openapi('JobQueueState');

const notSignedIn = { 401: errorContent('Not signed in') };

export function toKbDocument(doc: KbDocumentRow): z.infer<typeof KbDocument> {
  return {
    id: doc.id,
    collection: doc.collection,
    title: doc.title,
    filename: doc.filename,
    mediaType: doc.mediaType,
    sizeBytes: doc.sizeBytes,
    status: doc.status,
    chunksDone: doc.chunksDone,
    chunksTotal: doc.chunksTotal,
    error: doc.error,
    shared: doc.ownerId === null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function kbRoutes(
  app: OpenAPIHono<AppEnv>,
  kb: KnowledgeBaseService,
  queue: JobQueue,
  options: { maxUploadBytes: number },
): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/kb/documents',
      tags: ['Knowledge base'],
      summary: 'Upload a document to your knowledge base',
      description:
        `multipart/form-data with a \`file\` (.md, .txt, .html or .pdf, up to ${options.maxUploadBytes} bytes; ` +
        'the type is checked from the content) and an optional `collection`. Processing (extract, chunk, ' +
        'embed, index) runs in the background: poll the document until `ready` or `failed`.',
      security: signedIn,
      request: {
        body: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: z.object({
                // Checked by the handler (required), which explains a missing file better than the schema.
                file: z
                  .any()
                  .optional()
                  .openapi({ type: 'string', format: 'binary', description: 'The document (required)' }),
                collection: CollectionName.optional(),
              }),
            },
          },
        },
      },
      responses: {
        202: jsonContent(Upload, 'Stored and queued for processing'),
        200: jsonContent(Upload, 'The same content was uploaded before; its document'),
        400: errorContent('No file, empty file or bad collection name'),
        ...notSignedIn,
        403: errorContent('`quota_exceeded`: the per-user document limit is reached'),
        413: errorContent('Over the upload limit'),
        415: errorContent('Not a Markdown, text, HTML or PDF file'),
      },
    }),
    // The body is parsed here, not by the validator, so every problem gets its own clear error.
    async (c) => {
      const principal = requireUser(c);
      let form: FormData;
      try {
        form = await c.req.formData();
      } catch {
        throw AppError.badRequest('invalid_request', 'The body is not valid multipart/form-data');
      }
      const file = form.get('file');
      if (!(file instanceof File)) {
        throw AppError.badRequest('invalid_request', 'Send the document in a form field named "file"', {
          field: 'file',
        });
      }
      const collection = form.get('collection');
      if (collection !== null && typeof collection !== 'string') {
        throw AppError.badRequest('invalid_request', 'collection must be text', { field: 'collection' });
      }
      const result = await kb.upload(
        principal.user.id,
        { filename: file.name || 'upload', bytes: new Uint8Array(await file.arrayBuffer()) },
        collection || undefined,
      );
      return c.json(
        { document: toKbDocument(result.document), duplicate: result.duplicate },
        result.duplicate ? 200 : 202,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/kb/documents',
      tags: ['Knowledge base'],
      summary: 'Your documents, newest first, with their processing status',
      security: signedIn,
      request: { query: ListQuery },
      responses: { 200: jsonContent(DocumentPage, 'A page of documents'), ...notSignedIn },
    }),
    async (c) => {
      const principal = requireUser(c);
      const query = c.req.valid('query');
      const page = await kb.list(principal.user.id, {
        limit: query.limit,
        ...(query.collection ? { collection: query.collection } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return c.json({ items: page.items.map(toKbDocument), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/kb/documents/{id}',
      tags: ['Knowledge base'],
      summary: 'One document and its processing status',
      security: signedIn,
      request: { params: IdParam },
      responses: {
        200: jsonContent(KbDocument, 'The document'),
        ...notSignedIn,
        404: errorContent('No such document of yours'),
      },
    }),
    async (c) => {
      const principal = requireUser(c);
      return c.json(toKbDocument(await kb.get(principal.user.id, c.req.valid('param').id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/kb/documents/{id}',
      tags: ['Knowledge base'],
      summary: 'Delete a document with its chunks, vectors and file',
      security: signedIn,
      request: { params: IdParam },
      responses: {
        204: { description: 'Deleted' },
        ...notSignedIn,
        403: errorContent('Built-in documents cannot be deleted'),
        404: errorContent('No such document of yours'),
      },
    }),
    async (c) => {
      const principal = requireUser(c);
      await kb.delete(principal.user.id, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/kb/collections',
      tags: ['Knowledge base'],
      summary: 'Your collections and the shared built-in one',
      security: signedIn,
      responses: { 200: jsonContent(Collections, 'Collections with document counts'), ...notSignedIn },
    }),
    async (c) => {
      const principal = requireUser(c);
      return c.json({ items: await kb.collections(principal.user.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/ai/rag',
      tags: ['Knowledge base'],
      summary: 'Search your knowledge base (hybrid vector + keyword)',
      description:
        'Hybrid: cosine kNN over chunk embeddings and BM25 keyword search, fused by reciprocal rank fusion. ' +
        'Each result carries both underlying scores (null when that retriever did not return it).',
      security: signedIn,
      request: jsonBody(RagRequest),
      responses: {
        200: jsonContent(RagResponse, 'The best chunks, best first'),
        400: errorContent('Invalid input'),
        ...notSignedIn,
      },
    }),
    async (c) => {
      const principal = requireUser(c);
      const body = c.req.valid('json');
      const result = await kb.search(principal.user.id, {
        query: body.query,
        topK: body.top_k,
        mode: body.mode,
        collection: body.collection,
        filter: body.filter,
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/ai/embed',
      tags: ['Knowledge base'],
      summary: 'Embed texts with the knowledge-base embedder (384-d, unit length)',
      security: signedIn,
      request: jsonBody(EmbedRequest),
      responses: {
        200: jsonContent(EmbedResponse, 'One vector per text, in order'),
        400: errorContent('Invalid input'),
        ...notSignedIn,
      },
    }),
    async (c) => {
      requireUser(c);
      return c.json(await kb.embed(c.req.valid('json').texts), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/admin/jobs',
      tags: ['Admin'],
      summary: 'Background job queue: counts and dead letters',
      security: signedIn,
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: {
        200: jsonContent(Jobs, 'Queue state'),
        ...notSignedIn,
        403: errorContent('Admins only'),
      },
    }),
    async (c) => {
      requireAdmin(c);
      const [stats, deadLetters] = await Promise.all([
        queue.stats(),
        queue.deadLetters(c.req.valid('query').limit),
      ]);
      return c.json({ stats, deadLetters }, 200);
    },
  );
}
