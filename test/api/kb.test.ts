import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KEYS, startFakeProvider, type FakeProvider } from '../fakes/llm-provider.js';
import { createTestApp, FIXTURE_CONTENT, knowledgeBaseSettled, type TestApp } from '../helpers/app.js';
import { readSse } from '../helpers/sse.js';

// The knowledge base end to end through the HTTP app: real SQLite (FTS5 + sqlite-vec), real blob
// directory, the in-process job worker, the lexical embedder (no model files in this test).

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
let fake: FakeProvider;
const cookies: Record<string, string> = {};

async function signUp(email: string): Promise<string> {
  const res = await t.app.request('/api/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a-long-enough-password' }),
  });
  expect(res.status).toBe(201);
  return /engify_session=[^;]+/.exec(res.headers.get('set-cookie')!)![0];
}

function upload(
  user: string,
  filename: string,
  content: string | Uint8Array<ArrayBuffer>,
  collection?: string,
) {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  if (collection) form.append('collection', collection);
  return t.app.request('/api/kb/documents', {
    method: 'POST',
    headers: { cookie: cookies[user]! },
    body: form,
  });
}

async function call(user: string, method: string, path: string, body?: unknown) {
  return t.app.request(path, {
    method,
    headers: {
      cookie: cookies[user]!,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}
const json = async (res: Response | Promise<Response>) => (await (await res).json()) as Json;

async function blobFiles(): Promise<string[]> {
  const entries = await readdir(join(t.dataDir, 'blobs'), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function waitFor(user: string, id: string, status: string[]): Promise<Json> {
  for (let i = 0; i < 500; i++) {
    const doc = await json(call(user, 'GET', `/api/kb/documents/${id}`));
    if (status.includes(doc.status as string)) return doc;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`document ${id} never reached ${status.join('/')}`);
}

const NOTES = `# Incident review: the Lisbon cache stampede

On Tuesday the product catalogue went down for eleven minutes.

## Timeline

At 09:12 the cache cluster in Lisbon evicted every key at once after a configuration push. Thousands of
requests went straight to the database, which ran out of connections.

## What we changed

We added request coalescing with a per-key lock and jittered expiry times, so keys never expire together.
The runbook now says to roll configuration pushes out one node at a time.
`;

beforeAll(async () => {
  fake = await startFakeProvider();
  t = await createTestApp({
    CONTENT_DIR: FIXTURE_CONTENT,
    KB_MAX_UPLOAD_BYTES: '65536',
    OPENAI_BASE_URL: fake.openaiBaseURL,
  });
  cookies.alice = await signUp('alice@example.com');
  cookies.bob = await signUp('bob@example.com');
  await t.services.backgroundReady;
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('knowledge base', () => {
  let docId: string;

  it('reports the embedder in /api/health', async () => {
    const health = await json(t.app.request('/api/health'));
    expect(health.embeddings).toBe('lexical-fallback');
  });

  it('ingests an upload in the background: queued → ready, with chunks', async () => {
    const res = await upload('alice', 'lisbon-incident.md', NOTES);
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body.duplicate).toBe(false);
    expect(body.document).toMatchObject({
      filename: 'lisbon-incident.md',
      mediaType: 'text/markdown',
      collection: 'default',
      shared: false,
    });
    docId = body.document.id;
    const ready = await waitFor('alice', docId, ['ready', 'failed']);
    expect(ready.status).toBe('ready');
    expect(ready.chunksTotal).toBeGreaterThan(0);
    expect(ready.chunksDone).toBe(ready.chunksTotal);
    // The first H1 becomes the title.
    expect(ready.title).toBe('Incident review: the Lisbon cache stampede');
  });

  it('finds the document first for a phrase in it, in every mode', async () => {
    for (const mode of ['hybrid', 'vector', 'keyword']) {
      const res = await json(
        call('alice', 'POST', '/api/ai/rag', { query: 'request coalescing per-key lock', mode }),
      );
      expect(res.results.length, mode).toBeGreaterThan(0);
      expect(res.results[0].documentId, mode).toBe(docId);
      expect(res.embedder).toBe('lexical-fallback');
      expect(typeof res.tookMs).toBe('number');
    }
    const hybrid = await json(
      call('alice', 'POST', '/api/ai/rag', { query: 'Lisbon cache evicted every key' }),
    );
    const top = hybrid.results[0];
    expect(top.vectorScore).toBeGreaterThan(0);
    expect(top.keywordScore).toBeGreaterThan(0);
    // RRF: a chunk ranked first by both retrievers scores 2/(60+1).
    expect(top.score).toBeCloseTo(2 / 61, 6);
    expect(top.heading).toMatch(/Incident review/);
  });

  it('answers a repeated upload of the same content with the existing document', async () => {
    const res = await upload('alice', 'copy-of-notes.md', NOTES);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ duplicate: true, document: { id: docId } });
    const list = await json(call('alice', 'GET', '/api/kb/documents'));
    expect(list.items.filter((d: Json) => d.title.includes('Lisbon'))).toHaveLength(1);
  });

  it('keeps each user’s documents private', async () => {
    expect((await call('bob', 'GET', `/api/kb/documents/${docId}`)).status).toBe(404);
    expect((await call('bob', 'DELETE', `/api/kb/documents/${docId}`)).status).toBe(404);
    const res = await json(call('bob', 'POST', '/api/ai/rag', { query: 'Lisbon cache stampede coalescing' }));
    expect(res.results.map((r: Json) => r.documentId)).not.toContain(docId);
    const list = await json(call('bob', 'GET', '/api/kb/documents'));
    expect(list.items).toHaveLength(0);
  });

  it('searches the shared built-in collection, which nobody can delete', async () => {
    const res = await json(
      call('bob', 'POST', '/api/ai/rag', {
        query: 'chain of thought reasoning',
        collection: 'engify',
        top_k: 3,
      }),
    );
    expect(res.results.length).toBeGreaterThan(0);
    const shared = await json(call('bob', 'GET', `/api/kb/documents/${res.results[0].documentId}`));
    expect(shared.shared).toBe(true);
    expect((await call('bob', 'DELETE', `/api/kb/documents/${shared.id}`)).status).toBe(403);
    const collections = await json(call('alice', 'GET', '/api/kb/collections'));
    expect(collections.items).toEqual([
      { name: 'engify', shared: true, documents: expect.any(Number) },
      { name: 'default', shared: false, documents: 1 },
    ]);
  });

  it('refuses executables and renamed binaries with 415, and keeps nothing', async () => {
    const blobsBefore = await blobFiles();
    const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(200).fill(0)]);
    const mz = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, ...new Array(200).fill(0)]);
    for (const [name, bytes] of [
      ['tool.exe', mz],
      ['notes.md', elf],
      ['notes.txt', mz],
    ] as const) {
      const res = await upload('bob', name, bytes);
      expect(res.status, name).toBe(415);
      const body = await json(res);
      expect(body.error.code).toBe('unsupported_media_type');
      expect(body.error.message.length).toBeGreaterThan(10);
    }
    const text = await upload('bob', 'script.sh', 'echo hello');
    expect(text.status).toBe(415);
    expect((await json(call('bob', 'GET', '/api/kb/documents'))).items).toHaveLength(0);
    expect(await blobFiles()).toEqual(blobsBefore); // nothing stored for a refused upload
  });

  it('rejects bad uploads with clear 4xx errors', async () => {
    const empty = await upload('bob', 'empty.md', '');
    expect(empty.status).toBe(400);
    const big = await upload('bob', 'big.txt', 'word '.repeat(20_000));
    expect(big.status).toBe(413);
    const noFile = await t.app.request('/api/kb/documents', {
      method: 'POST',
      headers: { cookie: cookies.bob! },
      body: (() => {
        const f = new FormData();
        f.append('other', 'x');
        return f;
      })(),
    });
    expect(noFile.status).toBe(400);
    expect((await json(noFile)).error.details).toEqual({ field: 'file' });
    const asJson = await call('bob', 'POST', '/api/kb/documents', { file: 'hello' });
    expect(asJson.status).toBe(415);
    const badCollection = await upload('bob', 'a.md', '# A\n\nText', 'Not Valid!');
    expect(badCollection.status).toBe(400);
    const reserved = await upload('bob', 'a.md', '# A\n\nText', 'engify');
    expect(reserved.status).toBe(400);
    const anonymous = await t.app.request('/api/kb/documents', { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
  });

  it('marks an unreadable document failed with a reason', async () => {
    const res = await upload('bob', 'broken.pdf', '%PDF-1.7\nthis is not really a pdf\n%%EOF');
    expect(res.status).toBe(202);
    const doc = await waitFor('bob', (await json(res)).document.id, ['ready', 'failed']);
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/PDF/i);
  });

  it('retries a failed document when the same file is uploaded again', async () => {
    const bytes = '%PDF-1.7\nstill not a pdf\n%%EOF';
    const first = await json(upload('bob', 'retry.pdf', bytes));
    const failed = await waitFor('bob', first.document.id, ['ready', 'failed']);
    expect(failed.status).toBe('failed');
    const again = await upload('bob', 'retry.pdf', bytes);
    expect(again.status).toBe(202); // a new attempt, not "duplicate"
    const second = await json(again);
    expect(second.duplicate).toBe(false);
    expect(second.document.id).not.toBe(first.document.id);
    expect((await call('bob', 'GET', `/api/kb/documents/${first.document.id}`)).status).toBe(404);
    await waitFor('bob', second.document.id, ['ready', 'failed']);
  });

  it('deletes a document with its chunks, vectors and file', async () => {
    const blobsBefore = await readdir(join(t.dataDir, 'blobs'), { recursive: true });
    expect((await call('alice', 'DELETE', `/api/kb/documents/${docId}`)).status).toBe(204);
    expect((await call('alice', 'GET', `/api/kb/documents/${docId}`)).status).toBe(404);
    for (const mode of ['hybrid', 'vector', 'keyword']) {
      const res = await json(call('alice', 'POST', '/api/ai/rag', { query: 'Lisbon coalescing', mode }));
      expect(res.results.map((r: Json) => r.documentId)).not.toContain(docId);
    }
    const blobsAfter = await readdir(join(t.dataDir, 'blobs'), { recursive: true });
    expect(blobsAfter.length).toBeLessThan(blobsBefore.length);
    // Uploading it again makes one new document.
    const again = await upload('alice', 'lisbon-incident.md', NOTES);
    expect(again.status).toBe(202);
    const list = await json(call('alice', 'GET', '/api/kb/documents'));
    expect(list.items).toHaveLength(1);
  });

  it('embeds texts into 384-d unit vectors', async () => {
    const res = await json(
      call('bob', 'POST', '/api/ai/embed', { texts: ['hello world', 'cache stampede'] }),
    );
    expect(res.dimensions).toBe(384);
    expect(res.vectors).toHaveLength(2);
    for (const v of res.vectors as number[][]) {
      expect(v).toHaveLength(384);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
    expect((await call('bob', 'POST', '/api/ai/embed', { texts: [] })).status).toBe(400);
    expect((await call('bob', 'POST', '/api/ai/embed', { texts: new Array(65).fill('x') })).status).toBe(400);
  });

  it('validates search requests', async () => {
    for (const body of [
      {},
      { query: '' },
      { query: 'x', top_k: 0 },
      { query: 'x', top_k: 21 },
      { query: 'x', mode: 'semantic' },
      { query: 'x', extra: true },
    ]) {
      const res = await call('bob', 'POST', '/api/ai/rag', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const odd = await call('bob', 'POST', '/api/ai/rag', { query: '"NEAR(a b)" OR * ^ -- \u0000 ünïcödé' });
    expect(odd.status).toBe(200);
  });
});

describe('chat with retrieval', () => {
  let documentId: string;

  beforeAll(async () => {
    const key = await call('alice', 'POST', '/api/me/provider-keys', {
      provider: 'openai',
      apiKey: DEFAULT_KEYS.openai,
    });
    expect(key.status).toBe(201);
    const res = await upload('alice', 'stampede.md', NOTES.replace('Lisbon', 'Porto'), 'incidents');
    documentId = (await json(res)).document.id;
    await waitFor('alice', documentId, ['ready']);
  });

  const question = { role: 'user', content: 'How did we stop keys from expiring together in Porto?' };

  it('streams sources before the first delta and gives the model numbered context', async () => {
    fake.reset();
    fake.setBehavior({ reply: 'Jittered expiry times [1] and request coalescing [1].' });
    const res = await call('alice', 'POST', '/api/ai/stream', {
      messages: [question],
      useRag: true,
      collection: 'incidents',
    });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('start');
    expect(names[1]).toBe('sources');
    expect(names.indexOf('sources')).toBeLessThan(names.indexOf('delta'));
    expect(names.at(-1)).toBe('done');
    const sources = events[1]!.data.sources as Json[];
    expect(sources.length).toBeGreaterThan(0);
    expect(sources[0]).toMatchObject({ n: 1, documentId, title: expect.stringContaining('Porto') });
    expect(sources.every((s) => s.documentId === documentId)).toBe(true); // only that collection
    // What the provider saw: a system message with the numbered source text, then the question.
    const sent = fake.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(sent.messages[0]!.role).toBe('system');
    expect(sent.messages[0]!.content).toContain('<source n="1" title="');
    expect(sent.messages[0]!.content).toContain('jittered expiry times');
    expect(sent.messages.at(-1)).toMatchObject({ role: 'user', content: question.content });
  });

  it('returns sources with a JSON chat, and none without useRag', async () => {
    fake.reset();
    const withRag = await json(
      call('alice', 'POST', '/api/ai/chat', { messages: [question], useRag: true, ragTopK: 2 }),
    );
    expect(withRag.content).toContain('Echo:');
    expect(withRag.sources.length).toBeGreaterThan(0);
    expect(withRag.sources.length).toBeLessThanOrEqual(2);
    expect(withRag.sources[0].documentId).toBe(documentId);
    const without = await json(call('alice', 'POST', '/api/ai/chat', { messages: [question] }));
    expect(without.sources).toBeUndefined();
    const sent = fake.requests.at(-1)!.body as { messages: Array<{ role: string }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user']);
  });

  it('tells the model when nothing matched', async () => {
    fake.reset();
    const res = await json(
      call('bob', 'POST', '/api/ai/rag', { query: 'Porto stampede coalescing', collection: 'incidents' }),
    );
    expect(res.results).toEqual([]); // bob has no such collection
    const bobKey = await call('bob', 'POST', '/api/me/provider-keys', {
      provider: 'openai',
      apiKey: DEFAULT_KEYS.openai,
    });
    expect(bobKey.status).toBe(201);
    const chat = await json(
      call('bob', 'POST', '/api/ai/chat', { messages: [question], useRag: true, collection: 'incidents' }),
    );
    expect(chat.sources).toEqual([]);
    const sent = fake.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> };
    expect(sent.messages[0]!.content).toMatch(/No documents in the knowledge base matched/);
  });

  it('validates the retrieval options', async () => {
    for (const extra of [{ useRag: 'yes' }, { ragTopK: 0 }, { ragTopK: 21 }, { collection: 'Bad Name' }]) {
      const res = await call('alice', 'POST', '/api/ai/chat', { messages: [question], ...extra });
      expect(res.status, JSON.stringify(extra)).toBe(400);
    }
  });
});

describe('listing', () => {
  it('answers a bad cursor with 400 invalid_cursor', async () => {
    const res = await call('alice', 'GET', '/api/kb/documents?cursor=not-a-cursor');
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('invalid_cursor');
  });

  it('pages through documents with nextCursor', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await upload('bob', `page-${i}.txt`, `Paging test document number ${i}.`)).status).toBe(202);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await json(
        call(
          'bob',
          'GET',
          `/api/kb/documents?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        ),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d: Json) => d.filename as string));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((f) => f.startsWith('page-')).sort()).toEqual([
      'page-0.txt',
      'page-1.txt',
      'page-2.txt',
    ]);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('admin job view', () => {
  it('shows queue counts and dead letters to admins only', async () => {
    const res = await call('alice', 'GET', '/api/admin/jobs'); // the first account is the admin
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.stats).toEqual({
      queued: expect.any(Number),
      inFlight: expect.any(Number),
      deadLettered: 0,
    });
    expect(body.deadLetters).toEqual([]);
    expect((await call('bob', 'GET', '/api/admin/jobs')).status).toBe(403);
  });
});

describe('per-user document limit', () => {
  it('refuses uploads past the limit with 403 quota_exceeded until one is deleted', async () => {
    const limited = await createTestApp({ CONTENT_DIR: FIXTURE_CONTENT, KB_MAX_DOCUMENTS_PER_USER: '2' });
    try {
      const signup = await limited.app.request('/api/auth/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'cap@example.com', password: 'a-long-enough-password' }),
      });
      const cookie = /engify_session=[^;]+/.exec(signup.headers.get('set-cookie')!)![0];
      const send = (name: string) => {
        const form = new FormData();
        form.append('file', new Blob([`Document ${name} for the limit test.`]), `${name}.txt`);
        return limited.app.request('/api/kb/documents', { method: 'POST', headers: { cookie }, body: form });
      };
      const first = await json(send('one'));
      expect((await send('two')).status).toBe(202);
      const third = await send('three');
      expect(third.status).toBe(403);
      expect((await json(third)).error).toMatchObject({ code: 'quota_exceeded', details: { limit: 2 } });
      const del = await limited.app.request(`/api/kb/documents/${first.document.id}`, {
        method: 'DELETE',
        headers: { cookie },
      });
      expect(del.status).toBe(204);
      expect((await send('three')).status).toBe(202);
      await knowledgeBaseSettled(limited.services);
    } finally {
      await limited.close();
    }
  });
});
