import { test, expect, Page, BrowserContext } from '@playwright/test';
import { openProgress, signIn } from './helpers';

async function goOffline(context: BrowserContext, page: Page) {
  await context.setOffline(true);
  await expect(page.getByTestId('network')).toHaveText('Ngoại tuyến');
}

test('a commune official ticks offline, it syncs, and the supervisor sees it', async ({ browser }) => {
  const field = await browser.newContext();
  const official = await field.newPage();
  await signIn(official, 'official');

  await expect(official.getByTestId('unit-name')).toHaveText('UBND xã Bình Châu');
  const items = official.getByTestId('checklist-item');
  await expect(items).toHaveCount(7);
  await expect(official.getByTestId('last-sync')).not.toHaveText('chưa có');
  await expect(official.getByTestId('pending-count')).toHaveText('0');

  // Touch targets are big enough for a finger.
  const box = await items.first().locator('label.tick').boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);

  await goOffline(field, official);
  for (const index of [0, 1, 2]) {
    await items.nth(index).locator('input[type="checkbox"]').click();
    await expect(items.nth(index).locator('input[type="checkbox"]')).toBeChecked();
  }
  const note = 'Đã làm 2 gờ giảm tốc ở thôn An Hải; chờ vật tư cho điểm còn lại.';
  await items.nth(1).getByTestId('note-toggle').click();
  await items.nth(1).locator('textarea').fill(note);
  await items.nth(1).locator('textarea').blur();

  // Three items wait to be sent; the page did not wait for the network to accept them.
  await expect(official.getByTestId('pending-count')).toHaveText('3');
  // In browser storage, in this tab's outbox, before the network has seen anything.
  const stored = await official.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('chidao.user.official.outbox.'))
      .flatMap((key) => JSON.parse(localStorage.getItem(key)!).changes),
  );
  expect(stored).toHaveLength(4);

  await field.setOffline(false);
  await expect(official.getByTestId('network')).toHaveText('Trực tuyến');
  await expect(official.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });

  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const supervisor = await office.newPage();
  await signIn(supervisor, 'supervisor');
  await openProgress(supervisor);
  const row = supervisor.locator('[data-testid="unit-progress"][data-unit="XA-BINH-CHAU"]');
  await expect(row.getByTestId('unit-done')).toHaveText('3/7');
  await row.locator('summary').click();
  await expect(row.locator('[data-testid="progress-item"][data-done="true"]')).toHaveCount(3);
  await expect(row.getByTestId('progress-note')).toHaveText(note);
  // Other communes are untouched.
  const other = supervisor.locator('[data-testid="unit-progress"][data-unit="XA-TINH-KHE"]');
  await expect(other.getByTestId('unit-done')).toHaveText('0/7');

  await field.close();
  await office.close();
});

test('a tick the server has not received survives a reload and is pushed afterwards', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'official');
  const items = page.getByTestId('checklist-item');
  await expect(items).toHaveCount(7);
  await expect(page.getByTestId('pending-count')).toHaveText('0');

  // The sync API is unreachable (the page itself still loads): the tick can only live in
  // browser storage.
  await page.route('**/api/v1/sync/**', (route) => route.abort());
  await items.nth(6).locator('input[type="checkbox"]').click();
  await expect(page.getByTestId('pending-count')).toHaveText('1');
  await page.reload();
  await expect(items.nth(6).locator('input[type="checkbox"]')).toBeChecked();
  await expect(page.getByTestId('pending-count')).toHaveText('1');

  await page.unroute('**/api/v1/sync/**');
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  await expect(items.nth(6).locator('input[type="checkbox"]')).toBeChecked();
  await context.close();
});

test('the language can be switched to English and back', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Đăng nhập' })).toBeVisible();
  await page.getByTestId('switch-language').click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByTestId('switch-language').click();
  await expect(page.getByRole('heading', { name: 'Đăng nhập' })).toBeVisible();
});

test('a wrong password is told plainly', async ({ page }) => {
  await page.goto('/');
  await page.locator('input[name="username"]').fill('official');
  await page.locator('input[name="password"]').fill('not-the-password');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(page.getByRole('alert')).toHaveText('Sai tên đăng nhập hoặc mật khẩu.');
});
