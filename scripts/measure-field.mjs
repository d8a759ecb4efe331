// Measures the field page of a built chidao (CHIDAO_BIN, site in target/site) for a busy
// commune: 50 tasks of 20 items each for one unit, in Debian's Chromium slowed 4× (a
// cheap tablet). Offline reload to interactive, tap to browser storage, a filter change,
// and the same with the demo's one task beside it. Prints numbers and a JSON line;
// asserts nothing (the behaviour is held by the end-to-end tests).
import { chromium } from '@playwright/test';
import { launch, median, waitForServer } from './measure-lib.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = 3201;
const base = `http://127.0.0.1:${port}`;
const password = 'measure-password';
const TASKS = 50;
const ITEMS = 20;
const SLOWDOWN = 4;
const tablet = { viewport: { width: 1024, height: 768 }, hasTouch: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };
const vietnamDay = (offset) => new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);

async function signIn(page, username) {
  await page.goto('/');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** 50 tasks for Bình Châu, their last days spread over the coming weeks and past ones. */
async function publishBusyUnit(browser) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await signIn(page, 'supervisor');
  await page.getByTestId('sign-out').waitFor();
  const tasks = Array.from({ length: TASKS }, (_, n) => ({
    text: `Nhiệm vụ ${n + 1}: rà soát, báo cáo kết quả thực hiện Kế hoạch số ${21 + n}/KH-UBND trên địa bàn xã`,
    lead: { unit: 'XA-BINH-CHAU' },
    assigned: [],
    deadline: { date: vietnamDay((n % 20) - 5), kind: 'no_later_than' },
    checklist: Array.from({ length: ITEMS }, (_, i) => `Bước ${i + 1} của nhiệm vụ ${n + 1}`),
  }));
  const status = await page.evaluate(async (input) => {
    const answer = await fetch('/api/v1/directives', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
    return answer.status;
  }, { title: 'Chỉ đạo đo tải trang hiện trường', issuer: 'UBND tỉnh Quảng Ngãi', issued_on: vietnamDay(-30), sections: [{ heading: 'Các nhiệm vụ', tasks }] });
  if (status !== 201) throw new Error(`publishing answered ${status}`);
  await context.close();
}

async function interactiveAfter(page, navigate) {
  await navigate();
  await page.waitForFunction(() => performance.getEntriesByName('chidao:interactive').length > 0, null, { timeout: 60_000 });
  return page.evaluate(() => performance.getEntriesByName('chidao:interactive')[0].startTime);
}

/** Where one reload's time went, from the app's own marks: the browser's part (page,
 *  script and wasm from the worker's cache, compiled), reading the snapshot, the rest. */
async function reloadParts(page) {
  return page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0];
    const started = at('chidao:started').startTime;
    const read = at('chidao:snapshot-read');
    const interactive = at('chidao:interactive').startTime;
    return { browser: started, snapshot: read.duration, drawing: interactive - started - read.duration };
  });
}

/** From the click on a filter to the frame after the list is drawn again. */
async function filterChange(page, filter) {
  return page.evaluate(async (filter) => {
    const button = document.querySelector(`[data-testid="work-filter"][data-filter="${filter}"]`);
    const start = performance.now();
    button.click();
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - start;
  }, filter);
}

const server = spawn(process.env.CHIDAO_BIN, ['serve', '--db', 'mem://', '--demo', '--addr', `127.0.0.1:${port}`], {
  env: { ...process.env, CHIDAO_DEMO_PASSWORD: password, CHIDAO_DEMO_SCOPE: 'seed', LEPTOS_SITE_ROOT: 'target/site', LEPTOS_OUTPUT_NAME: 'chidao', LEPTOS_SITE_PKG_DIR: 'pkg', RUST_LOG: 'warn' },
  stdio: 'ignore',
});
const profile = mkdtempSync(join(tmpdir(), 'chidao-field-'));
try {
  await waitForServer(base, 5);
  const browser = await chromium.launch(launch);
  await publishBusyUnit(browser);
  await browser.close();

  let context = await chromium.launchPersistentContext(profile, { ...tablet, ...launch, baseURL: base });
  let page = context.pages()[0] ?? (await context.newPage());
  await signIn(page, 'official');
  await page.getByTestId('work-row').first().waitFor();
  await page.waitForFunction(() => !!navigator.serviceWorker?.controller);
  await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === '0');
  const rows = await page.getByTestId('work-row').count();
  const items = await page.getByTestId('checklist-item').count();
  // The room a 20-item checklist takes at 1024×768, from its row's top to its last item.
  const opened = page.getByTestId('work-row').first();
  await opened.locator('summary').first().click();
  const layout = await opened.evaluate((row) => {
    const lines = [...row.querySelectorAll('[data-testid="checklist-item"]')].map((item) => item.getBoundingClientRect());
    const bar = document.querySelector('[data-testid="sync-status"]').getBoundingClientRect().height;
    const top = row.getBoundingClientRect().top;
    const perItem = (lines[lines.length - 1].bottom - lines[0].top) / lines.length;
    return { checklist: lines[lines.length - 1].bottom - top, perItem, bar, itemsPerScreen: Math.floor((innerHeight - bar) / perItem) };
  });
  await opened.locator('summary').first().click();
  const slow = await context.newCDPSession(page);
  await slow.send('Emulation.setCPUThrottlingRate', { rate: SLOWDOWN });

  await context.setOffline(true);
  const reloads = [];
  const parts = [];
  for (let run = 0; run < 5; run++) {
    reloads.push(await interactiveAfter(page, () => page.reload()));
    parts.push(await reloadParts(page));
    await page.getByTestId('work-row').first().waitFor();
  }
  const snapshotBytes = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.endsWith('snapshot')).reduce((sum, key) => sum + localStorage.getItem(key).length, 0));
  await slow.send('Emulation.setCPUThrottlingRate', { rate: SLOWDOWN });

  const filters = [];
  for (let run = 0; run < 5; run++) {
    for (const filter of ['Overdue', 'DueSoon', 'All', 'Open']) filters.push(await filterChange(page, filter));
  }

  const first = page.getByTestId('work-row').first();
  await first.locator('summary').first().click();
  const box = first.getByTestId('checklist-item').nth(3).locator('input[type="checkbox"]');
  for (let tap = 0; tap < 21; tap++) await box.tap();
  const taps = await page.evaluate(() => performance.getEntriesByName('chidao:tap-to-storage').map((entry) => entry.duration));
  await context.close();

  console.log(`a commune with ${rows} tasks on the list (${TASKS} of ${ITEMS} items published, ${items} drawn with every row closed), Chromium at ${SLOWDOWN}× slowdown, 1024×768`);
  console.log(`a 20-item checklist, its row opened: ${layout.checklist.toFixed(0)} px (${(layout.checklist / 768).toFixed(2)} screens of 768 px), ${layout.perItem.toFixed(0)} px an item, ${layout.itemsPerScreen} items on a screen beside the ${layout.bar.toFixed(0)} px status bar`);
  console.log(`offline reload to interactive: median ${median(reloads).toFixed(0)} ms (runs: ${reloads.map((t) => t.toFixed(0)).join(', ')}) (goal 300 ms)`);
  const part = (name) => median(parts.map((one) => one[name])).toFixed(0);
  console.log(`  of which (medians): page, script and wasm from the worker's cache to the app's start ${part('browser')} ms; reading the snapshot (${(snapshotBytes / 1024).toFixed(0)} K characters of JSON) ${part('snapshot')} ms; building and drawing the list, the tab's lock ${part('drawing')} ms`);
  console.log(`filter change to drawn: median ${median(filters).toFixed(1)} ms, max ${Math.max(...filters).toFixed(1)} ms over ${filters.length} changes (goal 50 ms)`);
  console.log(`tap to browser storage: median ${median(taps).toFixed(1)} ms, max ${Math.max(...taps).toFixed(1)} ms over ${taps.length} taps (goal 16 ms)`);
  console.log('what a user would pick instead: a paper checklist and a phone call, or a spreadsheet on the commune PC (no offline list at all)');
  console.log(JSON.stringify({ checklist_px: layout.checklist, item_px: layout.perItem, items_per_screen: layout.itemsPerScreen, tasks: TASKS, items_per_task: ITEMS, slowdown: SLOWDOWN, offline_reload_ms: median(reloads), filter_change_ms: median(filters), filter_change_max_ms: Math.max(...filters), tap_to_storage_ms: median(taps), tap_to_storage_max_ms: Math.max(...taps) }));
} finally {
  server.kill('SIGTERM');
  rmSync(profile, { recursive: true, force: true });
}
