// Measures the office's dashboard over a generated province of real size in Debian's
// Chromium, at a desktop's size: a built chidao (CHIDAO_BIN, site in target/site) writes
// the province (`--demo-scope province`, minutes) into a SurrealKV folder, then a
// supervisor opens the dashboard. Times: request to drawn for the whole province (first
// view, and again with the page's code cached), the server's answer alone, and a
// drill-down from the overdue list. Prints numbers and a JSON line; asserts nothing.
// CHIDAO_PROVINCE_DB reuses a folder written by an earlier run.
import { chromium } from '@playwright/test';
import { launch, median, waitForServer } from './measure-lib.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = 3210;
const base = `http://127.0.0.1:${port}`;
const password = 'measure-password';
const desk = { viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };

const folder = process.env.CHIDAO_PROVINCE_DB ?? mkdtempSync(join(tmpdir(), 'chidao-province-'));
const started = performance.now();
const server = spawn(
  process.env.CHIDAO_BIN,
  ['serve', '--db', `surrealkv://${join(folder, 'db')}`, '--demo', '--demo-scope', 'province', '--addr', `127.0.0.1:${port}`],
  {
    env: {
      ...process.env, CHIDAO_DEMO_PASSWORD: password, LEPTOS_SITE_ROOT: 'target/site', LEPTOS_OUTPUT_NAME: 'chidao', LEPTOS_SITE_PKG_DIR: 'pkg',
      RUST_LOG: 'warn,chidao_server::scale=info,chidao_server::shell=info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
// The server compresses its shell files in the background after start-up, for a few
// seconds of both cores: the office's pages are measured once it has settled, as they are
// met on a server that has been running.
// A site built without its offline shell compresses nothing: a minute is the most to wait.
const settled = new Promise((resolve) => {
  setTimeout(resolve, 60_000).unref();
  server.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    if (chunk.toString().includes('shell precompressed')) resolve();
  });
});
try {
  await waitForServer(base, 30);
  console.log(`province written and server up in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await settled;
  const signIn = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'supervisor', password }),
  });
  const cookie = signIn.headers.get('set-cookie').split(';')[0];
  const answers = [];
  let bytes = 0;
  for (let run = 0; run < 5; run++) {
    const asked = performance.now();
    const body = await (await fetch(`${base}/api/v1/reports/dashboard`, { headers: { cookie } })).text();
    answers.push(performance.now() - asked);
    bytes = body.length;
  }
  console.log(`server's answer, whole province: median ${median(answers).toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KB of JSON`);
  // What the page asks first: the counts whole, the long lists' first rows.
  const firstAnswers = [];
  let firstBytes = 0;
  for (let run = 0; run < 5; run++) {
    const asked = performance.now();
    const body = await (await fetch(`${base}/api/v1/reports/dashboard?rows=30`, { headers: { cookie } })).text();
    firstAnswers.push(performance.now() - asked);
    firstBytes = body.length;
  }
  console.log(`server's answer, first 30 rows of each list: median ${median(firstAnswers).toFixed(0)} ms, ${(firstBytes / 1024).toFixed(0)} KB of JSON`);

  const browser = await chromium.launch(launch);
  const context = await browser.newContext({ ...desk, baseURL: base });
  const [name, value] = cookie.split('=');
  await context.addCookies([{ name, value, url: base }]);
  const page = await context.newPage();
  const drawn = async () => {
    const asked = performance.now();
    await page.goto('/');
    // The office's first page; the tab is there for accounts that start elsewhere.
    const tab = page.getByRole('button', { name: 'Bảng theo dõi', exact: true });
    if (!(await page.getByTestId('dashboard').isVisible())) await tab.click();
    await page.getByTestId('unit-table').locator('tbody tr').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('attention-row').first().waitFor({ timeout: 60_000 });
    return performance.now() - asked;
  };
  const first = await drawn();
  const again = [];
  for (let run = 0; run < 5; run++) again.push(await drawn());
  console.log(`dashboard, request to drawn: first view ${first.toFixed(0)} ms; again (code cached) median ${median(again).toFixed(0)} ms (goal 1 s)`);

  const drills = [];
  for (let run = 0; run < 5; run++) {
    const row = page.getByTestId('attention-row').nth(run);
    const asked = performance.now();
    await row.getByRole('button').click();
    await page.getByTestId('assignment').locator('li, tr').first().waitFor({ timeout: 30_000 });
    drills.push(performance.now() - asked);
    await page.getByTestId('assignment').getByRole('button').first().click();
    await page.getByTestId('assignment').waitFor({ state: 'detached' });
  }
  console.log(`drill-down, click to the unit's checklist drawn: median ${median(drills).toFixed(0)} ms (goal 300 ms)`);
  await browser.close();
  console.log(JSON.stringify({ dashboard_answer_ms: median(answers), dashboard_kb: bytes / 1024, first_rows_answer_ms: median(firstAnswers), first_rows_kb: firstBytes / 1024, dashboard_first_view_ms: first, dashboard_again_ms: median(again), drill_down_ms: median(drills) }));
} finally {
  server.kill('SIGTERM');
  if (!process.env.CHIDAO_PROVINCE_DB) rmSync(folder, { recursive: true, force: true });
}
