import { test, expect, Browser } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnServer, signIn } from './helpers';

test('the office follows the states of every unit; a head sees their district only', async ({ browser }) => {
  // Three people's sessions on a server started for it, each waiting for the browser.
  test.setTimeout(150_000);
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

  // The view downloads as it is filtered, and prints on A4 without the controls.
  const [csv] = await Promise.all([desk.waitForEvent('download'), desk.getByTestId('download-csv').click()]);
  const csvText = readFileSync((await csv.path())!, 'utf8');
  expect(csvText.startsWith('\ufeff')).toBe(true);
  expect(csvText).toContain('UBND xã Bình Thạnh');
  expect(csvText).toContain('Hoàn thành đúng hạn');
  expect(csvText).not.toContain('UBND xã Tịnh Khê');
  const [xlsx] = await Promise.all([desk.waitForEvent('download'), desk.getByTestId('download-xlsx').click()]);
  const workbook = readFileSync((await xlsx.path())!);
  expect(workbook.subarray(0, 2).toString()).toBe('PK');
  expect(xlsx.suggestedFilename()).toBe('bao-cao-tien-do.xlsx');
  await desk.emulateMedia({ media: 'print' });
  await expect(desk.locator('.filters')).toBeHidden();
  await expect(desk.getByTestId('unit-chart')).toBeVisible();
  const pdf = await desk.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await desk.emulateMedia({ media: 'screen' });

  // The demo's lists are shorter than the first view's cut, so a page of its own asks
  // for one row where the dashboard asks for its first rows: a cut list offers every row
  // on screen, and says on paper that it is cut and how to print it whole. (Its worker is
  // kept out, as requests a worker sends pass by the page's routes.)
  const cutOffice = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const cutDesk = await cutOffice.newPage();
  await cutDesk.route(/\/api\/v1\/reports\/dashboard\?.*rows=\d+/, (route) =>
    route.continue({ url: route.request().url().replace(/rows=\d+/, 'rows=1') }));
  await signIn(cutDesk, 'supervisor', base);
  const unitRows = cutDesk.getByTestId('unit-table').locator('tbody tr[data-unit]');
  await expect(unitRows).toHaveCount(1);
  const showAll = cutDesk.getByTestId('unit-table').getByTestId('show-all-rows');
  await expect(showAll).toHaveText('Xem tất cả (3)');
  await expect(cutDesk.getByTestId('printed-rows-cut').first()).toBeHidden();
  await cutDesk.emulateMedia({ media: 'print' });
  await expect(showAll).toBeHidden();
  await expect(cutDesk.getByTestId('unit-table').getByTestId('printed-rows-cut')).toBeVisible();
  await expect(cutDesk.getByTestId('unit-table').getByTestId('printed-rows-cut')).toContainText('In báo cáo');
  await cutDesk.emulateMedia({ media: 'screen' });
  await showAll.click();
  await expect(unitRows).toHaveCount(3);
  await expect(cutDesk.getByTestId('show-all-rows')).toHaveCount(0);
  await cutOffice.close();

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

test('a tick made offline before the deadline and synced after it shows as done on time within 2 s, without reload', async ({ browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-live-'));
  const server = new OwnServer(3105, join(dataDir, 'db'));
  try {
    await server.start({});
    await liveAcrossTheDeadline(browser, server.base);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** The calendar day `offset` days from today in Vietnam, as YYYY-MM-DD. */
function vietnamDay(offset: number): string {
  const vietnam = new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000);
  return vietnam.toISOString().slice(0, 10);
}

async function liveAcrossTheDeadline(browser: Browser, base: string) {
  // The office publishes a task for Bình Thạnh due no later than yesterday.
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await office.newPage();
  await signIn(desk, 'supervisor', base);
  await expect(desk.getByTestId('sign-out')).toBeVisible();
  const published = await desk.evaluate(async ([issued, due]) => {
    const input = {
      title: 'Chỉ đạo kiểm tra trực tiếp', issuer: 'UBND tỉnh Quảng Ngãi', issued_on: issued,
      sections: [{ heading: 'Mục', tasks: [{ text: 'Báo cáo rà soát cầu yếu', lead: { unit: 'XA-BINH-THANH' }, assigned: [],
        deadline: { date: due, kind: 'no_later_than' }, checklist: ['Rà soát', 'Báo cáo'] }] }],
    };
    const answer = await fetch('/api/v1/directives', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
    return answer.status;
  }, [vietnamDay(-5), vietnamDay(-1)]);
  expect(published).toBe(201);

  // Bình Thạnh's tablet believes it is yesterday morning, and has no network.
  const commune = await browser.newContext();
  const tablet = await commune.newPage();
  await signIn(tablet, 'official3', base);
  await expect(tablet.getByTestId('checklist-item').filter({ hasText: 'Báo cáo' }).first()).toBeVisible();
  await expect(tablet.getByTestId('pending-count')).toHaveText('0');
  // The tablet says what the office says: the same last day, the same state.
  const card = tablet.getByTestId('work-row').filter({ hasText: 'Báo cáo rà soát cầu yếu' });
  const [year, month, dayOfMonth] = vietnamDay(-1).split('-');
  await expect(card.getByTestId('last-day')).toHaveText(`${dayOfMonth}/${month}/${year}`);
  await expect(card.getByTestId('state')).toHaveAttribute('data-state', 'overdue');
  await tablet.clock.install({ time: new Date(`${vietnamDay(-1)}T09:00:00+07:00`) });
  await commune.setOffline(true);
  await expect(tablet.getByTestId('network')).toHaveText('Ngoại tuyến');
  for (const label of ['Rà soát', 'Báo cáo']) {
    await tablet.getByTestId('checklist-item').filter({ hasText: label }).locator('input[type="checkbox"]').check();
  }
  await expect(tablet.getByTestId('pending-count')).toHaveText('2');
  // Finished on the last day: done on time, whatever the tablet's calendar says now.
  await expect(card.getByTestId('state')).toHaveText('Hoàn thành đúng hạn');

  // The office's dashboard is open, live; the task is overdue for Bình Thạnh.
  await desk.getByRole('button', { name: 'Bảng theo dõi', exact: true }).click();
  await expect(desk.getByTestId('live')).toHaveAttribute('data-live', 'open');
  const overdue = desk.locator('[data-testid="attention-row"][data-unit="XA-BINH-THANH"][data-state="overdue"]');
  await expect(overdue).toHaveCount(1);
  // From the row to the work behind it.
  await overdue.getByRole('button').click();
  const panel = desk.getByTestId('assignment');
  await expect(panel).toHaveAttribute('data-unit', 'XA-BINH-THANH');
  await expect(panel.getByTestId('assignment-state')).toHaveText('Quá hạn');
  await expect(panel.getByTestId('history-entry')).toHaveCount(0);
  await panel.getByRole('button', { name: 'Đóng' }).click();
  await expect(panel).toHaveCount(0);
  const before = Number(await desk.locator('[data-testid="totals"] [data-state="done_on_time"] [data-testid="total-count"]').textContent());

  // The tablet reconnects today, after the deadline; its ticks were made before it.
  await commune.setOffline(false);
  await expect(tablet.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  const synced = Date.now();
  await expect(desk.locator('[data-testid="totals"] [data-state="done_on_time"] [data-testid="total-count"]')).toHaveText(String(before + 1), { timeout: 2_000 });
  expect(Date.now() - synced).toBeLessThan(2_000);
  await expect(overdue).toHaveCount(0);
  await expect(card.getByTestId('state')).toHaveAttribute('data-state', 'done_on_time');
  for (const context of [office, commune]) await context.close();
}
