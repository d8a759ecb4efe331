import { test, expect, Page } from '@playwright/test';
import { openProgress, shellInstalled, signIn } from './helpers';

/** A 3000×2000 PNG drawn by the browser itself: larger than a stored photo may be. */
async function largePicture(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(3000, 2000);
    const draw = canvas.getContext('2d')!;
    draw.fillStyle = '#2f7d4f';
    draw.fillRect(0, 0, 3000, 2000);
    draw.fillStyle = '#ffffff';
    draw.fillRect(400, 300, 1200, 800);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

test('a photo taken offline is kept, shown at once, sent once, and the supervisor sees it', async ({ browser }) => {
  const field = await browser.newContext();
  const page = await field.newPage();
  await signIn(page, 'official3');
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  // The reload below is offline: the shell must be in place first.
  await shellInstalled(page);
  const item = page.getByTestId('checklist-item').nth(3);
  const picture = await largePicture(page);

  await field.setOffline(true);
  await item.getByTestId('photos-toggle').click();
  await item.getByTestId('add-photo').setInputFiles({ name: 'bien-bao.png', mimeType: 'image/png', buffer: picture });
  const photo = item.getByTestId('photo');
  await expect(photo).toHaveCount(1);
  await expect(photo).toHaveAttribute('data-state', 'waiting');
  await expect(page.getByTestId('photos-waiting')).toHaveText('1');
  // Shown from browser storage, already shrunk to 1600 px on its longest side.
  const size = await photo.locator('img').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });
  expect(size).toEqual([1600, 1067]);
  // A reload offline still shows it: it lives in IndexedDB.
  await page.reload();
  await expect(item.getByTestId('unsent')).toBeVisible();
  await expect(item.getByTestId('photos-toggle')).toHaveText('1 ảnh');
  await item.getByTestId('photos-toggle').click();
  await expect(item.getByTestId('photo')).toHaveAttribute('data-state', 'waiting');

  await field.setOffline(false);
  await expect(item.getByTestId('photo')).toHaveAttribute('data-state', 'uploaded', { timeout: 20_000 });
  const id = await item.getByTestId('photo').getAttribute('data-photo');
  expect(id).toMatch(/^[0-9a-f]{64}$/);

  // The same picture again, from the page and straight to the API: still one photo.
  await item.getByTestId('add-photo').setInputFiles({ name: 'bien-bao.png', mimeType: 'image/png', buffer: picture });
  const stored = await page.request.get(`/api/v1/photos/${id}`);
  expect(stored.status()).toBe(200);
  expect(stored.headers()['content-type']).toBe('image/jpeg');
  const again = await page.request.put(`/api/v1/photos/${id}?item=${await itemId(page, 3)}`, {
    headers: { 'content-type': 'image/jpeg' },
    data: await stored.body(),
  });
  expect(again.status()).toBe(200);
  expect((await again.json()).photos).toHaveLength(1);
  await expect(item.getByTestId('photo')).toHaveCount(1);

  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const supervisor = await office.newPage();
  await signIn(supervisor, 'supervisor');
  await openProgress(supervisor);
  const row = supervisor.locator('[data-testid="unit-progress"][data-unit="XA-BINH-THANH"]');
  await row.locator('summary').click();
  const evidence = row.getByTestId('evidence');
  await expect(evidence).toHaveCount(1);
  await expect(evidence).toHaveAttribute('data-photo', id!);
  expect(await evidence.locator('img').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return img.naturalWidth;
  })).toBe(1600);
  await Promise.all([field.close(), office.close()]);
});

test('a file that is not a picture, or one too large, is refused with a clear message', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'official3');
  const item = page.getByTestId('checklist-item').nth(4);
  await expect(page.getByTestId('pending-count')).toHaveText('0');

  await item.getByTestId('photos-toggle').click();
  await item.getByTestId('add-photo').setInputFiles({ name: 'bien-ban.txt', mimeType: 'text/plain', buffer: Buffer.from('Biên bản kiểm tra') });
  await expect(page.getByTestId('sync-problem')).toHaveText('Tệp đã chọn không phải là ảnh.');
  await expect(item.getByTestId('photo')).toHaveCount(0);

  // Past the browser's own checks, the server refuses what is not a photo or too large.
  const target = `/api/v1/photos/${'0'.repeat(64)}?item=${await itemId(page, 4)}`;
  const notImage = await page.request.put(target, { headers: { 'content-type': 'image/jpeg' }, data: Buffer.from('not an image') });
  expect(notImage.status()).toBe(422);
  expect((await notImage.json()).message).toBe('this file is not a JPEG, PNG or WebP image');
  const huge = await page.request.put(target, { headers: { 'content-type': 'image/jpeg' }, data: Buffer.alloc(3 * 1024 * 1024) });
  expect(huge.status()).toBe(413);
  expect((await huge.json()).message).toBe('the request body is larger than 2097152 bytes');
  await context.close();
});

/** The id of the checklist item at `index` on the page. */
async function itemId(page: Page, index: number): Promise<string> {
  return (await page.getByTestId('checklist-item').nth(index).getAttribute('data-item'))!;
}
