// Property-based fuzz test of the whole HTTP API (fast-check), through app.request() of a real app: a
// real SQLite file in a temp directory, a real redis-server behind the rate limiter (limits generous
// enough that the fuzzer is not just collecting 429s), and the loopback fake LLM provider
// (test/fakes/llm-provider.ts) behind the AI routes, so nothing ever leaves the machine.
//
// Routes: every method + path in GET /api/openapi.json, enumerated at run time (44 operations when
// written; new routes are fuzzed without touching this file), plus unknown paths (outside /api,
// trailing or double slashes, wrong case, dot segments) and methods (PROPFIND, PURGE, FOO, HEAD,
// OPTIONS, methods a path does not have). Per request it generates:
//  - auth: none, a fixture user's session cookie or API key (admin, alice, bob), garbage bearer
//    tokens (unknown/truncated/doubled keys, a session token as bearer, Basic, empty, latin-1
//    noise), garbage cookies (unknown, truncated or oversized tokens, the __Host- name, noise);
//  - path params: known slugs/ids, unknown slugs, uuids, huge, unicode, `../` and other dot
//    segments, percent-encoding (valid, malformed, encoded slashes), empty;
//  - query strings: the route's documented params with valid and invalid values (wrong types, out
//    of range, over length), repeated keys, unknown keys, `?flag`, unicode, huge values, raw or
//    encoded;
//  - bodies derived from the route's JSON schema in the document: valid, minimal, known-good and
//    mutated known-good, wrong top-level type (arrays, numbers, null, strings), extra fields,
//    missing required fields, fields of the wrong type / out of range / over length (strings up to
//    ~200 KB), unicode/emoji/NUL/lone surrogates, numbers JSON can spell but JS cannot hold (1e400),
//    malformed and truncated JSON, BOMs, deep nesting, (rarely) a body over BODY_LIMIT_BYTES, plus
//    form, multipart and text bodies; a dictionary of Object.prototype names (`constructor`, …) and
//    template syntax (`{{x}}`, `{{#x}}`) feeds strings, and a seed prompt uses such variable names;
//  - content types (JSON variants, text/plain, form, multipart, missing, malformed) and framing
//    (content-length or chunked); Origin / Sec-Fetch-Site (CSRF), X-Request-Id, User-Agent noise.
// Properties:
//  1. no response is 5xx;
//  2. every response is JSON except 204s, documented redirects (3xx + Location) and documented
//     non-JSON 2xx (the HTML reference, Server-Sent Events); every error is exactly
//     {error:{code,message,requestId,details?}} with the X-Request-Id header equal to
//     error.requestId, except where the document declares another error schema (the OpenAI-compatible
//     /api/v1 answers OpenAI's {error:{message,type,param,code}}); HEAD: JSON type, no body;
//  3. nothing is written by rejected requests. A "must be rejected" stream (80 runs of 10-12
//     requests) keeps only requests that rejectionReasons() proves must fail (bad auth, anonymous on
//     a secured route, CSRF, body/params/query failing the documented schema, non-JSON bodies, unknown
//     ids or routes, someone else's prompt or key, non-admins on admin routes, taken emails, wrong
//     credentials); each batch must be all 4xx and leave every user-data table (users, sessions,
//     api_keys, user prompts and their tag/role/pattern rows, favorites, ratings, and any table added
//     later that is not the built-in catalog) unchanged: row count + sha256 of the rows, read straight
//     from the SQLite file (readonly). `last_used_at` is left out: authenticating with a key stamps it
//     even when the request is then refused, by design.
// A smaller well-formed stream (25 runs, each one request to every documented route plus a few
// unknown ones; as anyone, or as one user on their own prompts and keys) may write, and checks 1-2.
// About 2,000 requests in all; the last test asserts >= 1,000, that every route got its share, and
// that the rate-limit counters lived in Redis.
//
// A failure prints the failing request ("Caused by"), the batch, and a seed/path: replay it with
// FUZZ_SEED=<seed> FUZZ_PATH=<path> and -t '<test name>'. FUZZ_SCALE=<n> runs n times as many
// requests; FUZZ_STATS=1 prints what was sent and answered.

import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import fc from 'fast-check';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDIS_KEY_PREFIX } from '../../src/adapters/redis/rate-limiter.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/http/rate-limit.js';
import { DEFAULT_KEYS, startFakeProvider, type FakeProvider } from '../fakes/llm-provider.js';
import { createTestApp, FIXTURE_CONTENT, knowledgeBaseSettled, type TestApp } from '../helpers/app.js';
import { startRedis, type RedisServer } from '../helpers/redis.js';

/** FUZZ_SCALE=<n> multiplies the number of runs, for a longer hunt. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const REJECTED = { numRuns: 80 * SCALE, batch: { minLength: 10, maxLength: 12 }, maxShrinks: 100 };
const VALID = { numRuns: 25 * SCALE, unknown: { minLength: 2, maxLength: 4 }, maxShrinks: 10 };
const MIN_REQUESTS = 1000;
const replay = {
  ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
  ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
};

const GENEROUS = { points: 1_000_000, durationSec: 60 };
const LIMITS = Object.fromEntries(
  Object.keys(DEFAULT_LIMITS).map((group) => [
    group,
    { anonymous: GENEROUS, user: GENEROUS, admin: GENEROUS },
  ]),
) as Limits;

// ---------------------------------------------------------------------------------------------------
// Types and state

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type AnyJson = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Mode = 'reject' | 'valid';
type UserName = 'admin' | 'alice' | 'bob';
const USERS: UserName[] = ['admin', 'alice', 'bob'];

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: Json[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  example?: Json;
}
interface Param {
  name: string;
  in: string;
  schema?: Schema;
}
interface Operation {
  key: string; // "POST /prompts"
  method: string;
  path: string;
  secured: boolean;
  params: Param[];
  body?: { required: boolean; schema: Schema };
  redirects: boolean;
  /** Media types the document declares for 2xx responses. */
  successTypes: Set<string>;
  /** Component names the document declares for error (>= 400) bodies. */
  errorSchemas: Set<string>;
}
interface Req {
  method: string;
  path: string; // with the query string
  headers: Record<string, string>;
  body?: string;
  /** Who the request authenticates as, by construction (null: anonymous or refused). */
  who: UserName | null;
  validBearer: boolean;
  /** The documented operation this request was generated for (it may route elsewhere). */
  target?: string;
}
interface Sent {
  status: number;
  headers: Headers;
  text: string;
}
interface Fixture {
  email: string;
  id: string;
  token: string;
  key: string;
  keyId: string;
}

const PASSWORD = 'a-long-enough-password';
const PROMPT = {
  title: 'Fuzz checklist for services',
  description: 'A prompt the fuzz test owns',
  template: 'Check {{service}} for {{#risk}}the risk of {{risk}} and {{/risk}}obvious problems.',
  category: 'debugging',
  roles: ['engineer'],
  tags: ['mine'],
};

let redis: RedisServer;
let llm: FakeProvider;
let t: TestApp;
let db: Database.Database;
let prefix = '/api';
const ops: Operation[] = [];
let components: Record<string, Schema> = {};
const F = {} as Record<UserName, Fixture>;
/** Every slug and id that exists; a path param outside this set must answer 404 (or 400). */
const known = new Set<string>();
const registered = new Set<string>();
const promptOwner = new Map<string, UserName>();
const privateSlugs = new Set<string>();
/** API keys and provider keys: /me/…/{id} routes answer 404 for anyone else's. */
const resourceOwner = new Map<string, UserName>();
let builtinSlugs: string[] = [];
/** Fixture ids the well-formed stream leaves alone: the keys it signs in with, the seed prompt. */
const protectedIds = new Set<string>();
/** Slugs of prompts created during the run (the well-formed stream renders, runs and edits them). */
const harvested: string[] = [];
let patternIds: string[] = [];
const knownGood: Record<string, Json[]> = {};
const knownBad: Record<string, fc.Arbitrary<Json>> = {};

let sent = 0;
const targeted = new Map<string, number>();
const okOps = new Set<string>();
let sawRateLimitHeaders = false;
let sweptEveryRoute = false;
/** FUZZ_STATS=1 prints what was sent and answered (statuses, rejection reasons) after the run. */
const stats = new Map<string, number>();
const count = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);

const encoder = new TextEncoder();
const decoder = new TextDecoder(); // like Request.json(): UTF-8, strips a BOM
const own = <T>(record: Record<string, T> | undefined, key: string): T | undefined =>
  record && Object.hasOwn(record, key) ? record[key] : undefined;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const utf8Length = (s: string) => encoder.encode(s).length;
const codePoints = (s: string) => [...s].length;
const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
const enc = (s: string) => encodeURIComponent(wellFormed(s));
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

// ---------------------------------------------------------------------------------------------------
// Fixtures: three users (the first is admin), their sessions and keys, user prompts, favorites, ratings

async function call(method: string, path: string, options: { body?: unknown; cookie?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  const res = await t.app.request(path, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : null) as AnyJson };
}

/** Signs a fixture user in again when the well-formed stream signed them out (not counted as fuzz). */
async function restoreSessions(): Promise<void> {
  for (const u of USERS) {
    if ((await call('GET', '/api/me', { cookie: `engify_session=${F[u].token}` })).status === 200) continue;
    const res = await call('POST', '/api/auth/signin', { body: { email: F[u].email, password: PASSWORD } });
    const token = /engify_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    if (res.status === 200 && token) F[u].token = token; // else locked out for now: stay signed out
  }
}

beforeAll(async () => {
  // The AI SDK logs warnings to the console (model warnings, system messages in a chat): keep quiet.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  const warn = console.warn.bind(console);
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).startsWith('AI SDK Warning')) warn(...args);
  });
  redis = await startRedis();
  llm = await startFakeProvider(); // AI routes talk to a loopback fake, never to the internet
  t = await createTestApp(
    {
      CONTENT_DIR: FIXTURE_CONTENT,
      REDIS_URL: redis.url,
      OPENAI_BASE_URL: llm.openaiBaseURL,
      ANTHROPIC_BASE_URL: llm.anthropicBaseURL,
      GOOGLE_BASE_URL: llm.googleBaseURL,
      SSE_HEARTBEAT_MS: '100',
      AI_TIMEOUT_MS: '5000',
    },
    { limits: LIMITS },
  );
  // The built-in knowledge base is indexed in the background; snapshots must not see that happen.
  await knowledgeBaseSettled(t.services);

  for (const name of USERS) {
    const email = `${name}@fuzz.example.com`;
    const signup = await call('POST', '/api/auth/signup', { body: { email, password: PASSWORD } });
    expect(signup.status).toBe(201);
    const token = /engify_session=([^;]+)/.exec(signup.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const created = await call('POST', '/api/me/api-keys', {
      cookie: `engify_session=${token}`,
      body: { name: `${name} key` },
    });
    expect(created.status).toBe(201);
    F[name] = { email, id: signup.json.user.id, token, key: created.json.key, keyId: created.json.apiKey.id };
    registered.add(email);
    resourceOwner.set(F[name].keyId, name);
    protectedIds.add(F[name].keyId);
    // A second key for the well-formed stream to revoke (it never revokes the one it signs in with).
    const spare = await call('POST', '/api/me/api-keys', {
      cookie: `engify_session=${token}`,
      body: { name: 'spare' },
    });
    expect(spare.status).toBe(201);
    resourceOwner.set(spare.json.apiKey.id, name);
  }
  expect((await call('GET', '/api/me', { cookie: `engify_session=${F.admin.token}` })).json.user.role).toBe(
    'admin',
  );
  const cookie = (u: UserName) => `engify_session=${F[u].token}`;
  const mine = async (owner: UserName, body: object) => {
    const res = await call('POST', '/api/prompts', { cookie: cookie(owner), body: { ...PROMPT, ...body } });
    expect(res.status).toBe(201);
    promptOwner.set(res.json.slug, owner);
    return res.json.slug as string;
  };
  for (const [owner, provider] of [
    ['alice', 'openai'],
    ['bob', 'anthropic'],
  ] as const) {
    const res = await call('POST', '/api/me/provider-keys', {
      cookie: cookie(owner),
      body: { provider, apiKey: DEFAULT_KEYS[provider], label: `${owner} ${provider}` },
    });
    expect(res.status).toBe(201);
    resourceOwner.set(res.json.id, owner);
  }
  const alicePublic = await mine('alice', { title: 'Alice public checklist', visibility: 'public' });
  privateSlugs.add(await mine('bob', { title: 'Bob private checklist' }));
  // A seed from the fuzzing dictionary: a public prompt whose variables are named like Object.prototype members.
  const names = PROTO_NAMES.filter((n) => /^[a-z][a-z0-9_]*$/.test(n));
  const seed = await mine('bob', {
    title: 'Edge-case variable names',
    template: `Fill ${names.map((n) => `{{${n}}}`).join(', ')} {{#constructor}}(set){{/constructor}}.`,
    visibility: 'public',
  });
  protectedIds.add(seed);
  privateSlugs.add(await mine('alice', { title: 'Alice private checklist' }));
  for (const [who, path, body] of [
    ['alice', '/api/prompts/review-diff/favorite', undefined],
    ['bob', `/api/prompts/${alicePublic}/favorite`, undefined],
    ['alice', '/api/prompts/review-diff/rating', { stars: 4 }],
    ['bob', `/api/prompts/${alicePublic}/rating`, { stars: 2 }],
  ] as const) {
    const res = await call('PUT', path, { cookie: cookie(who), ...(body ? { body } : {}) });
    expect(res.status).toBe(200);
  }

  const library = await call('GET', '/api/prompts?limit=100');
  builtinSlugs = (library.json.items as AnyJson[]).filter((p) => p.source === 'builtin').map((p) => p.slug);
  patternIds = ((await call('GET', '/api/patterns')).json.items as AnyJson[]).map((p) => p.id);
  expect(builtinSlugs).toContain('review-diff');
  const renderBodies: Json[] = [];
  for (const slug of builtinSlugs) {
    const variables = (await call('GET', `/api/prompts/${slug}`)).json.variables as AnyJson[];
    renderBodies.push({
      variables: Object.fromEntries(
        variables.filter((v) => v.required).map((v) => [v.name, 'fuzz 😀 value']),
      ),
    });
  }

  const doc = (await call('GET', '/api/openapi.json')).json;
  components = doc.components?.schemas ?? {};
  prefix = doc.servers?.[0]?.url ?? '';
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, AnyJson>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const schema = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      const responses = Object.entries((op.responses ?? {}) as Record<string, AnyJson>);
      const contents = (filter: (status: number) => boolean) =>
        responses
          .filter(([status]) => filter(Number(status)))
          .flatMap(([, r]) => Object.entries(r.content ?? {}));
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        secured: Array.isArray(op.security) && op.security.length > 0,
        params: (op.parameters ?? []) as Param[],
        ...(schema ? { body: { required: op.requestBody.required === true, schema } } : {}),
        redirects: responses.some(([status]) => status.startsWith('3')),
        successTypes: new Set(contents((s) => s >= 200 && s < 300).map(([type]) => type)),
        errorSchemas: new Set(
          contents((s) => s >= 400).map(
            ([, c]) =>
              String((c as AnyJson).schema?.$ref ?? '')
                .split('/')
                .pop() ?? '',
          ),
        ),
      });
    }
  }
  expect(ops.length).toBeGreaterThan(10);
  for (const id of [
    ...builtinSlugs,
    ...patternIds,
    ...promptOwner.keys(),
    ...USERS.map((u) => F[u].id),
    ...resourceOwner.keys(),
  ]) {
    known.add(id);
  }
  for (const op of ops) {
    for (const p of op.params) if (typeof p.schema?.example === 'string') known.add(p.schema.example);
  }

  knownGood['POST /prompts'] = [
    PROMPT,
    { ...PROMPT, visibility: 'public' },
    { ...PROMPT, title: 'Ünï 😀 \u0000' },
  ];
  knownGood['PATCH /prompts/{slug}'] = [
    { title: 'A renamed checklist' },
    { visibility: 'public' },
    { visibility: 'private' },
    { tags: ['renamed'] },
    { description: 'x\u0000y \uD800' },
    { template: 'Check {{service}} now' },
  ];
  knownGood['PUT /prompts/{slug}/rating'] = [{ stars: 1 }, { stars: 5 }];
  knownGood['POST /prompts/{slug}/render'] = [{}, { variables: {} }, ...renderBodies];
  knownGood['POST /me/api-keys'] = [
    { name: 'ci' },
    { name: '\uD800 lone surrogate' },
    { name: 'nul \u0000 😀' },
  ];
  knownGood['POST /auth/signout'] = [{}, { everywhere: false }, { everywhere: true }];
  knownGood['POST /auth/signin'] = [
    { email: F.alice.email, password: PASSWORD },
    { email: F.bob.email.toUpperCase(), password: PASSWORD },
  ];
  knownGood['PATCH /admin/users/{id}'] = [{ tier: 'pro' }, { role: 'user' }, { tier: 'team', role: 'admin' }];
  const ask = { messages: [{ role: 'user', content: 'Say hi 😀' }] };
  knownGood['POST /me/provider-keys'] = [
    { provider: 'openai', apiKey: DEFAULT_KEYS.openai, label: 'fuzz' },
    { provider: 'google', apiKey: DEFAULT_KEYS.google },
    { provider: 'openai-compatible', apiKey: 'sk-compatible-key', baseURL: llm.openaiBaseURL },
    { provider: 'openai-compatible', apiKey: 'sk-compatible-key', baseURL: 'http://127.0.0.1:9/v1' },
  ];
  knownGood['PUT /me/settings'] = [{ defaultProvider: 'openai' }, { defaultProvider: null }];
  knownGood['POST /ai/chat'] = [ask, { ...ask, provider: 'openai' }, { ...ask, provider: 'anthropic' }];
  knownGood['POST /ai/stream'] = knownGood['POST /ai/chat'];
  knownGood['POST /ai/compare'] = [{ ...ask, targets: [{ provider: 'openai' }, { provider: 'anthropic' }] }];
  knownGood['POST /prompts/{slug}/run'] = [
    ...renderBodies,
    ...renderBodies.map((b) => ({ ...(b as object), stream: true })),
  ];
  knownGood['POST /v1/chat/completions'] = [
    { model: 'openai/default', ...ask },
    { model: 'anthropic/claude-haiku-4-5', ...ask, stream: true },
  ];
  // Well-formed bodies that must still be refused: a taken email (409), unknown credentials (401).
  knownBad['POST /auth/signup'] = fc
    .constantFrom(...USERS)
    .map((u) => ({ email: F[u].email.toUpperCase(), password: 'another-long-password' }));
  knownBad['POST /auth/signin'] = fc
    .noBias(fc.uuid())
    .map((id) => ({ email: `ghost-${id}@fuzz.example.com`, password: 'not-the-password' }));

  buildMirror();
  db = new Database(join(t.dataDir, 'engify.db'), { readonly: true, fileMustExist: true });
  sqliteVec.load(db); // the knowledge base's vector table is a sqlite-vec virtual table
}, 60_000);

afterAll(async () => {
  if (process.env.FUZZ_STATS) {
    const lines = [...stats]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${String(n).padStart(5)} ${k}`);
    console.log(`${sent} requests\n${lines.join('\n')}`);
  }
  vi.restoreAllMocks();
  db?.close();
  await t?.close();
  await llm?.close();
  await redis?.stop();
});

// ---------------------------------------------------------------------------------------------------
// Routing exactly as Hono does it: a bare Hono app with the documented routes tells which operation
// a request reaches, with its decoded path params and parsed query (dot segments, %-decoding, …).

interface Hit {
  op: Operation;
  params: Record<string, string>;
  queries: Record<string, string[]>;
}
const mirrorBox: { hit: Hit | null } = { hit: null };
let mirror = new Hono();

function buildMirror(): void {
  mirror = new Hono();
  for (const op of ops) {
    mirror.on(op.method, prefix + op.path.replace(/\{([^}]+)\}/g, ':$1'), (c) => {
      mirrorBox.hit = { op, params: c.req.param() as Record<string, string>, queries: c.req.queries() };
      return c.body(null, 204);
    });
  }
}

function routeOf(req: Req): Hit | null {
  mirrorBox.hit = null;
  const method = req.method === 'HEAD' ? 'GET' : req.method; // Hono answers HEAD with the GET route
  const out = mirror.fetch(new Request(`http://localhost${req.path}`, { method }));
  if (out instanceof Promise) void out.catch(() => undefined);
  return mirrorBox.hit;
}

// ---------------------------------------------------------------------------------------------------
// JSON schema helpers: what is definitely invalid (conservative), valid and invalid generators

function deref(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) s = own(components, s.$ref.split('/').pop() ?? '') ?? {};
  return s;
}
const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type);
const nullable = (s: Schema) => Array.isArray(s.type) && s.type.includes('null');
const outOfRange = (n: number, s: Schema) =>
  (s.minimum !== undefined && n < s.minimum) || (s.maximum !== undefined && n > s.maximum);
const LOOSE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True only when no validator that honours `schema` (even one that trims strings) could accept `value`. */
function definitelyInvalid(value: unknown, raw: Schema, depth = 0): boolean {
  const s = deref(raw);
  if (depth > 20) return false;
  if (value === null) return !nullable(s) && (s.type !== undefined || s.enum !== undefined);
  if (s.enum) return !s.enum.includes(value as Json);
  switch (typeOf(s)) {
    case 'string': {
      if (typeof value !== 'string') return true;
      // JSON Schema (and zod) count code points; UTF-16 units are never fewer, so under min in units
      // and over max in code points (after trimming) is too short / too long either way.
      if (s.minLength !== undefined && value.length < s.minLength) return true;
      if (s.maxLength !== undefined && codePoints(value.trim()) > s.maxLength) return true;
      if (s.pattern !== undefined) {
        const re = new RegExp(s.pattern);
        if (!re.test(value) && !re.test(value.trim())) return true;
      }
      return s.format === 'uuid' && !LOOSE_UUID.test(value.trim());
    }
    case 'integer':
      return typeof value !== 'number' || !Number.isInteger(value) || outOfRange(value, s);
    case 'number':
      return typeof value !== 'number' || !Number.isFinite(value) || outOfRange(value, s);
    case 'boolean':
      return typeof value !== 'boolean';
    case 'array':
      if (!Array.isArray(value)) return true;
      if (s.maxItems !== undefined && value.length > s.maxItems) return true;
      if (s.minItems !== undefined && value.length < s.minItems) return true;
      return s.items !== undefined && value.some((v) => definitelyInvalid(v, s.items!, depth + 1));
    case 'object': {
      if (!isObject(value)) return true;
      if ((s.required ?? []).some((k) => !Object.hasOwn(value, k))) return true;
      for (const [k, v] of Object.entries(value)) {
        if (k === '__proto__') continue; // an own key after JSON.parse; how validators treat it is theirs
        const prop = own(s.properties, k);
        if (prop) {
          if (definitelyInvalid(v, prop, depth + 1)) return true;
        } else if (s.additionalProperties === false) return true;
        else if (
          isObject(s.additionalProperties) &&
          definitelyInvalid(v, s.additionalProperties, depth + 1)
        ) {
          return true;
        }
      }
      return false;
    }
    default:
      return false;
  }
}

/** A query value (Hono's c.req.queries()) the documented param definitely refuses. */
function queryInvalid(values: string[], raw: Schema): boolean {
  const s = deref(raw);
  const type = typeOf(s);
  if (type === 'array') return false;
  if (values.length !== 1) return values.length > 1; // repeated keys arrive as an array
  const v = values[0]!;
  if (type === 'integer' || type === 'number') {
    const n = Number(v); // z.coerce.number(); a non-coercing schema refuses strings anyway
    return !Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n)) || outOfRange(n, s);
  }
  if (s.enum) return !s.enum.includes(v);
  return type === 'string' && definitelyInvalid(v, s);
}

function pick<T>(...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> {
  return fc.oneof(...choices.filter(([w]) => w > 0).map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

const SPECIAL = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uD83D',
  '😀',
  '👩‍👩‍👧‍👦',
  'e\u0301',
  '\u202Eevil',
  '\u200B',
  '漢字',
  'null',
  'true',
  '0',
  '-1',
  '<script>alert(1)</script>',
  "'; DROP TABLE users; --",
  '{{x}}',
  '{{#a}}',
  '{{constructor}}',
  'constructor',
  '__proto__',
  '%s%n',
  '../../etc/passwd',
  '\\',
  '"',
  '\n\r\t',
  '%',
  '%zz',
  '%E0%A4%A',
];
/**
 * A fuzzing dictionary: names that are also Object.prototype members (a classic for code that indexes
 * plain objects with user input) and prompt-template syntax (`{{name}}`, `{{#section}}`).
 */
const PROTO_NAMES = [
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'tostring',
];
const DICTIONARY = [
  ...PROTO_NAMES,
  ...PROTO_NAMES.map((n) => `{{${n}}}`),
  '{{#constructor}}shown{{/constructor}}',
  'Check {{service}} and {{constructor}}',
  '{{ prototype }} {{#valueof}}x{{/valueof}}',
  '{{#a}}{{#a}}nested{{/a}}{{/a}}',
  '{{#a}} never closed',
  '{{/a}} never opened',
  '{{{triple}}} {{> partial}} {{!comment}} {{=<% %>=}}',
  `{{${'v'.repeat(64)}}}`,
  '{{x}}'.repeat(500),
];
const dictionary = fc.constantFrom(...DICTIONARY);
const hugeArb = fc
  .tuple(
    fc.constantFrom('x', 'é', '😀', 'a b', '\u0000', '\uD800'),
    pick([3, fc.integer({ min: 100, max: 5000 })], [1, fc.integer({ min: 50_000, max: 200_000 })]),
  )
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));
const weirdChoices: [number, fc.Arbitrary<string>][] = [
  [4, fc.string({ unit: 'grapheme', maxLength: 24 })],
  [2, fc.string({ unit: 'binary', maxLength: 24 })],
  [2, fc.string({ maxLength: 24 })],
  [3, fc.constantFrom(...SPECIAL)],
];
/** Unicode, emoji, NUL, lone surrogates, percent signs…; `weirdOrHuge` adds strings up to ~200 KB. */
const weird = pick(...weirdChoices);
const weirdOrHuge = pick(...weirdChoices, [1, hugeArb]);
const latin1 = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
/** Over `max` code points even after trimming. */
const overLength = (max: number) =>
  fc
    .tuple(
      fc.constantFrom('x', 'é', '😀', 'a b', '\u0000'),
      pick(
        [6, fc.integer({ min: 1, max: 50 })],
        [3, fc.integer({ min: 1, max: 5000 })],
        [1, hugeArb.map((h) => h.length)],
      ),
    )
    .map(([unit, extra]) => unit.repeat(Math.ceil((max + extra) / codePoints(unit))));
const NUM = (literal: string): Json => `\u0001NUM:${literal}\u0001`; // spliced into the JSON text as is

function validString(s: Schema): fc.Arbitrary<string> {
  if (s.format === 'email') {
    return fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/), fc.noBias(fc.nat()))
      .map(([a, n]) => `${a}${n}@fuzz.example.com`);
  }
  if (s.format === 'uuid') return fc.uuid();
  // URLs point at loopback only (the fake provider, or a closed port): the fuzzer never reaches out.
  if (s.format === 'uri' || s.format === 'url') {
    return fc.constantFrom(
      llm.openaiBaseURL,
      'http://127.0.0.1:9/v1',
      'http://localhost:9',
      'ftp://127.0.0.1/',
    );
  }
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 60, 200);
  const fits = (x: string) => x.trim().length >= min && x.length <= max;
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const words = DICTIONARY.filter((w) => re.test(w) && fits(w));
    return pick<string>(
      [4, fc.stringMatching(re).filter(fits)],
      [words.length ? 1 : 0, fc.constantFrom(...(words.length ? words : ['-']))],
    );
  }
  const size = Math.max(min, Math.min(max, 30));
  return pick<string>(
    [3, fc.string({ minLength: min, maxLength: size })],
    [2, fc.string({ unit: 'grapheme', minLength: min, maxLength: size })],
    [1, fc.constantFrom(...SPECIAL.map((x) => `${'v'.repeat(min)}${x}`))],
    [1, dictionary.map((x) => `${'v'.repeat(min)}${x}`)],
    [typeof s.example === 'string' && !s.example.includes('://') ? 1 : 0, fc.constant(String(s.example))],
  ).filter(fits);
}

function validArb(raw: Schema, depth = 0): fc.Arbitrary<Json> {
  const s = deref(raw);
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (typeOf(s)) {
    case 'string':
      return validString(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({
        min: s.minimum ?? -1e6,
        max: s.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      if (depth > 3 || !s.items) return fc.constant([]);
      return fc.array(validArb(s.items, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
      });
    case 'object': {
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, p] of Object.entries(s.properties ?? {})) model[k] = validArb(p, depth + 1);
      const base = fc.record(model, {
        requiredKeys: (s.required ?? []).filter((k) => Object.hasOwn(model, k)),
      }) as fc.Arbitrary<Record<string, Json>>;
      const extra = s.additionalProperties;
      if (!isObject(extra) || depth > 3) return base;
      return fc
        .tuple(base, fc.dictionary(fc.string({ maxLength: 12 }), validArb(extra, depth + 1), { maxKeys: 3 }))
        .map(([a, b]) => ({ ...b, ...a }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

/** The smallest valid value: only the required properties of objects. */
function minimalArb(raw: Schema): fc.Arbitrary<Json> {
  const s = deref(raw);
  if (typeOf(s) !== 'object' || s.enum) return validArb(s);
  const required = (s.required ?? []).filter((k) => own(s.properties, k));
  return fc.record(
    Object.fromEntries(required.map((k) => [k, validArb(s.properties![k]!)])),
  ) as fc.Arbitrary<Json>;
}

/** Values meant to fail `raw`; rejectionReasons() still checks each one with definitelyInvalid(). */
function invalidArb(raw: Schema, depth = 0): fc.Arbitrary<Json> {
  const s = deref(raw);
  const type = typeOf(s);
  const options: fc.Arbitrary<Json>[] = [
    fc.constantFrom<Json>(null, true, 0, -1, 1.5, 'str', '', [], [1, 'a'], {}, { nested: { deep: [null] } }),
  ];
  if (s.enum) {
    const first = String(s.enum[0]);
    options.push(fc.constantFrom<Json>('not-in-enum', first.toUpperCase(), ` ${first}`, `${first}\u0000`));
  }
  if (type === 'string') {
    if (s.maxLength !== undefined) options.push(overLength(s.maxLength));
    if ((s.minLength ?? 0) > 0) options.push(fc.constant(''));
    if (s.pattern) {
      const re = new RegExp(s.pattern);
      const bad = [
        'UPPER-case',
        'has space',
        'a--b',
        '-lead',
        'trail-',
        'ünï',
        '../x',
        'a_b',
        '😀',
        'x\u0000',
      ];
      const misses = bad.filter((x) => !re.test(x));
      if (misses.length) options.push(fc.constantFrom(...misses));
    }
    if (s.format === 'email') options.push(fc.constantFrom('nope', 'a@', '@b.co', 'a b@c.de', 'a@b'));
  } else if (type === 'integer' || type === 'number') {
    options.push(
      fc.constantFrom<Json>('5', '1', NUM('1e400'), NUM('-1e400'), NUM('123456789012345678901234567890')),
    );
    if (type === 'integer') options.push(fc.constantFrom(2.5, 0.0001, 1.000001));
    if (s.minimum !== undefined) options.push(fc.integer({ min: -1e9, max: s.minimum - 1 }));
    if (s.maximum !== undefined) options.push(fc.integer({ min: s.maximum + 1, max: 1e9 }));
  } else if (type === 'boolean') {
    options.push(fc.constantFrom<Json>('true', 'false', 1, 0, 'yes'));
  } else if (type === 'array' && s.items && depth < 3) {
    if (s.maxItems !== undefined) {
      options.push(
        fc.array(validArb(s.items, depth + 1), { minLength: s.maxItems + 1, maxLength: s.maxItems + 3 }),
      );
    }
    options.push(invalidArb(s.items, depth + 1).map((v) => [v]));
  } else if (type === 'object' && depth < 3) {
    const props = s.properties ?? {};
    const base = validArb(s, depth + 1) as fc.Arbitrary<Record<string, Json>>;
    if (s.additionalProperties === false) {
      const extraKey = pick<string>(
        [
          3,
          fc.constantFrom(
            'isAdmin',
            'role',
            'id',
            'userId',
            'owner_id',
            'source',
            'tier',
            'password_hash',
            'constructor',
          ),
        ],
        [2, fc.string({ maxLength: 12 })],
      ).filter((k) => !Object.hasOwn(props, k) && k !== '__proto__');
      options.push(
        fc.tuple(base, extraKey, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>).map(([o, k, v]) => ({
          ...o,
          [k]: v,
        })),
      );
    }
    const required = (s.required ?? []).filter((k) => Object.hasOwn(props, k));
    if (required.length) {
      options.push(
        fc.tuple(base, fc.constantFrom(...required)).map(([o, k]) => {
          const copy = { ...o };
          delete copy[k];
          return copy;
        }),
      );
    }
    for (const [k, prop] of Object.entries(props)) {
      options.push(fc.tuple(base, invalidArb(prop, depth + 1)).map(([o, v]) => ({ ...o, [k]: v })));
    }
    const extra = s.additionalProperties;
    if (isObject(extra)) {
      options.push(
        fc
          .tuple(base, fc.string({ maxLength: 12 }), invalidArb(extra, depth + 1))
          .map(([o, k, v]) => ({ ...o, [k]: v })),
      );
    }
  }
  return fc.oneof(...options);
}

// ---------------------------------------------------------------------------------------------------
// Request generators

const MULTIPART = 'multipart/form-data; boundary=fuzzboundary';
const JSON_TYPES = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/merge-patch+json',
];
const OTHER_TYPES = [
  '',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  MULTIPART,
  'application/json;',
  'text/json',
  'application/jsonx',
  'application/xml',
  'application/json; charset=utf-8; boundary="x"',
  'application/json, text/plain',
  '*/*',
  'application/',
];
const MALFORMED = [
  '',
  '{',
  '}',
  '{"a":}',
  "{'a':1}",
  '[1,]',
  '{"a":1,}',
  'nul',
  'tru',
  'NaN',
  'Infinity',
  'undefined',
  '{"a":"\\x"}',
  '"unterminated',
  '{"a":1}}',
  '{"a" 1}',
  '\u0000',
  '<xml/>',
  '{"a":1}\u0000',
  '\uFEFF\uFEFF{}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":+1}',
  '{"a":0x10}',
  '/* c */{}',
  '{"a":"\u0001"}',
];
const UNKNOWN_PATHS = [
  '/',
  '/api',
  '/api/',
  '/api/nope',
  '/API/prompts',
  '/api/prompts/',
  '/api//prompts',
  '/api/prompts/review-diff/nope',
  '/api/me/api-keys/x/y',
  '/api/admin',
  '/api/auth',
  '/api/openapi.json/x',
  '/api/health/',
  '/index.html',
  '/api/%2e%2e/api/me',
  '/api/me/../admin/users',
  '/.env',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'PURGE', 'FOO'];
const SEGMENTS = [
  '..',
  '.',
  '../',
  '..%2F',
  '%2e%2e',
  '%2E%2E%2F',
  '..\\',
  '../../auth/signup?',
  '#frag',
  '?x=1',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  'review%2Ddiff',
  'REVIEW-DIFF',
  'review-diff/',
  'review-diff%2F..',
  '',
  ' ',
  '%20',
  ';',
  'review-diff;x=1',
  '%F0%9F%98%80',
  '😀',
  'null',
  '0',
  '-1',
  'review--diff',
  '-review',
  'x',
  '%C0%AE%C0%AE',
  '\u202Ereview',
  'revi\u0000ew',
];

interface Auth {
  headers: Record<string, string>;
  who: UserName | null;
  validBearer: boolean;
}
interface BodyPart {
  text?: string;
  ct?: string;
}

function toText(value: Json, style: string): string {
  const base = style === 'pretty' ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  const text = base.replace(/"\\u0001NUM:([^"\\]+)\\u0001"/g, '$1');
  if (style === 'bom') return `\uFEFF${text}`;
  return style === 'ws' ? ` \n\t${text}\r\n ` : text;
}

/** A fixture user's session cookie or API key (`users`: whose). */
function signedInArb(users: UserName[]): fc.Arbitrary<Auth> {
  const user = fc.constantFrom(...users);
  const cookie = fc.tuple(user, fc.boolean()).map(([u, junk]) => ({
    headers: {
      cookie: junk ? `theme=dark; engify_session=${F[u].token}; lang=en` : `engify_session=${F[u].token}`,
    },
    who: u,
    validBearer: false,
  }));
  const key = fc
    .tuple(user, fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Bearer\t'))
    .map(([u, scheme]) => ({
      headers: { authorization: `${scheme}${F[u].key}` },
      who: u,
      validBearer: true,
    }));
  return fc.oneof(cookie, key);
}

function authArb(mode: Mode): fc.Arbitrary<Auth> {
  const valid = mode === 'valid';
  const badBearer = pick<string>(
    [2, latin1.map((s) => `Bearer ${s}`)],
    [2, fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/).map((s) => `Bearer egk_${s}`)],
    [
      2,
      fc.constantFrom(
        'Basic dXNlcjpwYXNz',
        'Bearer',
        '',
        'Token abc',
        `Bearer egk_${'A'.repeat(300)}`,
        `Bearer ${F.alice.key}x`,
        `Bearer ${F.alice.key.slice(0, -1)}`,
        `Bearer ${F.alice.key} ${F.alice.key}`,
        `Bearer ${F.alice.token}`,
        `Basic ${F.alice.key}`,
      ),
    ],
    [1, latin1],
  ).map((value) => ({ headers: { authorization: value }, who: null, validBearer: false }));
  const badCookie = pick<string>(
    [2, latin1.map((s) => `engify_session=${s}`)],
    [
      2,
      fc.constantFrom(
        'engify_session',
        'engify_session=',
        '=;;;=',
        `__Host-engify_session=${F.alice.token}`,
        `engify_session=${'a'.repeat(5000)}`,
        `engify_session=${F.alice.token.slice(0, -1)}`,
        `engify_session=${F.alice.key}`,
        'engify_session=%E0%A4%A; x=%zz',
      ),
    ],
    [1, latin1],
  ).map((value) => ({ headers: { cookie: value }, who: null, validBearer: false }));
  const none = fc.constant<Auth>({ headers: {}, who: null, validBearer: false });
  return pick<Auth>(
    [valid ? 2 : 3, none],
    [valid ? 10 : 6, signedInArb(USERS)],
    [2, badBearer],
    [2, badCookie],
  );
}

function extraArb(mode: Mode): fc.Arbitrary<Record<string, string | undefined>> {
  const valid = mode === 'valid';
  const absent = fc.constant(undefined);
  return fc.record({
    origin: pick<string | undefined>(
      [valid ? 10 : 6, absent],
      [2, fc.constant('http://localhost')],
      [
        valid ? 0 : 1,
        fc.constantFrom('https://evil.example', 'null', 'http://localhost:3000', 'http://localhost.evil'),
      ],
    ),
    'sec-fetch-site': pick<string | undefined>(
      [valid ? 10 : 5, absent],
      [1, fc.constantFrom('same-origin', 'none')],
      [valid ? 0 : 1, fc.constantFrom('cross-site', 'same-site')],
    ),
    'x-request-id': pick<string | undefined>(
      [6, absent],
      [1, fc.stringMatching(/^[\w=-]{1,40}$/)],
      [1, latin1],
      [1, fc.constant('r'.repeat(300))],
    ),
    'user-agent': pick<string | undefined>([8, absent], [1, latin1], [1, fc.constant('UA/'.repeat(500))]),
    'x-forwarded-for': pick<string | undefined>(
      [8, absent],
      [1, fc.constantFrom('203.0.113.7', ', ,::1', 'x')],
    ),
  });
}

/** Ids worth trying for a path param; with `who`, that user's own resources first. */
function poolFor(op: Operation, p: Param, mode: Mode, who?: UserName): string[] {
  const pool = idsFor(op.path, p, who);
  // The well-formed stream never revokes the keys it signs in with, nor edits or deletes the seed.
  const writes = op.method === 'DELETE' || op.method === 'PATCH';
  const kept = mode === 'valid' && writes ? pool.filter((id) => !protectedIds.has(id)) : pool;
  return kept.length ? kept : ['zz-nothing'];
}

function idsFor(path: string, p: Param, who?: UserName): string[] {
  const owned = (map: Map<string, UserName>) =>
    [...map].filter(([, o]) => !who || o === who).map(([id]) => id);
  if (path.startsWith('/prompts/{')) {
    const shared = [...promptOwner.keys()].filter((slug) => !privateSlugs.has(slug));
    return who
      ? [...owned(promptOwner), ...owned(promptOwner), ...shared, builtinSlugs[0]!]
      : [...builtinSlugs, ...promptOwner.keys()];
  }
  if (path.startsWith('/patterns/{')) return patternIds;
  if (path.startsWith('/me/') && owned(resourceOwner).length) return owned(resourceOwner);
  if (path.includes('/users/{')) return USERS.map((u) => F[u].id);
  const example = p.schema?.example;
  return typeof example === 'string' ? [example] : [...known];
}

function paramArb(op: Operation, p: Param, mode: Mode, who?: UserName): fc.Arbitrary<string> {
  const k = mode === 'valid' ? 12 : 3;
  const fresh = fc.nat().map((i) => harvested[i % harvested.length] ?? builtinSlugs[0]!);
  return pick<string>(
    [k, fc.constantFrom(...poolFor(op, p, mode, who))],
    [mode === 'valid' && op.path.startsWith('/prompts/{') ? 4 : 0, fresh],
    [3, fc.stringMatching(/^zz-[a-z0-9]{1,12}(-[a-z0-9]{1,6})?$/)],
    [1, fc.uuid()],
    [1, fc.integer({ min: 81, max: 8000 }).map((n) => 'a'.repeat(n))],
    [2, weird.map(enc)],
    [1, weird], // raw: the URL parser encodes what it must, and `/ ? # ..` change the route
    [2, fc.constantFrom(...SEGMENTS)],
  );
}

function cleanPathArb(op: Operation, who: UserName): fc.Arbitrary<string> {
  const params = op.params.filter((p) => p.in === 'path');
  const fresh = fc.nat().map((i) => harvested[i % harvested.length] ?? builtinSlugs[0]!);
  const value = (p: Param) =>
    pick<string>(
      [3, fc.constantFrom(...poolFor(op, p, 'valid', who))],
      [op.path.startsWith('/prompts/{') ? 2 : 0, fresh],
    );
  return fc.tuple(...params.map(value)).map((values) => {
    let path = prefix + op.path;
    params.forEach((p, i) => {
      path = path.replace(`{${p.name}}`, () => enc(values[i]!));
    });
    return path;
  });
}

function pathArb(op: Operation, mode: Mode, who?: UserName): fc.Arbitrary<string> {
  const params = op.params.filter((p) => p.in === 'path');
  return fc.tuple(...params.map((p) => paramArb(op, p, mode, who))).map((values) => {
    let path = prefix + op.path;
    params.forEach((p, i) => {
      path = path.replace(`{${p.name}}`, () => values[i]!);
    });
    return path;
  });
}

function queryValueArb(raw: Schema, mode: Mode): fc.Arbitrary<string> {
  const s = deref(raw);
  const type = typeOf(s);
  const valid = validArb(s).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const invalid =
    type === 'integer' || type === 'number'
      ? fc.constantFrom(
          'abc',
          '',
          ' ',
          '1.5',
          '1e999',
          '-1',
          '0',
          '101',
          '201',
          '1000001',
          '0x10',
          'NaN',
          '٣',
          '9'.repeat(400),
          'true',
          '[]',
          '1,2',
        )
      : s.enum
        ? fc.constantFrom('expert', 'BEGINNER', '', 'beginner ')
        : invalidArb(s).filter((v): v is string => typeof v === 'string');
  return pick<string>([mode === 'valid' ? 4 : 1, valid], [mode === 'valid' ? 1 : 2, invalid], [1, weird]);
}

function queryArb(op: Operation | undefined, mode: Mode): fc.Arbitrary<string> {
  const documented = op?.params.filter((p) => p.in === 'query') ?? [];
  const names = documented.map((p) => p.name);
  const entry = pick<[string, string | null]>(
    [
      documented.length ? 6 : 0,
      fc.oneof(
        ...(documented.length ? documented : [{ name: 'q', in: 'query' }]).map((p) =>
          fc.tuple(fc.constant(p.name), queryValueArb(p.schema ?? {}, mode)),
        ),
      ),
    ],
    [2, fc.tuple(pick([2, fc.stringMatching(/^[a-z_[\]]{1,10}$/)], [1, weird]), weird)],
    [
      1,
      fc.tuple(
        fc.constantFrom(...names, 'q', 'zz'),
        fc.integer({ min: 1000, max: 20_000 }).map((n) => 'q'.repeat(n)),
      ),
    ],
    [1, fc.tuple(fc.constantFrom(...names, 'flag'), fc.constant(null))], // `?flag` without `=`
  );
  return fc
    .tuple(
      fc.array(entry, { maxLength: mode === 'valid' ? 3 : 5 }),
      fc.boolean(),
      fc.constantFrom(true, true, false),
    )
    .map(([entries, repeat, encoded]) => {
      const list = repeat && entries.length ? [...entries, entries[0]!] : entries;
      const e = encoded ? enc : (s: string) => s;
      const parts = list.map(([k, v]) => (v === null ? e(k) : `${e(k)}=${e(v)}`));
      return parts.length ? `?${parts.join('&')}` : '';
    });
}

function malformedArb(values: fc.Arbitrary<Json>): fc.Arbitrary<string> {
  return pick<string>(
    [
      3,
      fc.tuple(values, fc.nat()).map(([v, n]) => {
        const text = toText(v, 'plain');
        return text.slice(0, n % Math.max(1, text.length));
      }),
    ],
    [3, fc.constantFrom(...MALFORMED)],
    [
      1,
      fc
        .tuple(values, fc.constantFrom(',', '}', ']', '"', '\u0000', 'x', '{'))
        .map(([v, tail]) => toText(v, 'plain') + tail),
    ],
  );
}

const deepArb = fc
  .integer({ min: 10, max: 20_000 })
  .chain((n) =>
    fc.constantFrom('['.repeat(n) + ']'.repeat(n), '{"a":'.repeat(n) + '1' + '}'.repeat(n), '['.repeat(n)),
  );
const formArb = fc
  .array(fc.tuple(fc.constantFrom('email', 'password', 'name', 'stars', 'title', 'a'), weird), {
    maxLength: 4,
  })
  .map((kv) => kv.map(([k, v]) => `${k}=${enc(v)}`).join('&'));
const multipartArb = fc
  .array(fc.tuple(fc.constantFrom('email', 'password', 'stars', 'file'), weird), { maxLength: 3 })
  .map(
    (parts) =>
      parts
        .map(([k, v]) => `--fuzzboundary\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
        .join('') + '--fuzzboundary--\r\n',
  );

function ctArb(mode: Mode): fc.Arbitrary<string> {
  return pick<string>(
    [mode === 'valid' ? 30 : 12, fc.constant('application/json')],
    [3, fc.constantFrom(...JSON_TYPES)],
    [2, fc.constantFrom(...OTHER_TYPES)],
    [1, latin1],
  );
}

let oversize: string | undefined; // a JSON body just over BODY_LIMIT_BYTES

/** A known-good body with one string field (at any depth) replaced by a dictionary word or noise. */
function mutatedArb(good: Json[]): fc.Arbitrary<Json> {
  const replace = (value: Json, at: number, by: string): Json => {
    const paths: (string | number)[][] = [];
    const walk = (v: Json, path: (string | number)[]) => {
      if (typeof v === 'string') paths.push(path);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(value, []);
    if (!paths.length) return value;
    const copy = structuredClone(value);
    const path = paths[at % paths.length]!;
    if (!path.length) return by;
    let parent = copy as Record<string | number, Json>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
    parent[path.at(-1)!] = by;
    return copy;
  };
  return fc
    .tuple(fc.constantFrom(...good), fc.nat(), pick<string>([3, dictionary], [2, weirdOrHuge]))
    .map(([value, at, by]) => replace(value, at, by));
}

function bodyArb(op: Operation, mode: Mode): fc.Arbitrary<BodyPart> {
  const schema = op.body!.schema;
  const valid = mode === 'valid';
  const good = knownGood[op.key];
  const bad = knownBad[op.key];
  const values = pick<Json>(
    [valid ? 5 : 2, validArb(schema)],
    [valid ? 2 : 1, minimalArb(schema)],
    [good ? (valid ? 6 : 1) : 0, fc.constantFrom<Json>(...(good ?? [null]))],
    [good ? (valid ? 4 : 1) : 0, mutatedArb(good ?? [null])],
    [bad ? 1 : 0, bad ?? fc.constant(null)],
    [valid ? 2 : 8, invalidArb(schema)],
    [1, fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>],
  );
  oversize ??= `{"a":"${'x'.repeat(t.services.config.bodyLimitBytes)}"}`;
  const text = pick<string>(
    [
      100,
      fc
        .tuple(values, fc.constantFrom('plain', 'plain', 'plain', 'pretty', 'bom', 'ws'))
        .map(([v, s]) => toText(v, s)),
    ],
    [valid ? 8 : 30, malformedArb(values)],
    [6, deepArb],
    [valid ? 0 : 1, fc.constant(oversize)],
  );
  return pick<BodyPart>(
    [14, fc.tuple(text, ctArb(mode)).map(([t, ct]) => ({ text: t, ct }))],
    [1, formArb.map((t) => ({ text: t, ct: 'application/x-www-form-urlencoded' }))],
    [1, multipartArb.map((t) => ({ text: t, ct: MULTIPART }))],
    [1, fc.string({ unit: 'grapheme', maxLength: 100 }).map((t) => ({ text: t, ct: 'text/plain' }))],
    [1, text.map((t) => ({ text: t }))], // no content type
    [1, fc.constant({})],
    [1, ctArb(mode).map((ct) => ({ ct }))], // a content type and no body
  );
}

function cleanBodyArb(op: Operation): fc.Arbitrary<BodyPart> {
  const good = knownGood[op.key];
  return pick<Json>(
    [good ? 3 : 0, fc.constantFrom<Json>(...(good ?? [null]))],
    [good ? 3 : 0, mutatedArb(good ?? [null])],
    [2, validArb(op.body!.schema)],
    [2, minimalArb(op.body!.schema)],
  ).map((value) => ({ text: toText(value, 'plain'), ct: 'application/json' }));
}

/** Bodies for routes that take none (GET and HEAD cannot carry one). */
function strayBodyArb(method: string, mode: Mode): fc.Arbitrary<BodyPart> {
  if (method === 'GET' || method === 'HEAD') return fc.constant({});
  return pick<BodyPart>(
    [mode === 'valid' ? 12 : 6, fc.constant({})],
    [
      1,
      fc
        .tuple(fc.jsonValue({ maxDepth: 2 }), ctArb(mode))
        .map(([v, ct]) => ({ text: JSON.stringify(v), ct })),
    ],
    [1, weirdOrHuge.map((t) => ({ text: t, ct: 'text/plain' }))],
    [1, formArb.map((t) => ({ text: t, ct: 'application/x-www-form-urlencoded' }))],
    [1, ctArb(mode).map((ct) => ({ ct }))],
  );
}

const framingArb = fc.record({
  chunked: pick([4, fc.constant(false)], [1, fc.constant(true)]),
  emptyLength: fc.boolean(),
});

function makeReq(req: Req): Req {
  Object.defineProperty(req, fc.toStringMethod, { value: () => describeReq(req), enumerable: false });
  return req;
}

function assemble(
  method: string,
  parts: {
    path: string;
    query: string;
    auth: Auth;
    body: BodyPart;
    extra: Record<string, string | undefined>;
    framing: { chunked: boolean; emptyLength: boolean };
  },
  target?: string,
): Req {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parts.extra)) if (value !== undefined) headers[name] = value;
  Object.assign(headers, parts.auth.headers);
  if (parts.body.ct !== undefined) headers['content-type'] = parts.body.ct;
  const text = method === 'GET' || method === 'HEAD' ? undefined : parts.body.text;
  if (text !== undefined) {
    if (parts.framing.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(utf8Length(text));
  } else if (parts.framing.emptyLength && method !== 'GET' && method !== 'HEAD') {
    headers['content-length'] = '0';
  }
  return makeReq({
    method,
    path: parts.path + parts.query,
    headers,
    ...(text !== undefined ? { body: text } : {}),
    who: parts.auth.who,
    validBearer: parts.auth.validBearer,
    ...(target ? { target } : {}),
  });
}

/** One arbitrary per documented operation, one for unknown routes/methods, and their mix. */
function requestArbs(mode: Mode) {
  const auth = authArb(mode);
  const extra = extraArb(mode);
  const forOp = (op: Operation, who?: UserName) =>
    fc
      .record({
        path: pathArb(op, mode, who),
        query: queryArb(op, mode),
        auth: who ? signedInArb([who]) : auth,
        body: op.body ? bodyArb(op, mode) : strayBodyArb(op.method, mode),
        extra,
        framing: framingArb,
      })
      .map((parts) => assemble(op.method, parts, op.key));
  // Well-formed streams also act as one user on that user's own prompts and keys, and send clean
  // requests (known ids, JSON, known-good or lightly mutated bodies), to get deep into success paths.
  const clean = (op: Operation, who: UserName) =>
    fc
      .record({
        path: cleanPathArb(op, who),
        auth: signedInArb([who]),
        body: op.body ? cleanBodyArb(op) : fc.constant<BodyPart>({}),
      })
      .map(({ path, auth: a, body }) =>
        assemble(
          op.method,
          { path, query: '', auth: a, body, extra: {}, framing: { chunked: false, emptyLength: false } },
          op.key,
        ),
      );
  const documented = ops.map((op) =>
    mode === 'valid'
      ? pick<Req>(
          [2, forOp(op)],
          ...USERS.map((u): [number, fc.Arbitrary<Req>] => [1, forOp(op, u)]),
          ...USERS.map((u): [number, fc.Arbitrary<Req>] => [2, clean(op, u)]),
        )
      : forOp(op),
  );
  const unknownPath = pick<string>(
    [3, fc.constantFrom(...UNKNOWN_PATHS)],
    [3, fc.oneof(...ops.map((op) => pathArb(op, mode)))],
    [
      1,
      fc
        .array(pick([2, fc.stringMatching(/^[a-z0-9-]{1,10}$/)], [1, weird.map(enc)]), { maxLength: 4 })
        .map((segments) => `${prefix}/${segments.join('/')}`),
    ],
  );
  const unknownQuery = queryArb(undefined, mode);
  const unknown = fc.oneof(
    ...METHODS.map((method) =>
      fc
        .record({
          path: unknownPath,
          query: unknownQuery,
          auth,
          body: strayBodyArb(method, mode),
          extra,
          framing: framingArb,
        })
        .map((parts) => assemble(method, parts)),
    ),
  );
  return { documented, unknown, any: pick<Req>([6, fc.oneof(...documented)], [1, unknown]) };
}

// ---------------------------------------------------------------------------------------------------
// Which requests must be rejected

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const MIDDLEWARE_JSON = /^application\/([\w.-]+\+)?json$/i; // src/http/content-type.ts
const GATE_JSON = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i; // @hono/zod-openapi
const VALIDATOR_JSON = /^application\/([\w.-]+\+)?json$/i; // hono/validator

/** What the route's JSON validator gets to see. */
function validatorSees(req: Req): { value: unknown } | 'unsupported' | 'malformed' | 'unknown' {
  const ct = req.headers['content-type'];
  if (ct) {
    if (!GATE_JSON.test(ct)) return 'unsupported';
    if (!VALIDATOR_JSON.test(ct.split(';')[0]!.trim())) return 'unknown';
    try {
      // Request.text() (undici) drops leading BOMs (two, in fact); drop them all to stay conservative.
      return { value: JSON.parse(decoder.decode(encoder.encode(req.body ?? '')).replace(/^\uFEFF+/, '')) };
    } catch {
      return 'malformed';
    }
  }
  return req.body !== undefined && utf8Length(req.body) > 0 ? 'unsupported' : { value: {} };
}

/** Route-specific refusals of well-formed bodies. */
function semanticRejections(op: Operation, value: unknown): string[] {
  if (!isObject(value) || typeof value.email !== 'string') return [];
  const email = value.email.toLowerCase();
  if (op.key === 'POST /auth/signup' && registered.has(email)) return ['email taken (409)'];
  if (op.key === 'POST /auth/signin' && (!registered.has(email) || value.password !== PASSWORD)) {
    return ['wrong credentials (401)'];
  }
  return [];
}

/** Ownership and roles: someone else's private prompt, key or account, or an admin route. */
function policyRejections(
  op: Operation,
  method: string,
  params: Record<string, string>,
  who: UserName | null,
) {
  const out: string[] = [];
  if (op.path.startsWith('/admin') && who !== 'admin') out.push('not an admin (401/403)');
  const slug = params.slug;
  if (slug !== undefined && op.path.startsWith('/prompts/{slug}')) {
    if (privateSlugs.has(slug) && promptOwner.get(slug) !== who)
      out.push("someone else's private prompt (404)");
    if (
      op.path === '/prompts/{slug}' &&
      (method === 'PATCH' || method === 'DELETE') &&
      promptOwner.get(slug) !== who
    ) {
      out.push('not the owner of the prompt (404)');
    }
  }
  for (const value of Object.values(params)) {
    const owner = resourceOwner.get(value);
    if (op.path.startsWith('/me/') && owner !== undefined && owner !== who)
      out.push("someone else's key (404)");
  }
  return out;
}

/** Why `req` must be answered with a 4xx and change nothing; empty when it may succeed. */
function rejectionReasons(req: Req): string[] {
  if (req.method === 'OPTIONS') return []; // a CORS preflight is answered 204 before anything else
  const reasons: string[] = [];
  const h = req.headers;
  if (req.body !== undefined && utf8Length(req.body) > t.services.config.bodyLimitBytes) {
    reasons.push('body over the limit (413)');
  }
  const hit = routeOf(req);
  if (!hit) return [...reasons, 'no such route (404)'];
  const { op, params, queries } = hit;
  if (h.authorization !== undefined && !req.validBearer) reasons.push('invalid Authorization (401)');
  const declaresBody =
    (h['content-length'] !== undefined && h['content-length'] !== '0') ||
    h['transfer-encoding'] !== undefined;
  if (
    BODY_METHODS.has(req.method) &&
    declaresBody &&
    !MIDDLEWARE_JSON.test((h['content-type'] ?? '').split(';')[0]!.trim())
  ) {
    reasons.push('body is not JSON (415)');
  }
  if (UNSAFE.has(req.method) && h.authorization === undefined) {
    const site = h['sec-fetch-site'];
    if (
      h.origin !== undefined ? h.origin !== 'http://localhost' : site === 'cross-site' || site === 'same-site'
    ) {
      reasons.push('cross-site (403)');
    }
  }
  for (const p of op.params) {
    if (p.in === 'path') {
      const v = params[p.name];
      if (v === undefined) continue;
      if (p.schema && definitelyInvalid(v, p.schema)) reasons.push(`path ${p.name} fails its schema (400)`);
      else if (!known.has(v)) reasons.push(`unknown ${p.name} (404)`);
    } else if (p.in === 'query') {
      const values = queries[p.name];
      if (values && p.schema && queryInvalid(values, p.schema))
        reasons.push(`query ${p.name} fails its schema (400)`);
    }
  }
  if (op.body) {
    const seen = validatorSees(req);
    if (seen === 'unsupported') reasons.push('media type not accepted (415)');
    else if (seen === 'malformed') reasons.push('malformed JSON (400)');
    else if (seen !== 'unknown') {
      if (definitelyInvalid(seen.value, op.body.schema)) reasons.push('body fails its schema (400)');
      reasons.push(...semanticRejections(op, seen.value));
    }
  }
  if (op.secured && req.who === null) reasons.push('anonymous on a secured route (401)');
  reasons.push(...policyRejections(op, req.method, params, req.who));
  return reasons;
}

// ---------------------------------------------------------------------------------------------------
// Sending and checking

function describeReq(req: Req): string {
  const lines = [`${req.method} ${clip(JSON.stringify(req.path), 300)}`];
  for (const [name, value] of Object.entries(req.headers))
    lines.push(`  ${name}: ${clip(JSON.stringify(value), 200)}`);
  if (req.body !== undefined) lines.push(`  body: ${clip(JSON.stringify(req.body), 400)}`);
  return lines.join('\n');
}

/** The error schema a response is checked against: the route's, or its surface's (/v1/… answers in OpenAI's shape). */
function errorSchemaFor(req: Req, op: Operation | undefined): string {
  let declared = op ? [...op.errorSchemas] : [];
  if (!op) {
    // An unknown path answers in the shape of the documented routes under the same first segment.
    const path = new URL(`http://localhost${req.path}`).pathname;
    const segment = path.startsWith(`${prefix}/`) ? path.slice(prefix.length).split('/')[1] : undefined;
    const siblings = ops.filter((o) => segment && o.path.split('/')[1] === segment);
    const shapes = new Set(siblings.flatMap((o) => [...o.errorSchemas]));
    declared = shapes.size === 1 ? [...shapes] : [];
  }
  const other = declared.filter((name) => name && name !== 'Error');
  return other.length === declared.length && other.length > 0 ? other[0]! : 'Error';
}

function checkResponse(req: Req, res: Sent, op: Operation | undefined): void {
  const fail = (why: string): never => {
    throw new Error(`${why}\n${describeReq(req)}\n→ ${res.status} ${clip(res.text, 500)}`);
  };
  if (res.status >= 500) fail('5xx response');
  const requestId = res.headers.get('x-request-id');
  if (!requestId) fail('no X-Request-Id header');
  if (res.status === 204) return;
  if (op?.redirects && res.status >= 300 && res.status < 400 && res.headers.has('location')) return;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const success = res.status >= 200 && res.status < 300;
  // A documented non-JSON success (the HTML reference, Server-Sent Events) is what it says it is.
  if (success && type !== 'application/json' && op?.successTypes.has(type)) return;
  if (type !== 'application/json') fail(`response is not JSON (content-type "${type}")`);
  if (req.method === 'HEAD') return;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    fail('response body is not valid JSON');
  }
  if (success) return;
  const schema = errorSchemaFor(req, op);
  if (schema !== 'Error') {
    if (definitelyInvalid(body, { $ref: `#/components/schemas/${schema}` }))
      fail(`error body is not a ${schema}`);
    return;
  }
  if (!isObject(body) || Object.keys(body).join() !== 'error' || !isObject(body.error)) {
    fail('error body is not exactly {error:{…}}');
  }
  const error = (body as { error: Record<string, unknown> }).error;
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'requestId', 'details'].includes(k));
  if (extra.length) fail(`error has unexpected fields ${extra.join(', ')}`);
  if (
    typeof error.code !== 'string' ||
    typeof error.message !== 'string' ||
    typeof error.requestId !== 'string'
  ) {
    fail('error.code, error.message and error.requestId must be strings');
  }
  if (error.details !== undefined && !isObject(error.details)) fail('error.details must be an object');
  if (error.requestId !== requestId)
    fail(`X-Request-Id ${requestId} ≠ error.requestId ${String(error.requestId)}`);
}

async function send(req: Req): Promise<Sent> {
  sent += 1;
  if (req.target) targeted.set(req.target, (targeted.get(req.target) ?? 0) + 1);
  const hit = routeOf(req);
  const res = await t.app.request(`http://localhost${req.path}`, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: encoder.encode(req.body) } : {}),
  });
  const out = {
    status: res.status,
    headers: res.headers,
    text: req.method === 'HEAD' ? '' : await res.text(),
  };
  if (hit && res.status >= 200 && res.status < 300) okOps.add(hit.op.key);
  if (process.env.FUZZ_STATS) count(`status ${res.status} ${hit?.op.key ?? '(no route)'}`);
  if (res.headers.get('ratelimit-limit') === String(GENEROUS.points)) sawRateLimitHeaders = true;
  checkResponse(req, out, hit?.op);
  if (req.method === 'POST' && res.status === 201 && out.text.startsWith('{')) {
    const slug: unknown = JSON.parse(out.text).slug;
    if (typeof slug === 'string') harvested.push(slug);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Snapshots of user data, straight from the SQLite file

const CATALOG_TABLES = new Set(['meta', 'taxonomy', 'patterns', 'schema_migrations']);
const PROMPT_LINKS = new Set(['prompt_roles', 'prompt_tags', 'prompt_patterns']);
const VOLATILE_COLUMNS = new Set(['last_used_at']);
type Snapshot = Record<string, string>;

function snapshot(): Snapshot {
  const out: Snapshot = {};
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  for (const table of tables) {
    if (CATALOG_TABLES.has(table) || table.startsWith('prompts_fts')) continue;
    const where =
      table === 'prompts'
        ? " WHERE source = 'user'"
        : PROMPT_LINKS.has(table)
          ? " WHERE prompt_id IN (SELECT id FROM prompts WHERE source = 'user')"
          : '';
    const rows = (db.prepare(`SELECT * FROM "${table}"${where}`).all() as Record<string, unknown>[])
      .map((row) => JSON.stringify(Object.entries(row).filter(([column]) => !VOLATILE_COLUMNS.has(column))))
      .sort();
    out[table] = `${rows.length} rows, sha256 ${createHash('sha256').update(rows.join('\n')).digest('hex')}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

describe('API fuzz (every route in the OpenAPI document)', () => {
  it('answers requests that must be rejected with a JSON 4xx, never a 5xx, and writes nothing', async () => {
    // Shrinking is bounded so that a failure is reported in seconds, not minutes.
    const batch = fc.limitShrink(
      fc.array(
        requestArbs('reject').any.filter((req) => rejectionReasons(req).length > 0),
        REJECTED.batch,
      ),
      REJECTED.maxShrinks,
    );
    await fc.assert(
      fc.asyncProperty(batch, async (requests) => {
        const before = snapshot();
        for (const req of requests) {
          if (process.env.FUZZ_STATS) for (const r of rejectionReasons(req)) count(`reason ${r}`);
          const res = await send(req);
          if (res.status < 400 || res.status >= 500) {
            throw new Error(
              `expected a 4xx because: ${rejectionReasons(req).join('; ')}\n${describeReq(req)}\n→ ${res.status} ${clip(res.text, 500)}`,
            );
          }
        }
        const after = snapshot();
        const changed = Object.keys({ ...before, ...after }).filter(
          (table) => before[table] !== after[table],
        );
        if (changed.length) {
          throw new Error(
            `rejected requests wrote to ${changed.map((c) => `${c} (${before[c]} → ${after[c]})`).join(', ')}\n` +
              requests.map(describeReq).join('\n'),
          );
        }
      }),
      { numRuns: REJECTED.numRuns, ...replay },
    );
  }, 120_000);

  it('answers mostly well-formed requests to every route (which may write) without a 5xx, errors as JSON', async () => {
    // Each run sends one request to every documented route (so each gets VALID.numRuns of them,
    // whatever the document grows to) plus a few to unknown routes, in a rotated order.
    const arbs = requestArbs('valid');
    const sweep = fc.limitShrink(
      fc
        .tuple(fc.tuple(...arbs.documented), fc.array(arbs.unknown, VALID.unknown), fc.nat())
        .map(([documented, unknown, shift]) => {
          const all = [...documented, ...unknown];
          const at = shift % all.length;
          return [...all.slice(at), ...all.slice(0, at)];
        }),
      VALID.maxShrinks,
    );
    await fc.assert(
      fc.asyncProperty(sweep, async (requests) => {
        for (const req of requests) await send(req);
        await restoreSessions();
      }),
      { numRuns: VALID.numRuns, ...replay },
    );
    sweptEveryRoute = true;
  }, 120_000);

  it(`sent at least ${MIN_REQUESTS} requests to every documented route, rate limited through Redis`, async () => {
    expect(sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
    // (Unless the sweep above stopped at a failure, which is then the failure to look at.)
    for (const op of ops) {
      if (sweptEveryRoute) expect(targeted.get(op.key) ?? 0, op.key).toBeGreaterThanOrEqual(VALID.numRuns);
    }
    if (sweptEveryRoute) expect(okOps.size).toBeGreaterThanOrEqual(Math.ceil(ops.length / 2));
    expect(sawRateLimitHeaders).toBe(true);
    const client = new Redis(redis.url);
    try {
      expect((await client.keys(`${REDIS_KEY_PREFIX}*`)).length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });
});
