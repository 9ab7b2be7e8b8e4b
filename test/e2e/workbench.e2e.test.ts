import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSseStream, SseParser } from '../../web/lib/sse.js';
import { DEFAULT_KEYS, startFakeProvider, type FakeProvider } from '../fakes/llm-provider.js';
import { hasChromium, recordErrors } from '../helpers/browser.js';
import {
  fakeProviderEnv,
  openFromNav,
  signUp,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/e2e-steps.js';

// The web app's stream reader on its own: chunks split anywhere (inside a CRLF, inside a UTF-8
// character, inside a line) must give the same events.
describe('SSE reader of the web app', () => {
  const wire =
    ': heartbeat\r\n\r\nevent: start\r\ndata: {"executionId":"x","model":"m"}\r\n\r\n' +
    'event: delta\ndata: {"text":"Grüße "}\n\n' +
    'event: delta\rdata: {"text":"🙂"}\r\r' +
    'data: line one\ndata:line two\n\n' +
    'event: done\ndata: {}';
  const expected = [
    { kind: 'comment', text: 'heartbeat' },
    { kind: 'event', message: { event: 'start', data: '{"executionId":"x","model":"m"}' } },
    { kind: 'event', message: { event: 'delta', data: '{"text":"Grüße "}' } },
    { kind: 'event', message: { event: 'delta', data: '{"text":"🙂"}' } },
    { kind: 'event', message: { event: 'message', data: 'line one\nline two' } },
    { kind: 'event', message: { event: 'done', data: '{}' } },
  ];

  it('parses the same events however the bytes are chunked', async () => {
    const bytes = new TextEncoder().encode(wire);
    for (const size of [1, 2, 3, 5, 7, 64, bytes.length]) {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
          controller.close();
        },
      });
      const items = [];
      for await (const item of readSseStream(stream)) items.push(item);
      expect(items, `chunks of ${size}`).toEqual(expected);
    }
  });

  it('waits for the LF after a CR that ends a chunk', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n\r\n')).toEqual([{ kind: 'event', message: { event: 'message', data: 'a' } }]);
  });
});

// The workbench as a user meets it: the real server (API + exported web app) on loopback, driven by
// headless Chromium, with the AI SDK talking to a fake provider that speaks the real wire formats.
// Sign up, add a provider key, stream a run, stop one, run a library prompt from its page, compare two
// columns (one without a key) and find it all in the history. Without Chromium this is skipped.
describe.skipIf(!hasChromium)('workbench in a real browser', () => {
  let fake: FakeProvider;
  let app: BrowserApp;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const email = `grace-${Date.now()}@example.com`;
  const password = 'correct-horse-battery-staple';
  const REPLY =
    'Idempotency keys let a client retry a request safely because the server remembers the first result';

  beforeAll(async () => {
    fake = await startFakeProvider();
    app = await startBrowserApp('workbench', fakeProviderEnv(fake));
    // As in the other browser tests: any console error (a CSP violation, a failed request) fails.
    ({ context, page, errors } = app);
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const output = () => page.getByTestId('run-output');
  const phase = (scope: Locator) => scope.getAttribute('data-phase');
  const text = async (scope: Locator) => {
    const pre = scope.getByTestId('run-text');
    return (await pre.count()) === 0 ? '' : ((await pre.textContent()) ?? '');
  };
  const api = <T>(path: string) => page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;

  it('signs up and adds an OpenAI key that is only ever shown masked', { timeout: 60_000 }, async () => {
    await signUp(page, app.url, { email, password });

    // From the account menu to Settings → Provider keys.
    await page.getByRole('button', { name: `Account menu for ${email}` }).click();
    await page.getByRole('menuitem', { name: 'Provider keys' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/keys');
    await expect.poll(() => page.getByTestId('no-provider-keys').count()).toBe(1);

    // The base URL field only exists for OpenAI-compatible servers, with one-click fills.
    const provider = page.getByLabel('Provider', { exact: true });
    await provider.selectOption('openai-compatible');
    await page.getByRole('button', { name: 'Ollama' }).click();
    expect(await page.getByLabel('Base URL').inputValue()).toBe('http://localhost:11434/v1');
    await provider.selectOption('openai');
    expect(await page.getByLabel('Base URL').count()).toBe(0);

    const apiKey = page.getByLabel('API key', { exact: true });
    expect(await apiKey.getAttribute('type')).toBe('password');
    await apiKey.fill(DEFAULT_KEYS.openai);
    await page.getByLabel('Label', { exact: true }).fill('Team OpenAI');
    await page.getByRole('button', { name: 'Add key' }).click();

    const list = page.getByRole('list', { name: 'Provider keys' });
    await expect.poll(() => list.textContent()).toContain('Team OpenAI');
    expect(await list.getByTestId('key-mask').textContent()).toBe('sk-…alid');
    expect(await list.textContent()).not.toContain(DEFAULT_KEYS.openai);
    expect(await apiKey.inputValue()).toBe(''); // cleared after saving
    expect(await page.content()).not.toContain(DEFAULT_KEYS.openai);

    // Test it: the fake provider's models endpoint accepts the key.
    await list.getByRole('button', { name: /^Test Team OpenAI/ }).click();
    await expect
      .poll(async () => (await list.getByTestId('key-test-result').textContent())?.trim())
      .toMatch(/^OK/);
    expect(fake.requests.map((r) => r.endpoint)).toContain('openai.models');

    expect(errors).toEqual([]);
  });

  it(
    'streams a free-text run as it arrives (Ctrl+Enter), then shows its numbers',
    { timeout: 60_000 },
    async () => {
      fake.reset();
      fake.setBehavior({ reply: REPLY, interDeltaDelayMs: 100 });
      await openFromNav(page, 'Workbench', '/workbench');
      const model = page.getByLabel('Model', { exact: true });
      await model.waitFor();
      expect(await page.getByLabel('Provider', { exact: true }).inputValue()).toBe('openai');

      await page.getByLabel('System prompt').fill('Answer in one sentence.');
      const message = page.getByLabel('Message', { exact: true });
      await message.fill('What is an idempotency key?');
      await message.press('Control+Enter');

      // Sample the output while it streams: it must grow in steps before the run is done.
      const seen: number[] = [];
      for (let i = 0; i < 200; i++) {
        const p = await phase(output());
        const length = (await text(output())).length;
        if (p === 'streaming' && length > 0 && seen.at(-1) !== length) seen.push(length);
        if (p === 'done' || p === 'failed') break;
        await page.waitForTimeout(40);
      }
      const partials = seen.filter((length) => length < REPLY.length);
      expect(partials.length, `lengths seen while streaming: ${seen.join(', ')}`).toBeGreaterThanOrEqual(2);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen); // it only ever grows
      await expect.poll(() => phase(output())).toBe('done');
      expect(await text(output())).toBe(REPLY);

      const metrics = output().getByTestId('run-metrics');
      const numbers = (await metrics.textContent()) ?? '';
      expect(numbers).toMatch(/Tokens\d+ in · \d+ out/);
      expect(numbers).toMatch(/Cost\$0\.0\d*/); // gpt-4o-mini is priced
      expect(numbers).toMatch(/Latency\d/);
      expect(numbers).toMatch(/First token\d/);
      const chat = fake.requests.find((r) => r.endpoint === 'openai.chat')!;
      expect(chat.body).toMatchObject({ model: 'gpt-4o-mini', stream: true });
      expect(chat.body!.messages).toEqual([
        { role: 'system', content: 'Answer in one sentence.' },
        { role: 'user', content: 'What is an idempotency key?' },
      ]);

      // The link goes to the recorded run.
      await output().getByRole('link', { name: 'View this run' }).click();
      await page.waitForURL((url) => url.pathname === '/history/run');
      await expect.poll(() => page.getByTestId('run-detail-output').textContent()).toBe(REPLY);
      await page.goBack();
      await page.waitForURL((url) => url.pathname === '/workbench');

      expect(errors).toEqual([]);
    },
  );

  it(
    'stops a slow run: the partial text stays and the provider call is aborted',
    { timeout: 60_000 },
    async () => {
      fake.reset();
      fake.setBehavior({ reply: REPLY, interDeltaDelayMs: 300 });
      const message = page.getByLabel('Message', { exact: true });
      await message.waitFor();
      await message.fill('Explain idempotency keys slowly.');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await expect.poll(async () => (await text(output())).length, { timeout: 10_000 }).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Stop' }).click();

      await expect.poll(() => phase(output())).toBe('stopped');
      const partial = await text(output());
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(REPLY.length);
      expect(REPLY.startsWith(partial)).toBe(true);
      await expect
        .poll(() => fake.requests.find((r) => r.endpoint === 'openai.chat')?.aborted, { timeout: 5000 })
        .toBe(true);
      // Nothing more arrives after the stop.
      await page.waitForTimeout(700);
      expect(await text(output())).toBe(partial);
      await expect
        .poll(
          async () =>
            (await api<{ items: { status: string }[] }>('/api/me/executions?limit=1')).items[0]?.status,
        )
        .toBe('aborted');

      expect(errors).toEqual([]);
    },
  );

  it('explains a provider failure mid-run', { timeout: 60_000 }, async () => {
    fake.reset();
    fake.setBehavior({ provider: 'openai', times: 1, fault: { type: 'http_error', status: 401 } });
    await page.getByLabel('Message', { exact: true }).fill('This one fails.');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => phase(output())).toBe('failed');
    expect(await output().getByTestId('run-error').textContent()).toContain('The provider rejected the key');
    expect(
      await output()
        .getByRole('link', { name: /Check your keys/ })
        .getAttribute('href'),
    ).toBe('/settings/keys');
    expect(errors).toEqual([]);
  });

  it('runs a library prompt from its page with the values filled in there', { timeout: 60_000 }, async () => {
    fake.reset();
    const slug = 'diagnose-error-from-stack-trace';
    await page.goto(`${app.url}/prompts/${slug}`);
    await page.getByRole('button', { name: 'Use examples' }).click();
    await page.getByLabel('Runtime').fill('Go 1.23, chi');
    const run = page.getByRole('link', { name: 'Run in workbench' });
    await run.click();
    await page.waitForURL((url) => url.pathname === '/workbench' && url.searchParams.get('prompt') === slug);
    await expect.poll(() => page.getByTestId('chosen-prompt').textContent()).toContain('Diagnose an error');
    expect(await page.getByLabel('Runtime').inputValue()).toBe('Go 1.23, chi');

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => phase(output()), { timeout: 15_000 }).toBe('done');
    // The fake echoes the prompt as rendered by the server from the carried values.
    const answer = await text(output());
    expect(answer).toContain('Help me understand and fix this error in a Go 1.23, chi application.');
    expect(answer).toContain('TypeError: expected string or bytes-like object');
    const latest = await api<{ items: { promptSlug: string | null; status: string }[] }>(
      '/api/me/executions?limit=1',
    );
    expect(latest.items[0]).toMatchObject({ promptSlug: slug, status: 'succeeded' });

    expect(errors).toEqual([]);
  });

  it(
    'compares two columns: the one without a key fails alone, the other completes',
    { timeout: 60_000 },
    async () => {
      fake.reset();
      fake.setBehavior({ interDeltaDelayMs: 20 });
      await openFromNav(page, 'Compare', '/compare', 'Run tools');
      const first = page.getByTestId('compare-column-1');
      const second = page.getByTestId('compare-column-2');
      await first.getByLabel('Provider').waitFor();
      await first.getByLabel('Provider').selectOption('openai');
      await second.getByLabel('Provider').selectOption('anthropic');
      expect(await second.getByLabel('Provider').locator('option:checked').textContent()).toBe(
        'Anthropic (no key)',
      );

      await page.getByLabel('Message', { exact: true }).fill('Compare me');
      await page.getByRole('button', { name: 'Run all' }).click();

      await expect.poll(() => phase(second)).toBe('failed');
      expect(await second.getByTestId('run-error').textContent()).toContain('No key for this provider');
      expect(await second.getByRole('link', { name: /Add a key/ }).getAttribute('href')).toBe(
        '/settings/keys',
      );
      await expect.poll(() => phase(first), { timeout: 10_000 }).toBe('done');
      expect(await text(first)).toBe('Echo: Compare me');
      const numbers = (await first.getByTestId('run-metrics').textContent()) ?? '';
      expect(numbers).toMatch(/Tokens\d+ in · \d+ out/);
      expect(numbers).toMatch(/Cost\$/);
      expect(fake.requests.filter((r) => r.endpoint === 'anthropic.messages')).toHaveLength(0);

      expect(errors).toEqual([]);
    },
  );

  it(
    'lists the runs in the history with their statuses, filters and opens one',
    { timeout: 60_000 },
    async () => {
      await openFromNav(page, 'History', '/history', 'Run tools');
      const rows = page.getByTestId('history-row');
      await expect.poll(() => rows.count()).toBe(5);
      const statuses = await page
        .getByTestId('history-table')
        .locator('[data-status]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
      // Newest first: compare column, library prompt, provider failure, stopped run, first run.
      expect(statuses).toEqual(['succeeded', 'succeeded', 'failed', 'aborted', 'succeeded']);
      expect(await rows.nth(0).textContent()).toContain('Compare');
      expect(await rows.nth(1).textContent()).toContain('diagnose-error-from-stack-trace');
      expect(await rows.nth(2).textContent()).toContain('The provider rejected the key');

      await page.getByLabel('Status').selectOption('aborted');
      await page.waitForURL((url) => url.searchParams.get('status') === 'aborted');
      await expect.poll(() => rows.count()).toBe(1);
      await rows.first().getByRole('link').first().click();
      await page.waitForURL((url) => url.pathname === '/history/run');
      await expect.poll(() => page.locator('[data-status="aborted"]').count()).toBe(1);
      expect(await page.getByText('Stopped before it finished').count()).toBe(1);
      const partial = (await page.getByTestId('run-detail-output').textContent()) ?? '';
      expect(partial.length).toBeGreaterThan(0);
      expect(REPLY.startsWith(partial)).toBe(true);

      expect(errors).toEqual([]);
    },
  );

  it('signs every tab out when one tab signs out', { timeout: 60_000 }, async () => {
    const other = await context.newPage();
    recordErrors(other, errors);
    await other.goto(`${app.url}/workbench`);
    await other.getByLabel('Message', { exact: true }).waitFor();

    await page.getByRole('button', { name: `Account menu for ${email}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    // The other tab hears about it (BroadcastChannel) without reloading.
    await expect
      .poll(() => other.getByRole('heading', { name: 'Sign in to see the workbench' }).count())
      .toBe(1);
    // Signed out, a page load asks who is signed in and gets a 200 with no user: nothing is logged.
    await other.reload();
    await expect
      .poll(() => other.getByRole('heading', { name: 'Sign in to see the workbench' }).count())
      .toBe(1);
    await other.close();

    expect(errors).toEqual([]);
  });
});
