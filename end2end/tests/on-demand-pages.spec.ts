import { test, expect, chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOptions, tablet } from '../playwright.config';
import { OwnServer, shellCaches, shellInstalled, signIn } from './helpers';

// The supervisors' and admins' pages are wasm chunks of their own (cargo-leptos --split).
const chunk = /\/pkg\/(split|chunk)_[^/]*\.wasm$/;

test('a commune tablet never fetches the supervisors’ and admins’ pages', async ({ browser }) => {
  const context = await browser.newContext(tablet);
  const page = await context.newPage();
  const fetched: string[] = [];
  context.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await signIn(page, 'official');
  await expect(page.getByTestId('checklist-item').first()).toBeVisible();
  await shellInstalled(page);
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  expect(fetched).toContain('/pkg/chidao.wasm');
  expect(fetched.filter((path) => chunk.test(path))).toEqual([]);
  await context.close();
});

test('a supervisor’s pages, fetched once online, open with no network', async ({ baseURL }) => {
  const profile = mkdtempSync(join(tmpdir(), 'chidao-office-'));
  try {
    let office = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL, viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    let page = office.pages()[0] ?? (await office.newPage());
    await signIn(page, 'supervisor');
    await expect(page.getByTestId('dashboard')).toBeVisible();
    await page.getByRole('button', { name: 'Tiến độ chi tiết' }).click();
    await expect(page.getByTestId('unit-progress').first()).toBeVisible();
    await shellInstalled(page);
    // Both of the supervisor's pages are fetched in the background and kept by the worker.
    await expect
      .poll(() => page.evaluate(async () => {
        const names = await caches.keys();
        const cache = await caches.open(names.find((name) => name.startsWith('chidao-shell-'))!);
        return (await cache.keys()).map((request) => new URL(request.url).pathname).filter((path) => /split_(progress|compose)\.wasm$/.test(path)).sort();
      }), { timeout: 20_000 })
      .toEqual(['/pkg/split_compose.wasm', '/pkg/split_progress.wasm']);
    await office.close();

    office = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL, viewport: { width: 1280, height: 900 }, locale: 'vi-VN', offline: true });
    page = office.pages()[0] ?? (await office.newPage());
    await page.goto('/');
    await expect(page.getByTestId('dashboard')).toBeVisible();
    await page.getByRole('button', { name: 'Soạn chỉ đạo' }).click();
    await expect(page.getByTestId('compose-page')).toBeVisible();
    await expect(page.getByTestId('page-unavailable')).toHaveCount(0);
    await office.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('a page whose chunk cannot be fetched says so and opens on a second try', async ({ browser }) => {
  // No service worker here, so every chunk request goes through the routes below.
  const context = await browser.newContext({ ...tablet, serviceWorkers: 'block' });
  await context.route('**/pkg/split_compose.wasm', (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  await signIn(page, 'supervisor');
  await expect(page.getByTestId('dashboard')).toBeVisible();
  await page.getByRole('button', { name: 'Soạn chỉ đạo' }).click();
  const unavailable = page.getByTestId('page-unavailable');
  await expect(unavailable).toContainText('Chưa tải được trang này');
  // The rest of the app goes on working: the other tab still opens.
  await page.getByRole('button', { name: 'Tiến độ chi tiết' }).click();
  await expect(page.getByTestId('report-status')).toBeVisible();
  await page.getByRole('button', { name: 'Soạn chỉ đạo' }).click();
  await expect(unavailable).toBeVisible();

  await context.unroute('**/pkg/split_compose.wasm');
  await unavailable.getByRole('button', { name: 'Thử lại' }).click();
  await expect(page.getByTestId('compose-page')).toBeVisible();
  await expect(unavailable).toHaveCount(0);
  await context.close();
});

test('after a deploy, a page still on the old version does not run the new version’s chunk', async ({ browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-chunks-'));
  const server = new OwnServer(3102, join(dataDir, 'db'));
  const context = await browser.newContext(tablet);
  try {
    await server.start({ CHIDAO_SHELL_VERSION: 'chunks-1' });
    const page = await context.newPage();
    await signIn(page, 'official', server.base);
    await expect(page.getByTestId('pending-count')).toHaveText('0');
    await shellInstalled(page);

    // A new version goes out while the page runs version 1, whose password form (a chunk
    // it never fetched) now exists on the server only in version 2.
    await server.stop();
    await server.start({ CHIDAO_SHELL_VERSION: 'chunks-2' });
    await page.getByTestId('account-settings').click();
    await expect(page.getByTestId('page-unavailable')).toBeVisible();
    await expect(page.getByTestId('password-page')).toHaveCount(0);

    // With nothing waiting to sync, version 2 takes over, and the form opens.
    await page.reload();
    await expect.poll(() => shellCaches(page).catch(() => []), { timeout: 20_000 }).toEqual(['chidao-shell-chunks-2']);
    await expect(page.getByTestId('checklist-item').first()).toBeVisible();
    await page.getByTestId('account-settings').click();
    await expect(page.getByTestId('password-page')).toBeVisible();
  } finally {
    await context.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
