import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

// A commune's tablet is shared: what one official leaves must not let the next act as them.

test('a sign-out made offline still ends the session once the network is back', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'official');
  await expect(page.getByTestId('checklist-item').first()).toBeVisible();
  await expect(page.getByTestId('network')).toHaveText('Trực tuyến');

  await context.setOffline(true);
  await expect(page.getByTestId('network')).toHaveText('Ngoại tuyến');
  await page.getByTestId('sign-out').click();
  await expect(page.locator('input[name="username"]')).toBeVisible();

  // Back online, the page is opened again: nobody is signed in, whatever the cookie says,
  // and the server has ended the session the cookie named.
  await context.setOffline(false);
  await page.reload();
  await expect(page.locator('input[name="username"]')).toBeVisible();
  await expect(page.getByTestId('unit-name')).toHaveCount(0);
  await expect.poll(async () => (await page.request.get('/api/v1/session')).status(), { timeout: 15_000 }).toBe(401);
  await expect(page.getByTestId('unit-name')).toHaveCount(0);
  await context.close();
});

test('the connection pill says what the last exchange with the server showed', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'official');
  await expect(page.getByTestId('network')).toHaveText('Trực tuyến');

  // Wi-Fi without internet: the browser believes it is online, the server cannot be reached.
  await page.route('**/api/v1/sync/**', (route) => route.abort('internetdisconnected'));
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('network')).toHaveText('Ngoại tuyến');
  expect(await page.evaluate(() => navigator.onLine)).toBe(true);

  await page.unroute('**/api/v1/sync/**');
  await page.getByTestId('sync-now').click();
  await expect(page.getByTestId('network')).toHaveText('Trực tuyến');
  await context.close();
});
