import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KEYS, startFakeProvider, type FakeProvider } from '../fakes/llm-provider.js';
import { hasChromium } from '../helpers/browser.js';
import {
  addProviderKey,
  fakeProviderEnv,
  openFromNav,
  signUp,
  startBrowserApp,
  type BrowserApp,
} from '../helpers/e2e-steps.js';

// The knowledge base and chat with retrieval as a user meets them: the real server (API, job worker,
// exported web app) on loopback, driven by headless Chromium, embedding with the tiny test model and
// answering through a fake provider that speaks the real wire format. Upload a Markdown file through
// the page, watch it become ready, ask about it in chat, follow a citation to its source, delete it.
// Without Chromium this is skipped.
describe.skipIf(!hasChromium)('knowledge base and chat in a real browser', () => {
  let fake: FakeProvider;
  let app: BrowserApp;
  let page: Page;
  let errors: string[];
  const email = `barbara-${Date.now()}@example.com`;
  const password = 'correct-horse-battery-staple';

  const FILENAME = 'rotation-runbook.md';
  const RUNBOOK = [
    '# Signing key rotation',
    '',
    '## Schedule',
    '',
    'The payments service rotates its signing keys every 90 days. The on-call engineer starts the',
    'rotation on a Tuesday morning, never during a release freeze.',
    '',
    '## Steps',
    '',
    '1. Generate the new key pair in the vault and publish the public key.',
    '2. Wait one hour so every verifier has fetched it.',
    '3. Switch signing to the new key and keep the old public key for seven days.',
    '',
  ].join('\n');
  const REPLY = 'The payments service rotates its signing keys every 90 days [1].';

  beforeAll(async () => {
    fake = await startFakeProvider();
    app = await startBrowserApp('kb', {
      ...fakeProviderEnv(fake),
      // The tiny committed model: real vectors, offline.
      EMBEDDINGS_MODEL_DIR: 'test/fixtures/embedding-model',
    });
    // Any console error (a CSP violation, a failed request) fails the test.
    ({ page, errors } = app);
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const documents = () => page.getByRole('list', { name: 'Documents' }).getByTestId('kb-document');
  const runbookRow = () => documents().filter({ hasText: 'rotation-runbook' });
  const upload = (name: string, text: string, mimeType = 'text/markdown') =>
    page.getByTestId('kb-file-input').setInputFiles({ name, mimeType, buffer: Buffer.from(text, 'utf8') });

  /** Waits until the upload of `name` has finished; its state and text (with any error message). */
  const settled = async (name: string) => {
    const row = page.getByTestId('kb-upload').filter({ hasText: name });
    await expect
      .poll(() => row.getAttribute('data-state'), { timeout: 20_000 })
      .not.toMatch(/^(waiting|uploading)$/);
    return { state: await row.getAttribute('data-state'), text: (await row.textContent()) ?? '' };
  };

  it('asks signed-out visitors to sign in', { timeout: 60_000 }, async () => {
    await page.goto(`${app.url}/kb`);
    await page.getByRole('heading', { name: 'Sign in to see your knowledge base' }).waitFor();
    await page.goto(`${app.url}/chat`);
    await page.getByRole('heading', { name: 'Sign in to see chat' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('uploads a Markdown file through the page and shows it ready', { timeout: 120_000 }, async () => {
    await signUp(page, app.url, { email, password });
    // A provider key for the chat later.
    await addProviderKey(page, 'openai', DEFAULT_KEYS.openai);

    await openFromNav(page, 'Knowledge base', '/kb');
    await page.getByRole('heading', { name: 'Your knowledge base is empty' }).waitFor();

    // The browser's own check refuses what the server can't read, without sending it.
    await upload('diagram.png', 'not really a png', 'image/png');
    const refused = page.getByTestId('kb-upload').filter({ hasText: 'diagram.png' });
    await expect.poll(() => refused.getAttribute('data-state')).toBe('failed');
    expect(await refused.getByTestId('kb-upload-error').textContent()).toContain('Only Markdown');

    await upload(FILENAME, RUNBOOK);
    expect(await settled(FILENAME)).toEqual({ state: 'done', text: expect.stringContaining(FILENAME) });
    await expect.poll(() => runbookRow().count()).toBe(1);
    // Status follows the worker on its own (polling): queued/processing, then ready.
    await expect
      .poll(() => runbookRow().getAttribute('data-status'), { timeout: 60_000, interval: 250 })
      .toBe('ready');
    expect(await runbookRow().getByTestId('kb-status').textContent()).toBe('Ready');
    expect(await runbookRow().getByTestId('kb-chunks').textContent()).toMatch(
      /^[1-9]\d* chunks?, searchable/,
    );
    expect(await runbookRow().textContent()).toContain('default');

    // The same content again: nothing new, the existing row is pointed out.
    await upload('rotation-runbook-copy.md', RUNBOOK);
    expect((await settled('rotation-runbook-copy.md')).state).toBe('duplicate');
    await expect.poll(() => runbookRow().getAttribute('data-highlighted')).toBe('true');
    expect(await runbookRow().getByTestId('kb-duplicate-note').textContent()).toContain('uploaded before');
    expect(await documents().count()).toBe(1);

    // The collection shows up in the filter with its count.
    await expect
      .poll(() => page.getByLabel('Collection', { exact: true }).locator('option').allTextContents())
      .toContain('default (1 document)');

    expect(errors).toEqual([]);
  });

  it(
    'answers in chat from the document, with a citation that leads to its source',
    { timeout: 90_000 },
    async () => {
      fake.reset();
      fake.setBehavior({ reply: REPLY });
      await openFromNav(page, 'Chat', '/chat');

      // On by default: there is a document to search.
      const useKb = page.getByRole('switch', { name: 'Use knowledge base' });
      await expect.poll(() => useKb.getAttribute('aria-checked')).toBe('true');
      await page.getByLabel('Model', { exact: true }).waitFor();

      const message = page.getByLabel('Message', { exact: true });
      await message.fill('How often do we rotate the payments signing keys?');
      await message.press('Control+Enter');

      const answer = page.getByTestId('chat-answer').last();
      await expect.poll(() => answer.getAttribute('data-phase'), { timeout: 30_000 }).toBe('done');
      expect(await answer.getByTestId('chat-answer-text').textContent()).toContain('every 90 days');

      // The retrieved passage went to the model along with the question.
      const call = fake.requests.find((r) => r.endpoint === 'openai.chat');
      expect(call, 'the provider was called').toBeDefined();
      expect(JSON.stringify(call!.body)).toContain('rotates its signing keys every 90 days');

      // [1] is a link; following it opens the sources and highlights source 1.
      const citation = answer.getByRole('link', { name: /^Source 1/ });
      expect(await citation.count()).toBe(1);
      const toggle = answer.getByRole('button', { name: /^Sources/ });
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await citation.click();
      await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
      const source = answer.getByRole('list', { name: 'Sources' }).getByTestId('chat-source').first();
      await expect.poll(() => source.getAttribute('data-highlighted')).toBe('true');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
        .toBe('chat-source');
      expect(await source.getByTestId('chat-source-content').textContent()).toContain('every 90 days');
      expect(await source.getByTestId('chat-source-title').textContent()).toBeTruthy();

      // Vector, keyword and fused scores, three decimals each ("—" where a side did not match).
      const scores = await source.getByTestId('chat-source-scores').locator('dd').allTextContents();
      expect(scores).toHaveLength(3);
      for (const score of scores) expect(score).toMatch(/^(—|-?\d+\.\d{3})$/);
      expect(scores[2]).toMatch(/^-?\d+\.\d{3}$/); // the fused score is always there

      expect(errors).toEqual([]);
    },
  );

  it('deletes the document after confirming', { timeout: 60_000 }, async () => {
    await openFromNav(page, 'Knowledge base', '/kb');
    await expect.poll(() => runbookRow().count()).toBe(1);

    await runbookRow()
      .getByRole('button', { name: /^Delete / })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('can’t be undone');
    await dialog.getByRole('button', { name: 'Delete document' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await page.getByRole('heading', { name: 'Your knowledge base is empty' }).waitFor();

    // Gone from the API too.
    const left = await page.evaluate(
      async () => (await (await fetch('/api/kb/documents')).json()) as unknown,
    );
    expect(left).toMatchObject({ items: [] });

    expect(errors).toEqual([]);
  });
});
