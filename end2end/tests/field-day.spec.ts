import { test, expect, Browser, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnServer, openRow, seriousViolations, shellInstalled, signIn } from './helpers';

// A small PNG (a 1×1 pixel): enough for the browser to read as a picture.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** The sizes an official's day is walked at: a tablet lying and standing, and a phone. */
const SIZES = [
  { name: 'tablet landscape', width: 1024, height: 768 },
  { name: 'tablet portrait', width: 768, height: 1024 },
  { name: 'phone', width: 390, height: 844 },
];

/** A server of the test's own: the day's ticks must not leak into other tests' counts. */
async function withOwnServer(port: number, walk: (base: string) => Promise<void>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-field-'));
  const server = new OwnServer(port, join(dataDir, 'db'));
  try {
    await server.start({});
    await walk(server.base);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function dayOfAnOfficial(browser: Browser, base: string, size: (typeof SIZES)[number]) {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    hasTouch: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await context.newPage();
  await signIn(page, 'official', base);
  await shellInstalled(page);

  // The list opens on what is left, with how many each filter holds.
  const open = page.locator('[data-testid="work-filter"][data-filter="Open"]');
  await expect(open).toHaveAttribute('aria-pressed', 'true');
  await expect(open.locator('.count')).toHaveText('1');
  const row = page.getByTestId('work-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('row-progress')).toHaveText('0/7');
  const items = page.getByTestId('checklist-item');
  await expect(items).toHaveCount(7);
  expect(await seriousViolations(page), `axe on the field page at ${size.name}`).toEqual([]);

  // A tick target the size of a fingertip, and a checklist that fits: at a tablet's
  // 1024×768, twenty rows of this height fill at most two screens.
  const tick = await items.first().locator('input[type="checkbox"]').boundingBox();
  expect(tick!.width).toBeGreaterThanOrEqual(48);
  expect(tick!.height).toBeGreaterThanOrEqual(48);
  const first = await items.first().boundingBox();
  const last = await items.last().boundingBox();
  const perItem = (last!.y + last!.height - first!.y) / 7;
  if (size.width === 1024) expect(perItem * 20).toBeLessThanOrEqual(2 * size.height);

  // Offline: a tick, a note saved, a note still being typed, a photo.
  await context.setOffline(true);
  await items.nth(0).locator('input[type="checkbox"]').click();
  await expect(items.nth(0).getByTestId('unsent')).toHaveText('Chưa gửi');
  await expect(row.getByTestId('row-unsent')).toBeVisible();
  await items.nth(1).getByTestId('note-toggle').click();
  const note = 'Đã rà soát 3 điểm giao cắt ở thôn An Hải.';
  await items.nth(1).locator('textarea').fill(note);
  await items.nth(1).locator('textarea').blur();
  await expect(items.nth(1).getByTestId('unsent')).toBeVisible();
  await expect(items.nth(1).getByTestId('note-counter')).toHaveText(`${[...note].length}/4000`);
  await items.nth(3).getByTestId('photos-toggle').click();
  await items.nth(3).getByTestId('add-photo').setInputFiles({ name: 'cong-truong.png', mimeType: 'image/png', buffer: PNG });
  await expect(items.nth(3).getByTestId('photo')).toHaveAttribute('data-state', 'waiting');
  await expect(items.nth(3).getByTestId('photos-toggle')).toHaveText('1 ảnh');
  // A note still being typed when the tablet is reloaded (or the browser dies): not yet a
  // change, kept all the same.
  const draft = 'Còn điểm trước cổng trường cần biển báo';
  await items.nth(2).getByTestId('note-toggle').click();
  await items.nth(2).locator('textarea').pressSequentially(draft, { delay: 5 });
  await expect(items.nth(2).getByTestId('note-draft')).toBeVisible();

  // The status bar stays on screen wherever the page is scrolled.
  await page.mouse.wheel(0, 5000);
  await expect(page.getByTestId('sync-status')).toBeInViewport();
  await expect(page.getByTestId('pending-count')).toHaveText('2');

  // A reload with no network keeps everything, the unsaved draft included.
  await page.reload();
  await expect(items).toHaveCount(7);
  await expect(items.nth(0).locator('input[type="checkbox"]')).toBeChecked();
  await expect(items.nth(0).getByTestId('unsent')).toBeVisible();
  await expect(items.nth(2).locator('textarea')).toHaveValue(draft);
  await expect(items.nth(2).getByTestId('note-draft')).toBeVisible();
  await expect(items.nth(3).getByTestId('photos-toggle')).toHaveText('1 ảnh');

  // A note over the limit is refused beside the field, in view.
  await items.nth(4).getByTestId('note-toggle').click();
  await items.nth(4).locator('textarea').fill('x'.repeat(4001));
  await items.nth(4).locator('textarea').blur();
  await expect(items.nth(4).getByTestId('note-refused')).toBeInViewport();
  await expect(items.nth(4).getByTestId('note-counter')).toHaveClass(/over/);
  await items.nth(4).locator('textarea').fill('');
  await items.nth(4).locator('textarea').blur();

  // Back online: sent, and said so.
  await context.setOffline(false);
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  await expect(items.nth(0).getByTestId('unsent')).toHaveCount(0);
  await expect(row.getByTestId('row-unsent')).toHaveCount(0);
  await items.nth(3).getByTestId('photos-toggle').click();
  await expect(items.nth(3).getByTestId('photo')).toHaveAttribute('data-state', 'uploaded', { timeout: 20_000 });
  await expect(row.getByTestId('row-progress')).toHaveText('1/7');

  // The filters: nothing done yet, everything under "all", and the search.
  await page.locator('[data-testid="work-filter"][data-filter="Done"]').click();
  await expect(page.getByTestId('nothing-here')).toBeVisible();
  await page.locator('[data-testid="work-filter"][data-filter="All"]').click();
  await expect(row).toHaveCount(1);
  await page.getByTestId('work-search').fill('không có nhiệm vụ nào như thế này');
  await expect(page.getByTestId('nothing-here')).toBeVisible();
  await page.getByTestId('work-search').fill('');
  await expect(row).toHaveCount(1);

  // Untick what this walk ticked, so the next size starts from the same list.
  await items.nth(0).locator('input[type="checkbox"]').click();
  await items.nth(1).getByTestId('note-toggle').click();
  await items.nth(1).locator('textarea').fill('');
  await items.nth(1).locator('textarea').blur();
  await items.nth(2).locator('textarea').fill('');
  await items.nth(2).locator('textarea').blur();
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  await context.close();
}

test("an official's day at a tablet's and a phone's sizes: what is left, offline work kept and marked, sent when back", async ({ browser }) => {
  test.setTimeout(240_000);
  await withOwnServer(3107, async (base) => {
    for (const size of SIZES) {
      await test.step(size.name, () => dayOfAnOfficial(browser, base, size));
    }
  });
});

test("a head sees each commune summed as the dashboard counts it, and its checklists read, not greyed", async ({ browser }) => {
  test.setTimeout(120_000);
  await withOwnServer(3108, async (base) => {
    const field = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const official = await field.newPage();
    await signIn(official, 'official', base);
    const items = official.getByTestId('checklist-item');
    await items.nth(0).locator('input[type="checkbox"]').click();
    await items.nth(1).getByTestId('note-toggle').click();
    await items.nth(1).locator('textarea').fill('Đã họp dân thôn An Hải.');
    await items.nth(1).locator('textarea').blur();
    await expect(official.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });

    const office = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const head = await office.newPage();
    await signIn(head, 'head', base);
    const summary = head.getByTestId('units-overview');
    await expect(summary).toBeVisible();
    const dashboard = await (await head.request.get(`${base}/api/v1/reports/dashboard`)).json();
    expect(dashboard.units.length).toBeGreaterThan(1);
    for (const standing of dashboard.units) {
      const shown = summary.locator(`[data-testid="unit-summary"][data-unit="${standing.unit}"]`);
      for (const state of ['done_on_time', 'done_late', 'in_progress', 'overdue']) {
        await expect(shown.locator(`[data-state="${state}"]`), `${standing.unit} ${state}`).toHaveText(String(standing.counts[state]));
      }
      await expect(shown.getByTestId('unit-items')).toHaveText(`${standing.items_done}/${standing.items_total}`);
    }
    // The commune's checklist: done and not done differ at a glance, the note is text.
    const binhChau = head.locator('[data-testid="work-row"][data-unit="XA-BINH-CHAU"]');
    await openRow(binhChau);
    const done = binhChau.locator('[data-testid="checklist-item"]').nth(0);
    const open = binhChau.locator('[data-testid="checklist-item"]').nth(2);
    await expect(done).toHaveClass(/done/);
    await expect(open).not.toHaveClass(/done/);
    const colour = (locator: typeof done) => locator.locator('.label').evaluate((label) => getComputedStyle(label).color);
    expect(await colour(done)).not.toEqual(await colour(open));
    await expect(binhChau.locator('[data-testid="checklist-item"]').nth(1).locator('.note-text')).toHaveText('Đã họp dân thôn An Hải.');
    await expect(open.locator('.note-text')).toHaveCount(0);
    await expect(binhChau.locator('textarea')).toHaveCount(0);
    expect(await seriousViolations(head), "axe on the head's view").toEqual([]);
    await field.close();
    await office.close();
  });
});

test('an official whose note lost to a later one is told on the item, with what stands', async ({ browser }) => {
  test.setTimeout(120_000);
  await withOwnServer(3109, async (base) => {
    const first = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const second = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const one = await first.newPage();
    const two = await second.newPage();
    await signIn(one, 'official', base);
    await signIn(two, 'official2', base);
    await expect(one.getByTestId('checklist-item')).toHaveCount(7);
    await expect(two.getByTestId('checklist-item')).toHaveCount(7);
    // Both write the same item's note without seeing the other's: the later one stands.
    await first.setOffline(true);
    await second.setOffline(true);
    const mine = one.getByTestId('checklist-item').nth(5);
    await mine.getByTestId('note-toggle').click();
    await mine.locator('textarea').fill('Ghi chú của cán bộ thứ nhất');
    await mine.locator('textarea').blur();
    const theirs = two.getByTestId('checklist-item').nth(5);
    await theirs.getByTestId('note-toggle').click();
    await theirs.locator('textarea').fill('Ghi chú của cán bộ thứ hai');
    await theirs.locator('textarea').blur();
    await first.setOffline(false);
    await one.getByTestId('sync-now').click();
    await expect(one.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
    await second.setOffline(false);
    await two.getByTestId('sync-now').click();
    await expect(two.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
    await one.getByTestId('sync-now').click();
    await expect(mine.getByTestId('note-superseded')).toContainText('official2', { timeout: 20_000 });
    await expect(mine.locator('textarea')).toHaveValue('Ghi chú của cán bộ thứ hai');
    await first.close();
    await second.close();
  });
});
