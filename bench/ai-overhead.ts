/**
 * Streaming overhead benchmark: how much latency does Engify add to an AI stream?
 *
 * One process runs the fake LLM provider (test/fakes/llm-provider.ts, fixed first-token and inter-delta
 * delays), the real Engify server (startServer on port 0, temp DATA_DIR, silent logs) and the client.
 * The same requests are measured two ways, interleaved (the order alternates every round):
 *   direct  — POST /v1/chat/completions on the fake with plain fetch, SSE parsed until the first content
 *             delta (TTFT) and `data: [DONE]` (total);
 *   engify  — POST /api/ai/stream with `Authorization: Bearer egk_…`, until the first `event: delta`
 *             (TTFT) and `event: done` (total).
 * Added latency = engify − direct. Results go to BENCHMARKS.md, section "ai-overhead" (only that section).
 *
 *   node --import tsx bench/ai-overhead.ts [--rounds 200] [--concurrency 50] [--concurrent-rounds 20]
 *     [--warmup 30] [--first-token-ms 50] [--inter-delta-ms 5] [--deltas 20] [--no-write] [--profile]
 *
 * --profile also times the server-side stages of a stream (auth, quota, key resolution, execution
 * insert, …) by wrapping the service methods at runtime — src/ is not modified.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_KEYS } from '../test/fakes/llm-provider.js';
import { startBareProxy, startEngify, startFake, type EngifyHandle, type FakeHandle } from './lib/servers.js';
import { table, updateSectionInFile } from './lib/markdown.js';
import { fmt, pairedDifferences, summarize, type Summary } from './lib/stats.js';
import { MethodTimers } from './lib/stage-timers.js';
import { GuardedOutboundHttp } from '../src/adapters/http/guarded-fetch.js';
import { AiSdkLlmClient } from '../src/adapters/llm/ai-sdk.js';
import { SqliteAccountStore } from '../src/adapters/sqlite/account-store.js';
import { SqliteExecutionStore } from '../src/adapters/sqlite/execution-store.js';
import { SqliteProviderKeyStore } from '../src/adapters/sqlite/provider-key-store.js';
import { CachingKeyVault } from '../src/adapters/vault/caching-vault.js';
import { LocalKeyVault } from '../src/adapters/vault/local-vault.js';
import { ExecutionTokenQuota } from '../src/features/ai/quota.js';
import { AiService } from '../src/features/ai/service.js';
import { AuthService } from '../src/features/auth/service.js';
import { ProviderKeyService } from '../src/features/provider-keys/service.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '50' },
    'concurrent-rounds': { type: 'string', default: '20' },
    warmup: { type: 'string', default: '30' },
    'first-token-ms': { type: 'string', default: '50' },
    'inter-delta-ms': { type: 'string', default: '5' },
    deltas: { type: 'string', default: '20' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    'no-write': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    isolate: { type: 'boolean', default: false },
  },
});
const int = (name: keyof typeof args) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
};
const P = {
  rounds: int('rounds'),
  concurrency: int('concurrency'),
  concurrentRounds: int('concurrent-rounds'),
  warmup: int('warmup'),
  firstTokenMs: int('first-token-ms'),
  interDeltaMs: int('inter-delta-ms'),
  deltas: Math.max(1, int('deltas')),
};
/** Other work on the machine skews tails; recorded before we add our own load. */
const LOAD_AT_START = os.loadavg();
const TARGET = { ttftP50: 2, ttftP99: 5 };
const MODEL = 'gpt-4o-mini'; // Engify's default OpenAI model, so both paths ask for the same thing

// ---------------------------------------------------------------------------------------------------------
// Timed SSE clients

interface Sample {
  /** performance.now() when the request was sent (for timelines). */
  t0: number;
  /** Request sent → response headers. */
  headers: number;
  /** Request sent → first text delta parsed. */
  ttft: number;
  /** Request sent → end-of-stream marker parsed. */
  total: number;
  /** Engify only: request sent → `event: start` (auth, quota, key, execution row done; provider not called yet). */
  start?: number;
  /** Engify only: the server's own TTFT (from calling the provider; whole ms) from the `done` event. */
  serverTtft?: number;
  text: string;
}

/** Reads an SSE body, calling `onBlock(event, data)` per event as soon as its bytes arrive. */
async function readSse(res: Response, onBlock: (event: string, data: string) => void): Promise<void> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += (data ? '\n' : '') + line.slice(5).trimStart();
      }
      if (data) onBlock(event, data);
    }
  }
}

/** Streams straight from the fake (`via` omitted) or through the bare proxy in front of it. */
async function direct(fake: FakeHandle, content: string, via?: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(via ? `${via}/chat/completions` : `${fake.openaiBaseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEFAULT_KEYS.openai}`, 'content-type': 'application/json' },
    // The same body shape the AI SDK sends for Engify's call.
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content }],
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  const headers = performance.now() - t0;
  if (res.status !== 200) throw new Error(`direct: HTTP ${res.status} ${await res.text()}`);
  let ttft = -1;
  let total = -1;
  let text = '';
  await readSse(res, (_event, data) => {
    if (data === '[DONE]') {
      total = performance.now() - t0;
      return;
    }
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string } }[] };
    const piece = chunk.choices?.[0]?.delta?.content;
    if (piece) {
      if (ttft < 0) ttft = performance.now() - t0;
      text += piece;
    }
  });
  if (ttft < 0 || total < 0) throw new Error('direct: stream ended without a delta or [DONE]');
  return { t0, headers, ttft, total, text };
}

async function viaEngify(base: string, apiKey: string, content: string): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/ai/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'openai', messages: [{ role: 'user', content }] }),
  });
  const headers = performance.now() - t0;
  if (res.status !== 200) throw new Error(`engify: HTTP ${res.status} ${await res.text()}`);
  let ttft = -1;
  let total = -1;
  let start = -1;
  let serverTtft = -1;
  let text = '';
  await readSse(res, (event, data) => {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    if (event === 'start') start = performance.now() - t0;
    else if (event === 'delta') {
      if (ttft < 0) ttft = performance.now() - t0;
      text += parsed.text as string;
    } else if (event === 'done') {
      total = performance.now() - t0;
      serverTtft = (parsed.ttftMs as number | null) ?? -1;
    } else if (event === 'error') throw new Error(`engify: error event ${data}`);
  });
  if (ttft < 0 || total < 0) throw new Error('engify: stream ended without a delta or done');
  return { t0, headers, ttft, total, start, serverTtft, text };
}

// ---------------------------------------------------------------------------------------------------------
// Setup

interface Env {
  fake: FakeHandle;
  /** A bare Node HTTP proxy in front of the fake: the cost of one more hop, and nothing else. */
  proxy: { url: string; close(): Promise<void> };
  engify: EngifyHandle;
  dataDir: string;
  apiKey: string;
  expectedText: string;
}

async function setup(isolate: boolean): Promise<Env> {
  const words = Array.from({ length: P.deltas }, (_, i) => `word${i + 1}`);
  const reply = words.map((w, i) => (i < words.length - 1 ? `${w} ` : w));
  const fake = await startFake(
    {
      behavior: {
        reply,
        firstTokenDelayMs: P.firstTokenMs,
        interDeltaDelayMs: P.interDeltaMs,
        // Small fixed usage: the daily token quota never comes into play, whatever the round count.
        usage: { inputTokens: 5, outputTokens: P.deltas },
      },
    },
    isolate,
  );
  const dataDir = await mkdtemp(join(os.tmpdir(), 'engify-bench-'));
  const engify = await startEngify(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WEB_DIR: '/nonexistent', // API only: no web build
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      OPENAI_BASE_URL: fake.openaiBaseURL,
    },
    isolate,
  );
  const base = engify.url;
  const call = async (method: string, path: string, body: unknown, cookie?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: base, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res;
  };
  // First account on a fresh install is the admin: unlimited `api` and `ai` rate-limit tiers.
  const signup = await call('POST', '/api/auth/signup', {
    email: 'bench@example.com',
    password: 'a-long-enough-bench-password',
  });
  const cookie = /engify_session=[^;]+/.exec(signup.headers.get('set-cookie') ?? '')?.[0];
  const { user } = (await signup.json()) as { user: { id: string; role: string } };
  if (!cookie || user.role !== 'admin') throw new Error('setup: expected the first account to be admin');
  // Belt and braces for the token quota: team tier (10M tokens/day).
  await call('PATCH', `/api/admin/users/${user.id}`, { tier: 'team' }, cookie);
  await call('POST', '/api/me/provider-keys', { provider: 'openai', apiKey: DEFAULT_KEYS.openai }, cookie);
  const created = (await (await call('POST', '/api/me/api-keys', { name: 'bench' }, cookie)).json()) as {
    key: string;
  };
  const proxy = await startBareProxy(`${fake.openaiBaseURL}/chat/completions`, isolate);
  return { fake, proxy, engify, dataDir, apiKey: created.key, expectedText: reply.join('') };
}

// ---------------------------------------------------------------------------------------------------------
// Runs

interface Pair {
  direct: Sample;
  engify: Sample;
  /** The same request through the bare proxy (absent in the profile's rounds). */
  proxy?: Sample;
}

let seq = 0;
const message = () => `Benchmark request ${++seq}: answer in ${P.deltas} words.`;

/**
 * One round: `n` concurrent streams each way — direct, through the bare proxy (unless `withProxy` is
 * false) and through Engify — one way after the other, in an order that rotates with `index`.
 */
async function round(env: Env, n: number, index: number, withProxy = true): Promise<Pair[]> {
  const contents = Array.from({ length: n }, message);
  const ways = {
    direct: () => Promise.all(contents.map((c) => direct(env.fake, c))),
    proxy: () => Promise.all(contents.map((c) => direct(env.fake, c, env.proxy.url))),
    engify: () => Promise.all(contents.map((c) => viaEngify(env.engify.url, env.apiKey, c))),
  };
  const names = (withProxy ? ['direct', 'proxy', 'engify'] : ['direct', 'engify']) as (keyof typeof ways)[];
  const results: Partial<Record<keyof typeof ways, Sample[]>> = {};
  for (let k = 0; k < names.length; k++) {
    const name = names[(index + k) % names.length]!;
    results[name] = await ways[name]();
  }
  env.fake.clearRequests(); // the fake records every request; keep memory flat
  const d = results.direct!;
  const e = results.engify!;
  const p = results.proxy;
  for (const s of [...d, ...e, ...(p ?? [])]) {
    if (s.text !== env.expectedText) throw new Error(`unexpected reply text: ${JSON.stringify(s.text)}`);
  }
  return d.map((direct, i) => ({ direct, engify: e[i]!, ...(p ? { proxy: p[i]! } : {}) }));
}

async function scenario(env: Env, concurrency: number, rounds: number, warmupRounds: number) {
  for (let i = 0; i < warmupRounds; i++) await round(env, concurrency, i);
  const pairs: Pair[] = [];
  for (let i = 0; i < rounds; i++) pairs.push(...(await round(env, concurrency, i)));
  return pairs;
}

interface Result {
  concurrency: number;
  rounds: number;
  n: number;
  direct: { ttft: Summary; total: Summary };
  /** Through the bare proxy: what one more HTTP hop costs, for comparison. */
  proxy: { ttft: Summary; total: Summary };
  engify: { ttft: Summary; total: Summary; start: Summary; serverTtft: Summary };
  /** Percentile of engify minus the same percentile of direct. */
  added: { ttft: { p50: number; p99: number }; total: { p50: number; p99: number } };
  /** Percentiles of the per-request differences (engify_i − direct_i for the same request i). */
  paired: { ttft: Summary; total: Summary };
}

function analyse(concurrency: number, rounds: number, pairs: Pair[]): Result {
  const col = (side: 'direct' | 'engify', key: keyof Sample) => pairs.map((p) => p[side][key] as number);
  const dT = summarize(col('direct', 'ttft'));
  const dTot = summarize(col('direct', 'total'));
  const eT = summarize(col('engify', 'ttft'));
  const eTot = summarize(col('engify', 'total'));
  const viaProxy = pairs.flatMap((p) => (p.proxy ? [p.proxy] : []));
  return {
    concurrency,
    rounds,
    n: pairs.length,
    direct: { ttft: dT, total: dTot },
    proxy: { ttft: summarize(viaProxy.map((s) => s.ttft)), total: summarize(viaProxy.map((s) => s.total)) },
    engify: {
      ttft: eT,
      total: eTot,
      start: summarize(col('engify', 'start')),
      serverTtft: summarize(col('engify', 'serverTtft')),
    },
    added: {
      ttft: { p50: eT.p50 - dT.p50, p99: eT.p99 - dT.p99 },
      total: { p50: eTot.p50 - dTot.p50, p99: eTot.p99 - dTot.p99 },
    },
    paired: {
      ttft: summarize(pairedDifferences(col('engify', 'ttft'), col('direct', 'ttft'))),
      total: summarize(pairedDifferences(col('engify', 'total'), col('direct', 'total'))),
    },
  };
}

const meets = (r: Result) => r.added.ttft.p50 <= TARGET.ttftP50 && r.added.ttft.p99 <= TARGET.ttftP99;

function printResult(r: Result): void {
  const line = (label: string, s: Summary) =>
    `  ${label.padEnd(22)} p50 ${fmt(s.p50).padStart(8)}  p99 ${fmt(s.p99).padStart(8)}  max ${fmt(s.max).padStart(8)} ms`;
  console.log(`\nconcurrency ${r.concurrency} — ${r.n} streams each way (${r.rounds} rounds)`);
  console.log(line('direct TTFT', r.direct.ttft));
  console.log(line('bare proxy TTFT', r.proxy.ttft));
  console.log(line('engify TTFT', r.engify.ttft));
  console.log(line('direct total', r.direct.total));
  console.log(line('engify total', r.engify.total));
  console.log(line('engify → start event', r.engify.start));
  console.log(line('engify server ttftMs', r.engify.serverTtft));
  console.log(line('paired Δ TTFT', r.paired.ttft));
  console.log(line('paired Δ total', r.paired.total));
  console.log(
    `  bare proxy adds TTFT p50 ${fmt(r.proxy.ttft.p50 - r.direct.ttft.p50)} ms, ` +
      `p99 ${fmt(r.proxy.ttft.p99 - r.direct.ttft.p99)} ms`,
  );
  console.log(
    `  added TTFT p50 ${fmt(r.added.ttft.p50)} ms, p99 ${fmt(r.added.ttft.p99)} ms → ` +
      `target (≤ ${TARGET.ttftP50} / ≤ ${TARGET.ttftP99} ms) ${meets(r) ? 'MET' : 'NOT MET'}`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Report

function markdown(results: Result[], profile: string | null, seconds: number): string {
  const cpus = os.cpus();
  const [before1 = 0, , before15 = 0] = LOAD_AT_START;
  const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()} (${os.arch()}), Node ${process.version}`;
  const rows = results.flatMap((r) => {
    const ratio = (e: number, d: number) => `${fmt(e / d, 3)}×`;
    return [
      [
        `${r.concurrency}`,
        'TTFT',
        fmt(r.direct.ttft.p50),
        fmt(r.engify.ttft.p50),
        `**${fmt(r.added.ttft.p50)}**`,
        ratio(r.engify.ttft.p50, r.direct.ttft.p50),
        fmt(r.direct.ttft.p99),
        fmt(r.engify.ttft.p99),
        `**${fmt(r.added.ttft.p99)}**`,
        ratio(r.engify.ttft.p99, r.direct.ttft.p99),
        `${fmt(r.paired.ttft.p50)} / ${fmt(r.paired.ttft.p99)}`,
      ],
      [
        `${r.concurrency}`,
        'total',
        fmt(r.direct.total.p50),
        fmt(r.engify.total.p50),
        fmt(r.added.total.p50),
        ratio(r.engify.total.p50, r.direct.total.p50),
        fmt(r.direct.total.p99),
        fmt(r.engify.total.p99),
        fmt(r.added.total.p99),
        ratio(r.engify.total.p99, r.direct.total.p99),
        `${fmt(r.paired.total.p50)} / ${fmt(r.paired.total.p99)}`,
      ],
    ];
  });
  const verdicts = results.map(
    (r) =>
      `- Concurrency ${r.concurrency}: added TTFT p50 **${fmt(r.added.ttft.p50)} ms** (target ≤ ${TARGET.ttftP50}), ` +
      `p99 **${fmt(r.added.ttft.p99)} ms** (target ≤ ${TARGET.ttftP99}) — **${meets(r) ? 'met' : 'not met'}**` +
      (meets(r)
        ? '.'
        : ` (${[
            r.added.ttft.p50 > TARGET.ttftP50
              ? `p50 over by ${fmt(r.added.ttft.p50 - TARGET.ttftP50)} ms`
              : '',
            r.added.ttft.p99 > TARGET.ttftP99
              ? `p99 over by ${fmt(r.added.ttft.p99 - TARGET.ttftP99)} ms`
              : '',
          ]
            .filter(Boolean)
            .join(', ')}).`),
  );
  const stages = results.map(
    (r) =>
      `| ${r.concurrency} | ${fmt(r.engify.start.p50)} / ${fmt(r.engify.start.p99)} | ` +
      `${fmt(r.engify.serverTtft.p50, 0)} / ${fmt(r.engify.serverTtft.p99, 0)} | ${fmt(r.direct.ttft.p50)} / ${fmt(r.direct.ttft.p99)} |`,
  );
  const command = ['node --import tsx bench/ai-overhead.ts', ...process.argv.slice(2)].join(' ');
  const where = args.isolate
    ? 'The fake provider (`test/fakes/llm-provider.ts`) and the real Engify server each run in their own ' +
      'worker thread; the client (Node `fetch`) runs on the main thread. Engify: '
    : 'One process (one event loop) runs the fake provider (`test/fakes/llm-provider.ts`), the real Engify ' +
      'server and the client (Node `fetch`). Engify: ';
  return [
    args.isolate ? '## AI streaming overhead (servers in worker threads)' : '## AI streaming overhead',
    '',
    `_Generated by \`${command}\` on ${new Date().toISOString()} (${fmt(seconds, 0)} s)._`,
    '',
    `**Machine:** ${machine}. Load average before the run: ${before1.toFixed(2)} (1 min), ${before15.toFixed(2)} (15 min)` +
      (before1 > 0.5 ? ' — other work was running on this machine, so tails (p99) are noisier.' : '.'),
    '',
    `**Setup:** ${where}` +
      '`startServer`, port 0, temp `DATA_DIR`, SQLite, `LOG_LEVEL=silent`, `OPENAI_BASE_URL` → the fake. The caller is the first account (admin: no `ai`/`api` rate limits) on tier ' +
      '`team`, with a stored OpenAI key, authenticated by `Authorization: Bearer egk_…`. ' +
      `**Direct** = streaming \`POST /v1/chat/completions\` to the fake (TTFT = first content delta, total = ` +
      '`[DONE]`); **Engify** = `POST /api/ai/stream` (TTFT = first `event: delta`, total = `event: done`). ' +
      'Direct, the bare proxy (below) and Engify get the same messages: each round runs the batch one way ' +
      'after the other, in an order that rotates every round.',
    '',
    `**Parameters:** first-token delay ${P.firstTokenMs} ms, inter-delta delay ${P.interDeltaMs} ms, ` +
      `${P.deltas} deltas per reply, model \`${MODEL}\`; concurrency 1: ${P.warmup} warm-up + ${P.rounds} rounds; ` +
      `concurrency ${P.concurrency}: ${Math.max(1, Math.round(P.warmup / 10))} warm-up + ${P.concurrentRounds} rounds of ${P.concurrency} concurrent streams each way.`,
    '',
    'All times in ms. _Added_ = Engify percentile − direct percentile; _paired Δ_ = percentiles of the ' +
      'per-request differences (same request, both ways); ratio = Engify ÷ direct.',
    '',
    table(
      [
        'Concurrency',
        'Metric',
        'Direct p50',
        'Engify p50',
        'Added p50',
        'Ratio p50',
        'Direct p99',
        'Engify p99',
        'Added p99',
        'Ratio p99',
        'Paired Δ p50 / p99',
      ],
      rows,
      ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `**Target** (from the issue): Engify adds ≤ ${TARGET.ttftP50} ms p50 and ≤ ${TARGET.ttftP99} ms p99 to TTFT.`,
    '',
    ...verdicts,
    '',
    'For scale, the same requests through a **bare proxy** (`startBareProxy` in `bench/lib/servers.ts`: ' +
      'a Node `http` server that forwards the body to the fake and pipes the answer back — no parsing, ' +
      'auth or storage), measured in the same rounds: what one more HTTP hop costs on this machine.',
    '',
    '| Concurrency | Bare proxy TTFT p50 / p99 | Proxy adds p50 / p99 | Engify adds p50 / p99 | Engify − proxy p50 / p99 |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.concurrency} | ${fmt(r.proxy.ttft.p50)} / ${fmt(r.proxy.ttft.p99)} | ` +
        `${fmt(r.proxy.ttft.p50 - r.direct.ttft.p50)} / ${fmt(r.proxy.ttft.p99 - r.direct.ttft.p99)} | ` +
        `${fmt(r.added.ttft.p50)} / ${fmt(r.added.ttft.p99)} | ` +
        `${fmt(r.engify.ttft.p50 - r.proxy.ttft.p50)} / ${fmt(r.engify.ttft.p99 - r.proxy.ttft.p99)} |`,
    ),
    '',
    'Where the Engify TTFT goes (p50 / p99): the `start` event is written once the provider has answered ' +
      '(its response headers), after the execution row is inserted; everything before the provider call ' +
      '(HTTP, API-key auth, rate limit, quota, key resolution and decryption) comes first. ' +
      "The server's own `ttftMs` (whole ms) runs from the provider call to its first delta.",
    '',
    '| Concurrency | Client → `start` event | Server `ttftMs` | Direct TTFT |',
    '| ---: | ---: | ---: | ---: |',
    ...stages,
    ...(profile ? ['', profile] : []),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Profile: server-side stage timings and CPU per stream (sequential, so timings are not queueing)

async function profileStages(env: Env): Promise<string> {
  const n = 100;
  // CPU per stream: the whole process (client + fake + server), direct-only vs Engify-only batches.
  // Main-thread busy time (event-loop utilisation) per stream, in batches of `concurrency` streams: the
  // CPU cost that queues other streams' events. (At concurrency 1 ELU mostly measures timer wake-ups.)
  const batch = Math.max(2, P.concurrency);
  const batches = 6;
  const cost = async (fn: () => Promise<unknown>) => {
    await Promise.all(Array.from({ length: batch }, fn)); // warm
    const before = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    for (let i = 0; i < batches; i++) {
      await Promise.all(Array.from({ length: batch }, fn));
      env.fake.clearRequests();
    }
    const busy = performance.eventLoopUtilization(elu).active;
    const used = process.cpuUsage(before);
    return { busy: busy / (batch * batches), cpu: (used.user + used.system) / 1000 / (batch * batches) };
  };
  const costDirect = await cost(() => direct(env.fake, message()));
  const costEngify = await cost(() => viaEngify(env.engify.url, env.apiKey, message()));
  // The provider client alone (Engify's AiSdkLlmClient, no HTTP server, no SQLite) against the same fake.
  const llm = new AiSdkLlmClient({
    baseURLs: { openai: env.fake.openaiBaseURL },
    outbound: new GuardedOutboundHttp(true),
    timeoutMs: 120_000,
  });
  const sdkStream = async () => {
    const t0 = performance.now();
    let ttft = -1;
    for await (const event of llm.stream({
      provider: 'openai',
      model: MODEL,
      apiKey: DEFAULT_KEYS.openai,
      baseURL: null,
      messages: [{ role: 'user', content: message() }],
      signal: new AbortController().signal,
    })) {
      if (event.type === 'delta' && ttft < 0) ttft = performance.now() - t0;
    }
    return ttft;
  };
  const costSdk = await cost(sdkStream);
  const sdkTtft: number[] = [];
  const plainTtft: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      sdkTtft.push(await sdkStream());
      plainTtft.push((await direct(env.fake, message())).ttft);
    } else {
      plainTtft.push((await direct(env.fake, message())).ttft);
      sdkTtft.push(await sdkStream());
    }
    env.fake.clearRequests();
  }
  const sdk = summarize(sdkTtft);
  const plain = summarize(plainTtft);

  const t = new MethodTimers();
  t.wrap(AuthService.prototype, 'authenticateApiKey', 'auth: authenticateApiKey');
  t.wrap(SqliteAccountStore.prototype, 'findApiKeyByHash', '· SELECT api_keys by hash');
  t.wrap(SqliteAccountStore.prototype, 'findUserById', '· SELECT users');
  t.wrap(SqliteAccountStore.prototype, 'touchApiKey', '· UPDATE api_keys.last_used_at');
  t.wrap(AiService.prototype, 'prepare', 'AiService.prepare');
  t.wrap(ExecutionTokenQuota.prototype, 'state', '· quota.state (today’s token counter)');
  t.wrap(ProviderKeyService.prototype, 'resolve', '· providerKeys.resolve');
  t.wrap(SqliteProviderKeyStore.prototype, 'firstOfProvider', '· · SELECT provider key (sealed)');
  t.wrap(SqliteProviderKeyStore.prototype, 'touch', '· · UPDATE provider_keys.last_used_at');
  t.wrap(CachingKeyVault.prototype, 'open', '· · vault.open (kept 5 min)');
  t.wrap(LocalKeyVault.prototype, 'open', '· · · local vault open on a miss (AES-GCM unwrap + decrypt)');
  t.wrap(SqliteExecutionStore.prototype, 'create', 'INSERT execution (running)');
  t.wrapFirstYield(AiSdkLlmClient.prototype, 'stream', 'AI SDK stream: call → first delta');
  t.wrap(SqliteExecutionStore.prototype, 'finish', 'UPDATE execution (finished)');

  // Wire-level points: when Node's HTTP servers hand a request over, and what the Engify server writes.
  const engifyPort = Number(new URL(env.engify.url).port);
  const fakePort = Number(new URL(env.fake.url).port);
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string, ...rest: unknown[]) {
    if (event === 'request') {
      const port = (this.address() as AddressInfo | null)?.port;
      const at = performance.now();
      if (port === engifyPort) t.span('wire: Engify receives the request', at, at);
      else if (port === fakePort) t.span('wire: provider receives a request', at, at);
    }
    return (emit as (...a: unknown[]) => boolean).call(this, event, ...rest);
  } as typeof emit;
  const write = ServerResponse.prototype.write;
  ServerResponse.prototype.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (this.socket?.localPort === fakePort && chunk) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      if (/"content":"[^"]/.test(text)) {
        const at = performance.now();
        t.span('wire: provider writes a text delta', at, at);
      }
    }
    if (this.socket?.localPort === engifyPort && chunk) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      const at = performance.now();
      const kind = /^event: (\w+)/m.exec(text)?.[1];
      if (kind === 'start' || kind === 'delta') t.span(`wire: Engify writes \`${kind}\``, at, at);
    }
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;

  const engify: Sample[] = [];
  const directTtft: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const [pair] = await round(env, 1, i, false);
      directTtft.push(pair!.direct.ttft);
      engify.push(pair!.engify);
    }
  } finally {
    t.restore();
    Server.prototype.emit = emit;
    ServerResponse.prototype.write = write;
  }

  // Timeline: offsets from the client's send, first occurrence of each span inside each Engify request.
  const offsets = new Map<string, { start: number[]; end: number[] }>();
  const put = (label: string, start: number, end: number) => {
    const o = offsets.get(label) ?? { start: [], end: [] };
    o.start.push(start);
    o.end.push(end);
    offsets.set(label, o);
  };
  for (const e of engify) {
    const until = e.t0 + e.total + 1;
    const seen = new Set<string>();
    for (const span of t.spans) {
      if (span.start < e.t0 || span.start > until || seen.has(span.name)) continue;
      seen.add(span.name);
      put(span.name.replace(/^[· ]+/, ''), span.start - e.t0, span.end - e.t0);
    }
    put('client: response headers', e.headers, e.headers);
    put('client: `start` event parsed', e.start!, e.start!);
    put('client: first `delta` parsed (TTFT)', e.ttft, e.ttft);
  }
  const timeline = [...offsets.entries()]
    .map(([label, o]) => ({ label, start: summarize(o.start), end: summarize(o.end) }))
    .sort((a, b) => a.start.p50 - b.start.p50)
    .map(({ label, start, end }) => [
      label,
      fmt(start.p50, 3),
      start.p50 === end.p50 && start.p99 === end.p99 ? '' : fmt(end.p50, 3),
      fmt(start.p99, 3),
    ]);
  const d = summarize(directTtft);
  return [
    `### Profile (${n} sequential streams, \`--profile\`)`,
    '',
    'Server-side stages, wall clock per call (ms), measured by wrapping the service methods at runtime ' +
      '(src/ unchanged); `·` marks a step inside the stage above it.',
    '',
    t.table((name) => !name.startsWith('wire:')),
    '',
    `Timeline of one Engify stream (ms after the client sends; p50 of ${n}). Direct TTFT in the same ` +
      `rounds: p50 ${fmt(d.p50, 3)}, p99 ${fmt(d.p99, 3)}.`,
    '',
    table(['Event', 'Starts p50', 'Ends p50', 'Starts p99'], timeline, ['l', 'r', 'r', 'r']),
    '',
    `Cost per stream (${batches} batches of ${batch} concurrent streams; client + fake provider + server ` +
      `together): CPU time (process.cpuUsage) direct ${fmt(costDirect.cpu, 3)} ms vs through Engify ` +
      `${fmt(costEngify.cpu, 3)} ms — **Engify's share ≈ ${fmt(costEngify.cpu - costDirect.cpu, 3)} ms of CPU per ` +
      `stream**, on the one thread that serves every stream; main-thread busy time (event-loop utilisation, ` +
      `inflated when the OS deschedules us) ${fmt(costDirect.busy, 3)} vs ${fmt(costEngify.busy, 3)} ms.`,
    '',
    `The provider client alone — Engify's \`AiSdkLlmClient\` (the AI SDK provider's \`doStream\` over a request-based fetch) called directly, no HTTP ` +
      `server, no SQLite — against the same fake: TTFT p50 ${fmt(sdk.p50, 3)} / p99 ${fmt(sdk.p99, 3)} ms vs plain ` +
      `fetch p50 ${fmt(plain.p50, 3)} / p99 ${fmt(plain.p99, 3)} ms (**+${fmt(sdk.p50 - plain.p50, 3)} ms** at p50, ` +
      `${n} interleaved sequential streams); CPU ${fmt(costSdk.cpu, 3)} ms per stream vs ` +
      `${fmt(costDirect.cpu, 3)} ms for plain fetch (**+${fmt(costSdk.cpu - costDirect.cpu, 3)} ms**, same batches ` +
      `as above).`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const began = performance.now();
  if (args.profile && args.isolate)
    throw new Error('--profile needs the servers in this thread; drop --isolate');
  const env = await setup(args.isolate);
  const results: Result[] = [];
  try {
    console.log(
      `ai-overhead: first token ${P.firstTokenMs} ms, ${P.deltas} deltas every ${P.interDeltaMs} ms; ` +
        `Node ${process.version}, ${os.cpus().length} CPUs`,
    );
    if (P.rounds > 0) {
      const pairs = await scenario(env, 1, P.rounds, P.warmup);
      results.push(analyse(1, P.rounds, pairs));
      printResult(results.at(-1)!);
    }
    if (P.concurrentRounds > 0 && P.concurrency > 1) {
      const pairs = await scenario(
        env,
        P.concurrency,
        P.concurrentRounds,
        Math.max(1, Math.round(P.warmup / 10)),
      );
      results.push(analyse(P.concurrency, P.concurrentRounds, pairs));
      printResult(results.at(-1)!);
    }
    let profile: string | null = null;
    if (args.profile) {
      profile = await profileStages(env);
      console.log(`\n${profile}`);
    }
    const seconds = (performance.now() - began) / 1000;
    if (!args['no-write'] && results.length > 0) {
      const out = resolve(String(args.out));
      const section = args.isolate ? 'ai-overhead-isolated' : 'ai-overhead';
      await updateSectionInFile(out, section, markdown(results, profile, seconds));
      console.log(`\nwrote section "${section}" of ${out}`);
    }
  } finally {
    await env.engify.close();
    await env.proxy.close();
    await env.fake.close();
    await rm(env.dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0), // undici keep-alive sockets must not hold the process open
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
