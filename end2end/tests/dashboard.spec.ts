import { test, expect, Browser } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnServer, signIn } from './helpers';

test('the office follows the states of every unit; a head sees their district only', async ({ browser }) => {
  // A server of its own: the ticks here must not meet other tests' data.
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-dashboard-'));
  const server = new OwnServer(3104, join(dataDir, 'db'));
  try {
    await server.start({});
    await followTheStates(browser, server.base);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

function count(page: import('@playwright/test').Page, state: string) {
  return page.locator(`[data-testid="totals"] [data-state="${state}"] [data-testid="total-count"]`);
}

async function followTheStates(browser: Browser, base: string) {
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await office.newPage();
  await signIn(desk, 'supervisor', base);
  await desk.getByRole('button', { name: 'Bảng theo dõi', exact: true }).click();
  await expect(desk.getByTestId('dashboard')).toBeVisible();
  // The demo's one checklist task has no deadline: its three communes are in progress.
  await expect(count(desk, 'in_progress')).toHaveText('3');
  await expect(count(desk, 'done_on_time')).toHaveText('0');
  await expect(desk.getByTestId('unit-chart').locator('g')).toHaveCount(3);
  await expect(desk.getByTestId('unit-table').locator('tbody tr')).toHaveCount(3);

  // Bình Thạnh's official finishes the whole checklist.
  const commune = await browser.newContext();
  const tablet = await commune.newPage();
  await signIn(tablet, 'official3', base);
  const boxes = tablet.getByTestId('checklist-item').locator('input[type="checkbox"]');
  await expect(boxes).toHaveCount(7);
  for (let i = 0; i < 7; i++) await boxes.nth(i).check();
  await expect(tablet.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });

  await desk.reload();
  await desk.getByRole('button', { name: 'Bảng theo dõi', exact: true }).click();
  await expect(count(desk, 'done_on_time')).toHaveText('1');
  await expect(count(desk, 'in_progress')).toHaveText('2');
  // Choosing a state narrows every table to it.
  await desk.locator('[data-testid="totals"] [data-state="done_on_time"]').click();
  await expect(desk.getByTestId('unit-table').locator('tbody tr')).toHaveCount(1);
  await expect(desk.getByTestId('unit-table').locator('tbody tr')).toHaveAttribute('data-unit', 'XA-BINH-THANH');
  await expect(count(desk, 'in_progress')).toHaveText('0');

  // The head of Bình Sơn sees its two communes, not Tịnh Khê.
  const district = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const head = await district.newPage();
  await signIn(head, 'head', base);
  await head.getByRole('button', { name: 'Bảng theo dõi', exact: true }).click();
  await expect(head.getByTestId('unit-table').locator('tbody tr')).toHaveCount(2);
  await expect(head.getByTestId('unit-table')).not.toContainText('Tịnh Khê');
  await expect(count(head, 'done_on_time')).toHaveText('1');
  for (const context of [office, commune, district]) await context.close();
}
