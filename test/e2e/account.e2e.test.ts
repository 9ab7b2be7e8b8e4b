import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser.js';
import { signUp, startBrowserApp, type BrowserApp } from '../helpers/e2e-steps.js';

// Accounts as a user meets them: the real server (API + exported web app) on loopback, driven by
// headless Chromium. Sign up, manage an API key, write a private prompt in the template editor,
// then favorite and rate it. Without Chromium installed this is skipped.
describe.skipIf(!hasChromium)('accounts in a real browser', () => {
  let app: BrowserApp;
  let page: Page;
  let errors: string[];
  const email = `ada-${Date.now()}@example.com`;
  const password = 'correct-horse-battery-staple';

  beforeAll(async () => {
    app = await startBrowserApp('account');
    // As in the library test: any console error (a CSP violation, a failed request) fails the test.
    // Signed-out pages must not even ask /api/me (its 401 would be logged).
    ({ page, errors } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  const me = (key: string) => fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${key}` } });

  it('signs up, creates an API key that works, and revokes it', { timeout: 90_000 }, async () => {
    // No ?next=: sign-up leads to the account page, showing who is signed in; the header has the
    // account menu.
    await signUp(page, app.url, { name: 'Ada Lovelace', email, password });
    await expect.poll(() => page.getByTestId('account-email').textContent()).toBe(email);
    await expect.poll(() => page.getByRole('button', { name: `Account menu for ${email}` }).count()).toBe(1);

    // Create a key: the dialog shows it once, with Copy.
    await page.getByLabel('Key name').fill('e2e script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Your new API key' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/won’t see this key again/);
    const key = await dialog.getByRole('textbox', { name: 'API key' }).inputValue();
    expect(key).toMatch(/^egk_/);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => dialog.getByRole('button', { name: 'Copied' }).count()).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await dialog.getByRole('button', { name: 'I’ve saved my key' }).click();
    await expect.poll(() => dialog.count()).toBe(0);

    // The key works as a bearer token, and the list shows only its prefix.
    const ok = await me(key);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ user: { email }, via: 'api_key' });
    const keys = page.getByRole('list', { name: 'API keys' });
    await expect.poll(() => keys.textContent()).toContain('e2e script');
    expect(await keys.textContent()).not.toContain(key);

    // Revoke it (with confirmation): the API refuses it from then on.
    await page.getByRole('button', { name: 'Revoke e2e script' }).click();
    await page
      .getByRole('dialog', { name: /Revoke/ })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await expect.poll(() => page.getByText('No API keys yet').count()).toBe(1);
    expect((await me(key)).status).toBe(401);

    expect(errors).toEqual([]);
  });

  it('writes a private prompt in the editor, then favorites and rates it', { timeout: 90_000 }, async () => {
    await page.goto(`${app.url}/my/prompts`);
    await page.getByRole('link', { name: 'New prompt' }).click();
    await page.waitForURL((url) => url.pathname === '/my/prompts/new');

    const title = 'Explain a zanzibar concept to a new hire';
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description', { exact: true }).fill('Plain-language explanations for onboarding.');
    await page.getByLabel('Category').selectOption({ index: 1 });

    // Typing a {{variable}} adds its row while you type.
    const template = page.getByRole('textbox', { name: 'Template' });
    await template.pressSequentially('Explain {{topic}} to a new engineer in five sentences.', { delay: 5 });
    const row = page.getByTestId('variable-row-topic');
    await row.waitFor();
    await page.getByLabel('Description of topic').fill('The concept to explain');
    await page.getByLabel('Example of topic').fill('event sourcing');
    await expect
      .poll(() => page.getByTestId('editor-preview').textContent())
      .toBe('Explain event sourcing to a new engineer in five sentences.');

    // Private is the default. Save, and land on the prompt's own page.
    expect(await page.getByRole('radio', { name: /Private/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL((url) => url.pathname === '/library/prompt' && url.searchParams.has('slug'));
    const slug = new URL(page.url()).searchParams.get('slug')!;
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(title);

    // Only the owner can see it.
    expect((await fetch(`${app.url}/api/prompts/${slug}`)).status).toBe(404);
    const saved = await page.evaluate(async (s) => (await fetch(`/api/prompts/${s}`)).json(), slug);
    expect(saved).toMatchObject({
      visibility: 'private',
      variables: [
        { name: 'topic', description: 'The concept to explain', required: true, example: 'event sourcing' },
      ],
    });

    // Favorite (a toggle button) and rate with the keyboard (a radio group).
    const favorite = page.getByRole('button', { name: 'Favorite' });
    await favorite.click();
    await expect.poll(() => favorite.getAttribute('aria-pressed')).toBe('true');
    const stars = page.getByRole('radiogroup', { name: 'Your rating' });
    await stars.getByRole('radio', { name: '4 stars' }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('rating-summary').textContent()).toContain('4.0 · 1 rating');
    const viewer = await page.evaluate(async (s) => (await fetch(`/api/prompts/${s}`)).json(), slug);
    expect(viewer).toMatchObject({
      rating: { average: 4, count: 1 },
      viewer: { owner: true, favorite: true, rating: 4 },
    });

    // It is listed on My prompts (marked private) and on Favorites.
    await page.goto(`${app.url}/my/prompts`);
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: title, exact: true }) });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain('Private');
    await page.goto(`${app.url}/favorites`);
    await expect.poll(() => page.getByRole('link', { name: title }).count()).toBe(1);

    expect(errors).toEqual([]);
  });
});
