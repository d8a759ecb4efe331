import { test, expect, Page, BrowserContext } from '@playwright/test';
import { signIn } from './helpers';

async function fieldPage(browser: import('@playwright/test').Browser, username: string): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, username);
  await expect(page.getByTestId('checklist-item').first()).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  return [context, page];
}

test('two officials write one note unseen; the supervisor keeps the first and both tablets get it', async ({ browser }) => {
  const [firstContext, first] = await fieldPage(browser, 'official');
  const [secondContext, second] = await fieldPage(browser, 'official2');
  const kept = 'Biển báo đã lắp ở ngã ba Bình Châu';
  const lost = 'Chưa lắp biển báo';

  // Both offline, neither sees the other's note.
  for (const [context, page, text] of [[firstContext, first, kept], [secondContext, second, lost]] as const) {
    await context.setOffline(true);
    const note = page.getByTestId('checklist-item').nth(5).locator('textarea');
    await note.fill(text);
    await note.blur();
    await expect(page.getByTestId('pending-count')).toHaveText('1');
  }
  for (const [context, page] of [[firstContext, first], [secondContext, second]] as const) {
    await context.setOffline(false);
    await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  }

  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const supervisor = await office.newPage();
  await signIn(supervisor, 'supervisor');
  const review = supervisor.getByTestId('review');
  const conflictCase = review.getByTestId('conflict-case');
  await expect(conflictCase).toHaveCount(1);
  const contenders = conflictCase.getByTestId('contender');
  await expect(contenders).toHaveCount(2);
  await expect(contenders.filter({ hasText: kept })).toHaveAttribute('data-author', 'official');
  await expect(contenders.filter({ hasText: lost })).toHaveAttribute('data-author', 'official2');
  // The later edit stands until someone decides otherwise.
  await expect(contenders.filter({ hasText: lost }).locator('input')).toBeChecked();

  await contenders.filter({ hasText: kept }).locator('input').check();
  await conflictCase.getByTestId('keep-chosen').click();
  await expect(review).toBeHidden();
  const row = supervisor.locator('[data-testid="unit-progress"][data-unit="XA-BINH-CHAU"]');
  await row.locator('summary').click();
  await expect(row.getByTestId('progress-note').filter({ hasText: kept })).toHaveCount(1);
  await expect(row.getByTestId('conflict')).toHaveCount(0);

  // The tablets pull the decision on their next sync.
  for (const page of [first, second]) {
    await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();
    await expect(page.getByTestId('checklist-item').nth(5).locator('textarea')).toHaveValue(kept, { timeout: 20_000 });
  }
  await Promise.all([firstContext.close(), secondContext.close(), office.close()]);
});

test('a district head follows the communes below, view only', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'head');
  const items = page.getByTestId('checklist-item');
  await expect(items).toHaveCount(14);
  await expect(page.locator('.unit-name')).toHaveText([/UBND xã Bình Châu/, /UBND xã Bình Thạnh/]);
  await expect(page.locator('.unit-name', { hasText: 'Tịnh Khê' })).toHaveCount(0);
  await expect(items.first().locator('input[type="checkbox"]')).toBeDisabled();
  await expect(items.first().locator('textarea')).toHaveAttribute('readonly', '');
  await context.close();
});
