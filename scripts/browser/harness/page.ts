/**
 * Opening the suites' pages, in two styles: {@link openPage} waits for `window.__ready` (the page
 * exposes functions the runner then calls with arguments), {@link pageResult} waits for
 * `window.__result` / `window.__error` (the page runs on load and reports, see `../report.ts`).
 * Both open a fresh context (no worker or cache of an earlier page); the caller closes
 * `page.context()`.
 */
import type { Browser, ConsoleMessage, Page } from 'playwright-core';

/**
 * The page's console errors and uncaught exceptions, collected as they come; `log`, when given,
 * also gets them, and the console warnings, as they come.
 */
export function collectErrors(page: Page, log?: (line: string) => void): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
    if (log && (m.type() === 'error' || m.type() === 'warning')) log(`[page ${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    errors.push(String(e));
    log?.(`[page error] ${e.message}`);
  });
  return errors;
}

/**
 * Opens `url` in a fresh context, forwards the page's console errors, warnings and uncaught
 * errors to `log`, and waits until `window.__ready === true` (set by the page entry when its
 * imports are done) or `timeoutMs`.
 */
export async function openPage(browser: Browser, url: string, log: (line: string) => void = (l) => console.error(l), timeoutMs = 60_000): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  collectErrors(page, log);
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as { __ready?: boolean }).__ready === true, undefined, { timeout: timeoutMs });
  return page;
}

/**
 * Opens `url` in a fresh context (no wait for "load") and waits for the page to set
 * `window.__result`, failing with the page's errors when it sets `window.__error` or times out.
 */
export async function pageResult<T>(browser: Browser, url: string, timeoutMs = 120_000): Promise<{ result: T; page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
  try {
    await page.waitForFunction(() => {
      const w = window as unknown as { __result?: unknown; __error?: unknown };
      return w.__result !== undefined || w.__error !== undefined;
    }, undefined, { timeout: timeoutMs, polling: 100 });
  } catch {
    throw new Error(`${url}: no result in ${timeoutMs} ms; page errors: ${errors.join(' | ') || 'none'}`);
  }
  const { result, error } = await page.evaluate(() => {
    const w = window as unknown as { __result?: unknown; __error?: unknown };
    return { result: w.__result, error: w.__error };
  });
  if (error !== undefined) throw new Error(`${url}: the page failed: ${String(error)}; page errors: ${errors.join(' | ') || 'none'}`);
  return { result: result as T, page, errors };
}

/** Base64 of bytes (for passing files into `page.evaluate`). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
