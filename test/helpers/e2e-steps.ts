import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createLogger } from '../../src/adapters/log/pino.js';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/runtime/server.js';
import type { FakeProvider } from '../fakes/llm-provider.js';
import { launchChromium, newClipboardPage, recordErrors } from './browser.js';

// Steps the browser tests share: the app under test, signing up, moving between pages.

export interface BrowserApp {
  /** The server's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  server: RunningServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors of `page` (a CSP violation, a failed request): tests expect none. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * The real server (API, job worker, exported web app) on loopback with its data in a fresh temp
 * folder, and headless Chromium with one page on it (clipboard allowed) whose errors are collected.
 * `env` adds settings to the server's config.
 */
export async function startBrowserApp(name: string, env: Record<string, string> = {}): Promise<BrowserApp> {
  const dataDir = await mkdtemp(join(tmpdir(), `engify-e2e-${name}-`));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    server = await startServer(
      loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }),
      createLogger('silent'),
    );
    browser = await launchChromium();
    const { context, page } = await newClipboardPage(browser, server.url);
    const errors: string[] = [];
    recordErrors(page, errors);
    return { url: server.url, server, browser, context, page, errors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Server settings that send every provider's calls to the fake provider. */
export function fakeProviderEnv(fake: FakeProvider): Record<string, string> {
  return {
    OPENAI_BASE_URL: fake.openaiBaseURL,
    ANTHROPIC_BASE_URL: fake.anthropicBaseURL,
    GOOGLE_BASE_URL: fake.googleBaseURL,
  };
}

/** Creates an account through the sign-up page and waits for the account page it leads to. */
export async function signUp(
  page: Page,
  origin: string,
  account: { email: string; password: string; name?: string },
): Promise<void> {
  await page.goto(`${origin}/signup`);
  if (account.name !== undefined) await page.getByLabel('Name').fill(account.name);
  await page.getByLabel('Email').fill(account.email);
  // "Password" alone would also match the "Show password" toggle.
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((url) => url.pathname === '/account');
}

/**
 * Stores a provider key for the signed-in user through the API, from the page (same origin, so the
 * session cookie and the Origin header go along).
 */
export async function addProviderKey(page: Page, provider: string, apiKey: string): Promise<void> {
  const status = await page.evaluate(
    async ([p, key]) => {
      const res = await fetch('/api/me/provider-keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: p, apiKey: key }),
      });
      return res.status;
    },
    [provider, apiKey] as const,
  );
  expect(status, 'provider key stored').toBe(201);
}

/** Follows the link `name` of the navigation `nav` and waits until the page at `pathname` is open. */
export async function openFromNav(page: Page, name: string, pathname: string, nav = 'Main'): Promise<void> {
  await page.getByRole('navigation', { name: nav }).getByRole('link', { name, exact: true }).click();
  await page.waitForURL((url) => url.pathname === pathname);
}
