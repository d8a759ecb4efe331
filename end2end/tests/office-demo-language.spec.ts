import { test, expect, Browser, Page } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnServer, signIn, openRow } from './helpers';

// Every English string the code can show (the English side of each translation), and
// every machine word of the worded enums, read from the source: none may appear on a
// Vietnamese page.
function wordsThatMustNotShow(): string[] {
  const root = join(__dirname, '..', '..', 'core', 'src');
  const i18n = join(root, 'i18n');
  const english = new Set<string>();
  const vietnamese = new Set<string>();
  // Each key is declared as `Key => ("Vietnamese", "English")` in a `words!` block.
  const string = '"((?:[^"\\\\]|\\\\.)*)"';
  const pair = new RegExp(`=>\\s*\\(\\s*${string},\\s*${string},?\\s*\\)`, 'g');
  for (const file of readdirSync(i18n)) {
    const source = readFileSync(join(i18n, file), 'utf8');
    for (const [, vi, en] of source.matchAll(pair)) {
      vietnamese.add(vi);
      english.add(en);
    }
  }
  const machine = new Set<string>();
  for (const file of readdirSync(join(root, 'domain'))) {
    const source = readFileSync(join(root, 'domain', file), 'utf8');
    for (const block of source.matchAll(/worded_enum! \{([\s\S]*?)\n\}/g)) {
      for (const word of block[1].matchAll(/= "([a-z_]+)"/g)) machine.add(word[1]);
    }
  }
  // Words both languages write alike (a brand, an abbreviation) are not English, and the
  // demo's usernames are data that pages show as written ("official" is also a role's word).
  const demo = JSON.parse(readFileSync(join(root, '..', '..', 'server', 'demo', 'quangngai-2022-08-05.json'), 'utf8'));
  const usernames = new Set<string>(demo.accounts.map((account: { username: string }) => account.username));
  const shown = [...english].filter((words) => !vietnamese.has(words));
  return [...shown, ...machine].filter((words) => words.length >= 4 && !usernames.has(words));
}

async function expectNoEnglish(page: Page, where: string, forbidden: string[]) {
  // The caller waited for the page's data; a moment more for anything it loads after.
  await page.waitForTimeout(700);
  const text = await page.locator('body').innerText();
  const found = forbidden.filter((words) => {
    const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^\\p{L}_])${escaped}($|[^\\p{L}_])`, 'u').test(text);
  });
  expect(found, `English or machine words on ${where}`).toEqual([]);
}

test('the office demo shows every state, and no page in Vietnamese shows an English or machine word', async ({ browser }) => {
  test.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-office-'));
  const server = new OwnServer(3106, join(dataDir, 'db'));
  try {
    await server.start({ CHIDAO_DEMO_SCOPE: 'office' });
    await walk(browser, server.base);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function walk(browser: Browser, base: string) {
  const forbidden = wordsThatMustNotShow();
  expect(forbidden.length).toBeGreaterThan(100);

  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await office.newPage();
  await signIn(desk, 'supervisor', base);
  await expect(desk.getByRole('button', { name: 'Bảng theo dõi', exact: true })).toBeVisible();
  await expectNoEnglish(desk, "the supervisor's first page", forbidden);
  await desk.getByRole('button', { name: 'Bảng theo dõi', exact: true }).click();
  await expect(desk.getByTestId('dashboard')).toBeVisible();
  // The demo office has work in every state, and due-soon work.
  for (const state of ['done_on_time', 'done_late', 'in_progress', 'overdue']) {
    await expect(desk.locator(`[data-testid="totals"] [data-state="${state}"] [data-testid="total-count"]`)).not.toHaveText('0');
  }
  // The chart of states over time: twelve weeks, a layer per state.
  await expect(desk.getByTestId('weekly-chart')).toHaveAttribute('data-weeks', '12');
  await expect(desk.getByTestId('weekly-chart').locator('polygon')).toHaveCount(4);
  // The monthly report's missed month is listed to chase, named by its month.
  await expect(desk.getByTestId('attention').getByText(/tháng \d+\/\d{4}/).first()).toBeVisible();
  await expectNoEnglish(desk, 'the dashboard', forbidden);
  await desk.getByTestId('attention-row').first().getByRole('button').click();
  await expect(desk.getByTestId('assignment')).toBeVisible();
  await expect(desk.getByTestId('assignment').locator('.checklist li').first()).toBeVisible();
  await expectNoEnglish(desk, 'a drill-down', forbidden);
  for (const tab of ['Tiến độ chi tiết', 'Soạn chỉ đạo']) {
    const button = desk.getByRole('button', { name: tab, exact: true });
    if ((await button.count()) === 0) continue;
    await button.click();
    await expect(desk.locator('main h1').first()).toBeVisible();
    await expectNoEnglish(desk, tab, forbidden);
  }
  await office.close();

  const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(admin, 'admin', base);
  const adminTab = admin.getByRole('button', { name: 'Quản trị', exact: true });
  if ((await adminTab.count()) > 0) await adminTab.click();
  await expect(admin.locator('input[name="account-username"]')).toBeVisible();
  await expectNoEnglish(admin, 'the admin page', forbidden);
  // A refusal from the server reads in Vietnamese too: a username already taken.
  await admin.locator('input[name="account-username"]').fill('official');
  await admin.locator('input[name="account-display-name"]').fill('Trùng tên');
  await admin.locator('select[name="account-unit"]').selectOption('XA-BINH-CHAU');
  await admin.locator('form:has(input[name="account-username"]) button[type="submit"]').click();
  await expect(admin.getByTestId('admin-outcome')).toContainText('tên đăng nhập đã được dùng');
  await expectNoEnglish(admin, 'a refused account', forbidden);

  const tablet = await (await browser.newContext()).newPage();
  await signIn(tablet, 'official', base);
  await expect(tablet.getByTestId('work-row').first()).toBeVisible();
  await expectNoEnglish(tablet, "a commune official's task list", forbidden);
  // The monthly report: this month's checklist, and the months before tallied.
  await tablet.locator('[data-testid="work-filter"][data-filter="All"]').click();
  const monthly = tablet.getByTestId('work-row').filter({ has: tablet.getByTestId('period') }).first();
  await openRow(monthly);
  await expect(monthly.getByTestId('checklist-item').first()).toBeVisible();
  await expect(monthly.getByTestId('period')).toContainText('tháng');
  await monthly.locator('details.earlier summary').click();
  await expectNoEnglish(tablet, "a commune official's checklists", forbidden);
}
