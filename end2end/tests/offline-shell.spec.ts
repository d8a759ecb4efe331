import { test, expect, chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOptions, tablet } from '../playwright.config';
import { OwnServer, openProgress, shellCaches, shellInstalled, signIn } from './helpers';

const checkbox = (page: import('@playwright/test').Page, index: number) =>
  page.getByTestId('checklist-item').nth(index).locator('input[type="checkbox"]');

test('after one online visit the app starts with no network, also after the browser was closed', async ({ browser, baseURL }) => {
  const profile = mkdtempSync(join(tmpdir(), 'chidao-tablet-'));
  try {
    // At the commune office, online: one visit installs the shell.
    let tabletBrowser = await chromium.launchPersistentContext(profile, { ...tablet, ...launchOptions, baseURL });
    let page = tabletBrowser.pages()[0] ?? (await tabletBrowser.newPage());
    await signIn(page, 'official3');
    await expect(page.getByTestId('checklist-item')).toHaveCount(7);
    await expect(page.getByTestId('pending-count')).toHaveText('0');
    await shellInstalled(page);
    await expect(page.getByTestId('storage')).toContainText('Bộ nhớ');
    await tabletBrowser.close();

    // In the village: the browser is opened again with no network at all.
    tabletBrowser = await chromium.launchPersistentContext(profile, { ...tablet, ...launchOptions, baseURL, offline: true });
    page = tabletBrowser.pages()[0] ?? (await tabletBrowser.newPage());
    await page.goto('/');
    await expect(page.getByTestId('network')).toHaveText('Ngoại tuyến');
    await expect(page.getByTestId('unit-name')).toHaveText('UBND xã Bình Thạnh');
    await expect(page.getByTestId('checklist-item')).toHaveCount(7);
    for (const index of [0, 1]) {
      await checkbox(page, index).click();
      await expect(checkbox(page, index)).toBeChecked();
    }
    await expect(page.getByTestId('pending-count')).toHaveText('2');

    // Another page of the app, still offline, shows the same work.
    const second = await tabletBrowser.newPage();
    await second.goto('/');
    await expect(checkbox(second, 0)).toBeChecked();
    await expect(checkbox(second, 1)).toBeChecked();
    await expect(second.getByTestId('pending-count')).toHaveText('2');
    await second.close();

    // Signing out now would leave unsynced work: the app says so and keeps it.
    await page.getByTestId('sign-out').click();
    await expect(page.getByTestId('sign-out-warning')).toContainText('2');
    await page.getByTestId('stay').click();
    await expect(page.getByTestId('unit-name')).toBeVisible();

    // Back in range: the outbox drains on its own.
    await tabletBrowser.setOffline(false);
    await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
    await tabletBrowser.close();

    const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const supervisor = await office.newPage();
    await signIn(supervisor, 'supervisor');
    await openProgress(supervisor);
    await expect(supervisor.locator('[data-testid="unit-progress"][data-unit="XA-BINH-THANH"]').getByTestId('unit-done')).toHaveText('2/7');
    await office.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('a deploy waits for the outbox to drain, then takes over without losing changes or the session', async ({ browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-deploy-'));
  const server = new OwnServer(3101, join(dataDir, 'db'));
  const context = await browser.newContext();
  try {
    await server.start({ CHIDAO_SHELL_VERSION: 'deploy-1' });
    const page = await context.newPage();
    await signIn(page, 'official', server.base);
    await expect(page.getByTestId('pending-count')).toHaveText('0');
    await shellInstalled(page);
    expect(await shellCaches(page)).toEqual(['chidao-shell-deploy-1']);

    // A tick the server cannot take yet: the sync API is unreachable.
    await page.route('**/api/v1/sync/**', (route) => route.abort());
    await checkbox(page, 2).click();
    await expect(page.getByTestId('pending-count')).toHaveText('1');
    await expect(page.getByTestId('sync-problem')).toBeVisible();
    await expect(page.getByTestId('next-sync')).toBeVisible();

    // The new version is deployed on the same address and data.
    await server.stop();
    await server.start({ CHIDAO_SHELL_VERSION: 'deploy-2' });
    await page.reload();
    await expect(page.getByTestId('update-waiting')).toBeVisible();
    expect(await shellCaches(page)).toEqual(['chidao-shell-deploy-1', 'chidao-shell-deploy-2']);
    await expect(checkbox(page, 2)).toBeChecked();
    await expect(page.getByTestId('pending-count')).toHaveText('1');

    // Once the change is through, the new shell takes over by itself.
    await page.unroute('**/api/v1/sync/**');
    await page.getByTestId('sync-now').click();
    await expect.poll(() => shellCaches(page).catch(() => []), { timeout: 20_000 }).toEqual(['chidao-shell-deploy-2']);
    await expect(page.getByTestId('unit-name')).toHaveText('UBND xã Bình Châu');
    await expect(page.getByTestId('pending-count')).toHaveText('0');
    await expect(checkbox(page, 2)).toBeChecked();
  } finally {
    await context.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
