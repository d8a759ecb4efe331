import { test, expect, Browser } from '@playwright/test';
import { fillSignIn, openProgress, signIn, showAllWork } from './helpers';

async function adminPage(browser: Browser) {
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await office.newPage();
  await signIn(page, 'admin');
  await expect(page.getByTestId('admin-page')).toBeVisible();
  await expect(page.getByTestId('unit-list').locator('tr[data-unit="XA-BINH-CHAU"]')).toBeVisible();
  return { office, page };
}

test('an admin imports units from a file: a bad row stops it all and says where, a good file lands', async ({ browser }) => {
  const { office, page } = await adminPage(browser);
  const bad = 'code,name,kind,parent_code\nXA-BINH-HAI,UBND xã Bình Hải,commune,HUYEN-BINH-SON\nXA-BINH-DUONG,UBND xã Bình Dương,village,HUYEN-BINH-SON\n';
  await page.locator('input[name="units-file"]').setInputFiles({ name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await expect(page.locator('textarea[name="units-csv"]')).toHaveValue(bad);
  await page.getByTestId('import-units').click();
  const report = page.getByTestId('admin-outcome');
  await expect(report).toContainText('Tệp có lỗi, chưa nhập dòng nào');
  await expect(report.locator('tr', { hasText: 'XA-BINH-DUONG' })).toContainText('3');
  // Said in Vietnamese: the kind must be one of the four, whatever the file wrote.
  await expect(report.locator('[data-problem="bad_kind"]')).toContainText('Loại đơn vị phải là tỉnh, sở, huyện hoặc xã');
  await expect(page.locator('tr[data-unit="XA-BINH-HAI"]')).toHaveCount(0);

  // Text that would run as script if pasted into HTML is shown as written.
  const hostile = '<img src=x onerror="window.__pwned=1">';
  const good = `code,name,kind,parent_code\nXA-BINH-HAI,UBND xã Bình Hải,commune,HUYEN-BINH-SON\nXA-BINH-DUONG,"${hostile.replace(/"/g, '""')}",commune,HUYEN-BINH-SON\n`;
  await page.locator('textarea[name="units-csv"]').fill(good);
  await page.getByTestId('import-units').click();
  await expect(report).toContainText('2 đơn vị đã được thêm hoặc cập nhật');
  await expect(page.locator('tr[data-unit="XA-BINH-DUONG"] .unit-name')).toHaveText(hostile);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await office.close();
});

test('an admin creates an account; its owner signs in with the temporary password and must set their own', async ({ browser }) => {
  const { office, page } = await adminPage(browser);
  await page.locator('input[name="account-username"]').fill('canbo.moi');
  await page.locator('input[name="account-display-name"]').fill('Cán bộ mới xã Bình Châu');
  await page.locator('select[name="account-unit"]').selectOption('XA-BINH-CHAU');
  await page.getByRole('button', { name: 'Lưu', exact: true }).click();
  const temporary = (await page.getByTestId('temporary-password').textContent())!.trim();
  expect(temporary).toHaveLength(16);
  const row = page.locator('tr[data-account="canbo.moi"]');
  await expect(row).toContainText('Chưa đăng nhập');

  const tablet = await browser.newContext();
  const field = await tablet.newPage();
  await field.goto('/');
  await field.locator('input[name="username"]').fill('canbo.moi');
  await field.locator('input[name="password"]').fill(temporary);
  await field.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(field.getByTestId('password-page')).toContainText('mật khẩu tạm thời');
  await expect(field.getByTestId('checklist-item')).toHaveCount(0);
  await field.locator('input[name="current-password"]').fill(temporary);
  await field.locator('input[name="new-password"]').fill('Bình Châu 2022');
  await field.getByTestId('password-page').getByRole('button', { name: 'Đổi mật khẩu' }).click();
  await expect(field.getByTestId('checklist-item')).toHaveCount(7);

  // The admin sees the sign-in, then disables the account.
  await page.reload();
  await expect(row).not.toContainText('Chưa đăng nhập');
  await row.getByTestId('toggle-account').click();
  await expect(row).toContainText('Đã khoá');
  await field.goto('/');
  await field.locator('input[name="username"]').fill('canbo.moi');
  await field.locator('input[name="password"]').fill('Bình Châu 2022');
  await field.getByRole('button', { name: 'Đăng nhập' }).click();
  // Said as for a wrong password: the answer tells nobody which accounts exist or are disabled.
  await expect(field.getByRole('alert')).toHaveText('Sai tên đăng nhập hoặc mật khẩu.');
  await tablet.close();
  await office.close();
});

test('a tablet signed out everywhere while offline keeps its ticks and sends them after signing in again', async ({ browser }) => {
  const tablet = await browser.newContext();
  const page = await tablet.newPage();
  await signIn(page, 'official3');
  await expect(page.getByTestId('checklist-item')).toHaveCount(7);
  await tablet.setOffline(true);
  await page.getByTestId('checklist-item').nth(2).locator('input[type="checkbox"]').click();
  await expect(page.getByTestId('pending-count')).toHaveText('1');

  // From the office computer, the same person ends every session.
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await office.newPage();
  await signIn(desk, 'official3');
  await desk.getByTestId('account-settings').click();
  await desk.getByTestId('sign-out-everywhere').click();
  await expect(desk.locator('input[name="username"]')).toBeVisible();
  await office.close();

  await tablet.setOffline(false);
  const banner = page.getByRole('alert').filter({ hasText: 'Phiên đăng nhập đã hết hạn' });
  await expect(banner).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('pending-count')).toHaveText('1');
  await banner.getByRole('button', { name: 'Đăng nhập' }).click();
  await fillSignIn(page, 'official3');
  await expect(page.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });
  await expect(page.getByTestId('checklist-item').nth(2).locator('input[type="checkbox"]')).toBeChecked();
  await tablet.close();
});

test('a district head signs off a commune report; the commune and the supervisor see it', async ({ browser }) => {
  const district = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const head = await district.newPage();
  await signIn(head, 'head');
  // Bình Châu's checklist may be finished by the tests before: all work, not what is left.
  await showAllWork(head);
  await expect(head.getByTestId('checklist-item')).toHaveCount(14);
  // Bình Thạnh's checklist is not finished: the head is shown what is open, and decides.
  const thanh = head.getByTestId('sign-off').nth(1);
  await thanh.getByTestId('sign-off-report').click();
  const confirm = thanh.getByTestId('sign-off-confirm');
  await expect(confirm).toBeVisible();
  const open = await confirm.locator('li').count();
  expect(open).toBeGreaterThan(0);
  await expect(thanh.getByTestId('report-signed-off')).toHaveCount(0);
  await confirm.getByRole('button', { name: 'Huỷ', exact: true }).click();
  await expect(confirm).toHaveCount(0);
  await expect(thanh.getByTestId('report-signed-off')).toHaveCount(0);
  await thanh.getByTestId('sign-off-report').click();
  await thanh.getByTestId('sign-off-anyway').click();
  await expect(thanh.getByTestId('report-signed-off')).toContainText(`${open} mục chưa xong khi xác nhận`);
  await thanh.getByTestId('sign-off-report').click();
  await expect(thanh.getByTestId('report-signed-off')).toHaveCount(0);

  // Bình Châu's may be finished by the tests before (then nothing is asked) or not.
  const chau = head.getByTestId('sign-off').first();
  await chau.getByTestId('sign-off-report').click();
  await expect(chau.getByTestId('report-signed-off').or(chau.getByTestId('sign-off-confirm'))).toBeVisible();
  if (await chau.getByTestId('sign-off-confirm').isVisible()) await chau.getByTestId('sign-off-anyway').click();
  await expect(chau.getByTestId('report-signed-off')).toContainText('Đã báo cáo · head');
  await expect(head.getByTestId('sign-off').nth(1).getByTestId('report-signed-off')).toHaveCount(0);

  const commune = await browser.newContext();
  const field = await commune.newPage();
  await signIn(field, 'official');
  await expect(field.getByTestId('report-signed-off')).toContainText('Đã báo cáo · head');
  await expect(field.getByTestId('sign-off-report')).toHaveCount(0);

  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await office.newPage();
  await signIn(desk, 'supervisor');
  await openProgress(desk);
  const row = desk.locator('[data-testid="unit-progress"][data-unit="XA-BINH-CHAU"]');
  await expect(row.getByTestId('report-signed-off')).toContainText('head');
  await expect(desk.locator('[data-testid="unit-progress"][data-unit="XA-BINH-THANH"]').getByTestId('report-signed-off')).toHaveCount(0);
  await Promise.all([district.close(), commune.close(), office.close()]);
});
