import { test, expect, Browser, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnServer, openProgress, openRow, seriousViolations, signIn } from './helpers';

// Every page, with the office demo's weeks of work on it, checked by axe-core for the
// WCAG 2.2 A and AA rules: no serious or critical violation anywhere. The field page and
// the head's view are checked in field-day.spec.ts, at each size.

async function expectAccessible(page: Page, where: string) {
  // A moment for anything the page draws after its data.
  await page.waitForTimeout(300);
  expect(await seriousViolations(page), `axe on ${where}`).toEqual([]);
}

/** The `lang` of the page follows the language chosen. */
async function expectLanguage(page: Page, code: string) {
  await expect(page.locator('html')).toHaveAttribute('lang', code);
}

async function twoOfficialsWriteOneNote(browser: Browser, base: string) {
  const contexts = [await browser.newContext(), await browser.newContext()];
  const pages = [await contexts[0].newPage(), await contexts[1].newPage()];
  for (const [index, username] of ['official', 'official2'].entries()) {
    await signIn(pages[index], username, base);
    await expect(pages[index].getByTestId('work-row').first()).toBeVisible();
  }
  for (const [index, text] of ['Đã báo cáo bằng văn bản', 'Đã báo cáo qua điện thoại'].entries()) {
    await contexts[index].setOffline(true);
    const row = pages[index].getByTestId('work-row').first();
    await openRow(row);
    const item = row.getByTestId('checklist-item').first();
    await item.getByTestId('note-toggle').click();
    await item.locator('textarea').fill(text);
    await item.locator('textarea').blur();
  }
  for (const [index] of contexts.entries()) {
    await contexts[index].setOffline(false);
    await pages[index].getByTestId('sync-now').click();
    await expect(pages[index].getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  }
  await Promise.all(contexts.map((context) => context.close()));
}

test('every page has no serious or critical accessibility violation, in Vietnamese and in English', async ({ browser }) => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-a11y-'));
  const server = new OwnServer(3110, join(dataDir, 'db'));
  try {
    await server.start({ CHIDAO_DEMO_SCOPE: 'office' });
    const base = server.base;
    await twoOfficialsWriteOneNote(browser, base);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await expect(page.locator('input[name="username"]')).toBeVisible();
    await expectLanguage(page, 'vi');
    await expectAccessible(page, 'the sign-in page');

    await signIn(page, 'supervisor', base);
    await expect(page.getByTestId('dashboard')).toBeVisible();
    await expect(page.getByTestId('totals')).toBeVisible();
    await expectAccessible(page, 'the dashboard');
    const overdue = page.locator('[data-testid="attention-row"]').first();
    await overdue.getByRole('button').click();
    await expect(page.getByTestId('assignment')).toBeVisible();
    await expectAccessible(page, "the dashboard's drill-down");

    await openProgress(page);
    await expect(page.getByTestId('unit-progress').first()).toBeVisible();
    await expect(page.getByTestId('review')).toBeVisible();
    await expectAccessible(page, 'the progress page with its conflict review');

    await page.getByRole('button', { name: 'Soạn chỉ đạo', exact: true }).click();
    await expect(page.getByTestId('compose-page')).toBeVisible();
    await expectAccessible(page, 'the compose page');

    await page.getByTestId('account-settings').click();
    await expect(page.getByTestId('password-page')).toBeVisible();
    await expectAccessible(page, 'the password page');

    await page.getByTestId('sign-out').click();
    await signIn(page, 'admin', base);
    await expect(page.getByTestId('admin-page')).toBeVisible();
    await page.getByTestId('switch-language').click();
    await expectLanguage(page, 'en');
    await expectAccessible(page, 'the admin page, in English');
    await context.close();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
