// Measures the offline shell of a built chidao (CHIDAO_BIN, site in target/site) in
// Debian's Chromium: what a first visit transfers (as served, brotli), offline reload to
// interactive, and tap to browser storage. Prints numbers and a JSON line; asserts nothing.
import { chromium } from '@playwright/test';
import { launch, median, waitForServer } from './measure-lib.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = 3200;
const base = `http://127.0.0.1:${port}`;
const password = 'measure-password';
const tablet = { viewport: { width: 768, height: 1024 }, hasTouch: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };


/** Bytes on the wire for `path` when the client accepts brotli. */
function servedSize(path) {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers: { 'accept-encoding': 'br' } }, (response) => {
      let size = 0;
      response.on('data', (chunk) => (size += chunk.length));
      response.on('end', () =>
        resolve({ path, size, encoding: response.headers['content-encoding'] ?? 'none', precompressed: 'content-length' in response.headers }),
      );
    }).on('error', reject);
  });
}

async function interactiveAfter(page, navigate) {
  await navigate();
  await page.waitForFunction(() => performance.getEntriesByName('chidao:interactive').length > 0, null, { timeout: 30_000 });
  return page.evaluate(() => performance.getEntriesByName('chidao:interactive')[0].startTime);
}

const server = spawn(process.env.CHIDAO_BIN, ['serve', '--db', 'mem://', '--demo', '--addr', `127.0.0.1:${port}`], {
  env: { ...process.env, CHIDAO_DEMO_PASSWORD: password, LEPTOS_SITE_ROOT: 'target/site', LEPTOS_OUTPUT_NAME: 'chidao', LEPTOS_SITE_PKG_DIR: 'pkg', RUST_LOG: 'warn' },
  stdio: 'ignore',
});
const profile = mkdtempSync(join(tmpdir(), 'chidao-measure-'));
try {
  await waitForServer(base, 5);
  // The server compresses the shell at its best in the background after start-up; until
  // then it compresses per request, less well. Measure what a visit gets once it is ready.
  for (let attempt = 0; attempt < 60 && !(await servedSize('/pkg/chidao.wasm')).precompressed; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const worker = await (await fetch(`${base}/sw.js`)).text();
  const files = ['/', ...JSON.parse(worker.match(/const SHELL_FILES = (.*);/)[1])];
  const served = await Promise.all(files.map(servedSize));
  const shellBytes = served.reduce((sum, file) => sum + file.size, 0);
  for (const file of served) console.log(`  ${file.path.padEnd(28)} ${String(file.size).padStart(8)} B  ${file.encoding}`);
  console.log(`shell as served with brotli: ${(shellBytes / 1024).toFixed(1)} KB (goal 250 KB)`);
  // Not part of the shell: the supervisors' and admins' pages, fetched when opened.
  const pages = JSON.parse(worker.match(/const ON_DEMAND_PAGES = (.*);/)[1]);
  const chunkSizes = new Map((await Promise.all(JSON.parse(worker.match(/const ON_DEMAND_FILES = (.*);/)[1]).map(servedSize))).map((file) => [file.path, file.size]));
  for (const [name, files] of Object.entries(pages)) {
    const bytes = files.reduce((sum, path) => sum + (chunkSizes.get(path) ?? 0), 0);
    console.log(`  on demand: ${name.padEnd(10)} ${(bytes / 1024).toFixed(1)} KB brotli (${files.length} chunks)`);
  }

  let context = await chromium.launchPersistentContext(profile, { ...tablet, ...launch, baseURL: base });
  let page = context.pages()[0] ?? (await context.newPage());
  await page.goto('/');
  await page.locator('input[name="username"]').fill('official');
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByTestId('work-row').first().waitFor();
  await page.waitForFunction(() => !!navigator.serviceWorker?.controller);
  await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === '0');

  await context.setOffline(true);
  const reloads = [];
  for (let run = 0; run < 7; run++) reloads.push(await interactiveAfter(page, () => page.reload()));
  await context.close();
  const coldStarts = [];
  for (let run = 0; run < 3; run++) {
    context = await chromium.launchPersistentContext(profile, { ...tablet, ...launch, baseURL: base, offline: true });
    page = context.pages()[0] ?? (await context.newPage());
    coldStarts.push(await interactiveAfter(page, () => page.goto('/')));
    await context.close();
  }
  console.log(`offline reload to interactive: median ${median(reloads).toFixed(0)} ms (runs: ${reloads.map((t) => t.toFixed(0)).join(', ')})`);
  console.log(`offline start after closing the browser: median ${median(coldStarts).toFixed(0)} ms (runs: ${coldStarts.map((t) => t.toFixed(0)).join(', ')})`);

  context = await chromium.launchPersistentContext(profile, { ...tablet, ...launch, baseURL: base, offline: true });
  page = context.pages()[0] ?? (await context.newPage());
  await interactiveAfter(page, () => page.goto('/'));
  const row = page.getByTestId('work-row').first();
  if (!(await row.locator('details').first().evaluate((details) => details.open))) await row.locator('summary').first().click();
  const box = row.getByTestId('checklist-item').nth(1).locator('input[type="checkbox"]');
  for (let tap = 0; tap < 21; tap++) await box.tap();
  const taps = await page.evaluate(() => performance.getEntriesByName('chidao:tap-to-storage').map((entry) => entry.duration));
  await context.close();
  console.log(`tap to browser storage: median ${median(taps).toFixed(1)} ms, max ${Math.max(...taps).toFixed(1)} ms over ${taps.length} taps (goal 16 ms)`);
  console.log(JSON.stringify({ shell_brotli_bytes: shellBytes, offline_reload_ms: median(reloads), offline_cold_start_ms: median(coldStarts), tap_to_storage_ms: median(taps), tap_to_storage_max_ms: Math.max(...taps) }));
} finally {
  server.kill('SIGTERM');
  rmSync(profile, { recursive: true, force: true });
}
