import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPassword } from '../playwright.config';
import { fillSignIn, OwnServer, signIn } from './helpers';

const username = 'vanphong-binh-chau';

test('a person with the field page and a desk page stays one device while switching between them offline', async ({ browser }) => {
  // A server of its own, so the ticks here and other tests' ticks do not meet.
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-one-device-'));
  const server = new OwnServer(3103, join(dataDir, 'db'));
  try {
    await server.start({});
    await oneDeviceWhileSwitching(browser, server.base);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function oneDeviceWhileSwitching(browser: import('@playwright/test').Browser, base: string) {
  // An account that is both a commune official and a supervisor, made by an admin.
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await office.newPage();
  await signIn(admin, 'admin', base);
  await expect(admin.getByRole('button', { name: 'Đăng xuất' })).toBeVisible();
  const created = await admin.evaluate(async (username) => {
    const answer = await fetch('/api/v1/admin/accounts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, display_name: 'Cán bộ văn phòng xã Bình Châu', roles: ['official', 'supervisor'], unit: 'XA-BINH-CHAU' }),
    });
    return { status: answer.status, body: await answer.json() };
  }, username);
  expect(created.status).toBe(201);
  await office.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.waitForLoadState('networkidle');
  // The temporary password is changed through the API, so the test starts on the pages.
  const steps = await page.evaluate(
    async ({ username, temporary, password }) => {
      const post = (path: string, body: object) =>
        fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const signedIn = await post('/api/v1/session', { username, password: temporary });
      const changed = await post('/api/v1/session/password', { current_password: temporary, new_password: password });
      const signedOut = await fetch('/api/v1/session', { method: 'DELETE' });
      return [signedIn.status, changed.status, signedOut.status];
    },
    { username, temporary: created.body.temporary_password as string, password: demoPassword },
  );
  expect(steps[0]).toBe(200);
  expect(steps[1]).toBe(200);
  // Afresh, signed out: the page's own session check must not meet the calls above.
  await page.goto(`${base}/`);
  await fillSignIn(page, username);

  // As a supervisor the person sees every commune's checklists; their own unit's they tick.
  const items = page.getByTestId('checklist-item').filter({ has: page.locator('input[type="checkbox"]:enabled') });
  await expect(items).toHaveCount(7);
  await expect(page.getByTestId('last-sync')).not.toHaveText('chưa có');
  const work = page.getByRole('button', { name: 'Công việc' });
  const desk = page.getByRole('button', { name: 'Tiến độ chi tiết' });
  // Once online, so the desk page's chunk is at hand offline.
  await desk.click();
  await expect(page.getByTestId('report-status')).toBeVisible();
  await work.click();
  await expect(items).toHaveCount(7);

  await context.setOffline(true);
  await expect(page.getByTestId('network')).toHaveText('Ngoại tuyến');
  const ticked: string[] = [];
  for (const index of [0, 1, 2]) {
    ticked.push((await items.nth(index).getAttribute('data-item'))!);
    await items.nth(index).locator('input[type="checkbox"]').click();
    await expect(items.nth(index).locator('input[type="checkbox"]')).toBeChecked();
    await desk.click();
    await expect(page.getByTestId('report-status')).toBeVisible();
    await work.click();
    await expect(items.nth(index).locator('input[type="checkbox"]')).toBeChecked();
  }
  await expect(page.getByTestId('pending-count')).toHaveText('3');
  // All three ticks wait in one outbox, under one device id.
  const outboxes = await page.evaluate((username) => {
    return Object.keys(localStorage)
      .filter((key) => key.startsWith(`chidao.user.${username}.outbox.`))
      .map((key) => JSON.parse(localStorage.getItem(key)!))
      .filter((outbox) => outbox.changes.length > 0)
      .map((outbox) => ({ device: outbox.device, devices: outbox.changes.map((change: any) => change.stamp.device), seqs: outbox.changes.map((change: any) => change.seq) }));
  }, username);
  expect(outboxes).toHaveLength(1);
  expect(new Set(outboxes[0].devices)).toEqual(new Set([outboxes[0].device]));
  expect(outboxes[0].seqs).toEqual([1, 2, 3]);

  await context.setOffline(false);
  await expect(page.getByTestId('network')).toHaveText('Trực tuyến');
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  // The server has each tick once, all from that one device.
  const marks = await page.evaluate(async (ticked) => {
    const pulled = await (await fetch('/api/v1/sync/pull?since=0')).json();
    return pulled.items.filter((item: any) => ticked.includes(item.id) && item.done).map((item: any) => item.done_mark.stamp.device);
  }, ticked);
  expect(marks).toHaveLength(3);
  expect(new Set(marks)).toEqual(new Set([outboxes[0].device]));
  await context.close();
}
