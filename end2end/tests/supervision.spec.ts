import { test, expect, Page, BrowserContext } from '@playwright/test';
import { openProgress, signIn, showAllWork } from './helpers';

async function fieldPage(browser: import('@playwright/test').Browser, username: string): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, username);
  await expect(page.getByTestId('checklist-item').first()).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  return [context, page];
}

/** Two officials of Bình Châu write item `position`'s note offline, unseen by each other. */
async function conflictingNotes(browser: import('@playwright/test').Browser, position: number, kept: string, lost: string) {
  const [firstContext, first] = await fieldPage(browser, 'official');
  const [secondContext, second] = await fieldPage(browser, 'official2');
  for (const [context, page, text] of [[firstContext, first, kept], [secondContext, second, lost]] as const) {
    await context.setOffline(true);
    await page.getByTestId('checklist-item').nth(position).getByTestId('note-toggle').click();
    const note = page.getByTestId('checklist-item').nth(position).locator('textarea');
    await note.fill(text);
    await note.blur();
    await expect(page.getByTestId('pending-count')).toHaveText('1');
  }
  for (const [context, page] of [[firstContext, first], [secondContext, second]] as const) {
    await context.setOffline(false);
    await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  }
  return { tablets: [first, second], contexts: [firstContext, secondContext] };
}

/** In the review panel on `page`, keeps `kept` over `lost`. */
async function keepInReview(page: Page, kept: string, lost: string) {
  const review = page.getByTestId('review');
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
}

/** The tablets pull the decision on their next sync. */
async function tabletsShow(tablets: Page[], position: number, kept: string) {
  for (const page of tablets) {
    await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();
    await expect(page.getByTestId('checklist-item').nth(position).locator('textarea')).toHaveValue(kept, { timeout: 20_000 });
  }
}

test('two officials write one note unseen; the supervisor keeps the first and both tablets get it', async ({ browser }) => {
  const kept = 'Biển báo đã lắp ở ngã ba Bình Châu';
  const lost = 'Chưa lắp biển báo';
  const { tablets, contexts } = await conflictingNotes(browser, 5, kept, lost);

  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const supervisor = await office.newPage();
  await signIn(supervisor, 'supervisor');
  await openProgress(supervisor);
  await keepInReview(supervisor, kept, lost);
  const row = supervisor.locator('[data-testid="unit-progress"][data-unit="XA-BINH-CHAU"]');
  await row.locator('summary').click();
  await expect(row.getByTestId('progress-note').filter({ hasText: kept })).toHaveCount(1);
  await expect(row.getByTestId('conflict')).toHaveCount(0);

  await tabletsShow(tablets, 5, kept);
  await Promise.all([...contexts.map((context) => context.close()), office.close()]);
});

test('the district head settles a conflict in a commune below from their own page', async ({ browser }) => {
  const kept = 'Đã sơn lại vạch kẻ đường trước chợ';
  const lost = 'Chưa sơn vạch kẻ đường';
  const { tablets, contexts } = await conflictingNotes(browser, 4, kept, lost);

  const district = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const head = await district.newPage();
  await signIn(head, 'head');
  await keepInReview(head, kept, lost);
  await tabletsShow(tablets, 4, kept);
  await Promise.all([...contexts.map((context) => context.close()), district.close()]);
});

test('a district head follows the communes below, view only', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'head');
  await showAllWork(page);
  const items = page.getByTestId('checklist-item');
  await expect(items).toHaveCount(14);
  await expect(page.getByTestId('row-unit')).toHaveText([/UBND xã Bình Châu/, /UBND xã Bình Thạnh/]);
  await expect(page.getByTestId('row-unit').filter({ hasText: 'Tịnh Khê' })).toHaveCount(0);
  await expect(items.first().locator('input[type="checkbox"]')).toBeDisabled();
  // Read, not edited: no note boxes at all, and nothing where there is no note.
  await expect(items.first().locator('textarea')).toHaveCount(0);
  await expect(items.first().locator('.note-text')).toHaveCount(0);
  await context.close();
});
