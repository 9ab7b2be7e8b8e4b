import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser.js';
import { startBrowserApp, type BrowserApp } from '../helpers/e2e-steps.js';

// The whole platform as a user meets it: the real server (API + exported web app) on loopback,
// driven by headless Chromium. Without Chromium installed (`apt-get install chromium`) this is skipped.
describe.skipIf(!hasChromium)('library in a real browser', () => {
  let app: BrowserApp;
  let page: Page;

  beforeAll(async () => {
    app = await startBrowserApp('library');
    ({ page } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('searches, filters by role, opens a prompt, fills it in and copies it', async () => {
    // The pages run under a CSP that allows only their own inline scripts, by hash: any violation
    // (or other console error) fails the test.
    const { errors } = app;

    await page.goto(`${app.url}/library`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBeTruthy();
    const search = page.getByRole('searchbox', { name: 'Search prompts' });
    await search.fill('code review');
    await page.waitForURL(/[?&]q=code(\+|%20)review/);

    // The first result is a code-review prompt (ranked by the API's full-text search).
    const results = page
      .locator('main')
      .getByRole('link')
      .filter({ hasText: /review/i });
    await expect.poll(() => results.count()).toBeGreaterThan(0);

    // Filter by role: the choice lands in the URL and narrows the results.
    await page.getByRole('combobox', { name: 'Role' }).selectOption('engineer');
    await page.waitForURL(/[?&]role=engineer/);
    await expect.poll(() => results.count()).toBeGreaterThan(0);

    // Reloading the URL restores the same state.
    await page.reload();
    await expect
      .poll(() => page.getByRole('searchbox', { name: 'Search prompts' }).inputValue())
      .toBe('code review');
    await expect.poll(() => page.getByRole('combobox', { name: 'Role' }).inputValue()).toBe('engineer');

    // Open the first result.
    const first = results.first();
    const title = (await first.textContent())!.trim();
    await first.click();
    await page.waitForURL(/\/prompts\//);
    const slug = new URL(page.url()).pathname.split('/').pop()!;
    const prompt = (await (await fetch(`${app.url}/api/prompts/${slug}`)).json()) as {
      category: string;
      title: string;
      variables: { name: string; required: boolean }[];
    };
    expect(prompt.category).toBe('code-review');
    expect(title).toContain(prompt.title);

    // Fill every required variable; the preview updates live.
    const values: Record<string, string> = {};
    for (const variable of prompt.variables.filter((v) => v.required)) {
      values[variable.name] = `value-for-${variable.name}-${Date.now()}`;
      const label = variable.name.replace(/_/g, ' ');
      await page
        .getByLabel(new RegExp(`^${label}`, 'i'))
        .first()
        .fill(values[variable.name]!);
    }
    const preview = page.getByRole('region', { name: 'Rendered prompt' });
    for (const value of Object.values(values)) {
      await expect.poll(() => preview.textContent()).toContain(value);
    }

    // The preview matches what the API renders for the same values.
    const rendered = (await (
      await fetch(`${app.url}/api/prompts/${slug}/render`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ variables: values }),
      })
    ).json()) as { text: string };
    const previewText = await preview.locator('pre').innerText();
    expect(previewText.trim()).toBe(rendered.text.trim());

    // Copy puts exactly the rendered text on the clipboard.
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.getByRole('button', { name: /Copied/ }).count()).toBe(1);
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    expect(clipboard.trim()).toBe(rendered.text.trim());

    expect(errors).toEqual([]);
  });

  it('shows patterns and links them to their prompts', async () => {
    await page.goto(`${app.url}/patterns`);
    await page
      .getByRole('link', { name: /Few-Shot/i })
      .first()
      .click();
    await page.waitForURL(/\/patterns\/few-shot/);
    const promptLinks = page.locator('a[href^="/prompts/"]');
    await expect.poll(() => promptLinks.count()).toBeGreaterThan(0);
  });
});
