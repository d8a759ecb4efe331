import { test, expect, Page, BrowserContext } from '@playwright/test';
import { fillSignIn, openProgress, signIn } from './helpers';

async function openField(context: BrowserContext) {
  const page = await context.newPage();
  await signIn(page, 'official');
  await expect(page.getByTestId('checklist-item')).toHaveCount(7);
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  return page;
}

/// The supervisor sees the given items of Bình Châu's checklist done.
async function supervisorSeesDone(browser: import('@playwright/test').Browser, positions: number[]) {
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await office.newPage();
  await signIn(page, 'supervisor');
  await openProgress(page);
  const row = page.locator('[data-testid="unit-progress"][data-unit="XA-BINH-CHAU"]');
  await row.locator('summary').click();
  for (const position of positions) {
    await expect(row.getByTestId('progress-item').nth(position)).toHaveAttribute('data-done', 'true');
  }
  await office.close();
}

/// Counts the changes a page sends in pushes.
function countPushedChanges(page: Page, seen: string[]) {
  page.on('request', (request) => {
    if (request.url().endsWith('/api/v1/sync/push')) {
      for (const change of JSON.parse(request.postData() ?? '{"changes":[]}').changes) seen.push(change.id);
    }
  });
}

test('two tabs on one tablet push each change once and lose none', async ({ browser }) => {
  const context = await browser.newContext();
  const first = await openField(context);
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByTestId('checklist-item')).toHaveCount(7);
  const pushed: string[] = [];
  countPushedChanges(first, pushed);
  countPushedChanges(second, pushed);

  await context.setOffline(true);
  await first.getByTestId('checklist-item').nth(3).locator('input[type="checkbox"]').click();
  await second.getByTestId('checklist-item').nth(4).locator('input[type="checkbox"]').click();
  // Each tab sees the other's tick through browser storage.
  await expect(first.getByTestId('pending-count')).toHaveText('2');
  await expect(second.getByTestId('pending-count')).toHaveText('2');

  await context.setOffline(false);
  await expect(first.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  await expect(second.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  expect(pushed.length).toBe(2);
  expect(new Set(pushed).size).toBe(2);
  await supervisorSeesDone(browser, [3, 4]);
  await context.close();
});

test('a session that expired offline keeps the outbox and pushes it after signing in again', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await openField(context);
  await context.setOffline(true);
  await page.getByTestId('checklist-item').nth(5).locator('input[type="checkbox"]').click();
  await expect(page.getByTestId('pending-count')).toHaveText('1');

  // The server no longer knows this session.
  await context.clearCookies();
  await context.setOffline(false);
  const banner = page.getByRole('alert').filter({ hasText: 'Phiên đăng nhập đã hết hạn' });
  await expect(banner).toBeVisible({ timeout: 20_000 });
  await banner.getByRole('button', { name: 'Đăng nhập' }).click();
  await fillSignIn(page, 'official');
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  await expect(page.getByTestId('checklist-item').nth(5).locator('input[type="checkbox"]')).toBeChecked();
  await context.close();
});

test('a full browser storage is said plainly and nothing is claimed saved', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await openField(context);
  await context.setOffline(true);
  await page.evaluate(() => {
    let chunk = 1 << 20;
    let n = 0;
    while (chunk >= 8) {
      try {
        localStorage.setItem(`filler.${n++}`, 'x'.repeat(chunk));
      } catch {
        chunk = Math.floor(chunk / 2);
      }
    }
  });
  const box = page.getByTestId('checklist-item').nth(6).locator('input[type="checkbox"]');
  const before = await box.isChecked();
  await box.click();
  await expect(page.getByTestId('sync-problem')).toContainText('Bộ nhớ của trình duyệt đã đầy');
  await expect(box).toBeChecked({ checked: before });
  await expect(page.getByTestId('pending-count')).toHaveText('0');

  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('filler.')).forEach((k) => localStorage.removeItem(k)));
  await box.click();
  await expect(box).toBeChecked({ checked: !before });
  await expect(page.getByTestId('pending-count')).toHaveText('1');
  await context.close();
});
