import { test, expect } from '@playwright/test';
import { signIn, openRow, openAllRows } from './helpers';

// Runs last (file order): it adds work to Bình Thạnh, whose checklist other files count.
const summary = `Một số nội dung chỉ đạo của UBND tỉnh về an toàn giao thông dịp khai giảng
06/09/2022
Bảo đảm an toàn giao thông quanh trường học
Giao UBND xã Bình Thạnh chủ trì, phối hợp với Công an tỉnh rà soát các điểm giao cắt trước cổng trường, báo cáo trước ngày 30/9/2022 theo Kế hoạch số 68/KH-UBND ngày 26/4/2022.
Tổ chức lực lượng hướng dẫn học sinh qua đường
Sở Khoa học và Công nghệ phối hợp với các cơ quan liên quan hướng dẫn học sinh qua đường giờ tan học.
`;

test('a supervisor turns pasted text into a directive, corrects it beside the source, and the commune tablet gets the checklist', async ({ browser }) => {
  const office = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const desk = await office.newPage();
  await signIn(desk, 'supervisor');
  await desk.getByRole('button', { name: 'Soạn chỉ đạo' }).click();
  await desk.locator('input[name="directive-file"]').setInputFiles({ name: 'chi-dao.txt', mimeType: 'text/plain', buffer: Buffer.from(summary) });
  await expect(desk.locator('textarea[name="directive-text"]')).toHaveValue(summary);
  await desk.getByTestId('read-directive').click();

  await expect(desk.locator('input[name="title"]')).toHaveValue('Một số nội dung chỉ đạo của UBND tỉnh về an toàn giao thông dịp khai giảng');
  await expect(desk.locator('input[name="issued-on"]')).toHaveValue('2022-09-06');
  await expect(desk.locator('input[name="documents"]')).toHaveValue('68/KH-UBND');
  await expect(desk.locator('select[name="task-0-0-lead"]')).toHaveValue('XA-BINH-THANH');
  await expect(desk.locator('input[name="task-0-0-deadline"]')).toHaveValue('2022-09-30');
  await desk.locator('textarea[name="task-0-0-checklist"]').fill('Rà soát điểm giao cắt trước cổng trường\nGửi báo cáo cho UBND tỉnh');

  // The second task's lead is not in the tree: publishing is refused and says where.
  await expect(desk.locator('select[name="task-1-0-lead"]')).toHaveValue('');
  await expect(desk.getByTestId('task-form').nth(1)).toContainText('Sở Khoa học và Công nghệ');
  await desk.getByTestId('publish-directive').click();
  await expect(desk.getByTestId('compose-outcome').locator('li[data-path="sections[1].tasks[0].lead"]')).toContainText('Mục 2 · nhiệm vụ 1 · Đơn vị chủ trì: chưa có đơn vị chủ trì');
  await desk.locator('select[name="task-1-0-lead"]').selectOption('CA-TINH');
  await desk.locator('select[name="task-1-0-assigned"]').selectOption(['XA-BINH-THANH']);
  await desk.locator('textarea[name="task-1-0-checklist"]').fill('Bố trí người hướng dẫn giờ tan học');
  await desk.getByTestId('publish-directive').click();
  await expect(desk.getByTestId('compose-outcome')).toContainText('Đã ban hành: 2 nhiệm vụ, 3 mục kiểm tra');

  const tablet = await browser.newContext();
  const field = await tablet.newPage();
  await signIn(field, 'official3');
  await openAllRows(field);
  await expect(field.getByTestId('checklist-item')).toHaveCount(10);
  await expect(field.getByTestId('work-row').filter({ hasText: 'Một số nội dung chỉ đạo của UBND tỉnh về an toàn giao thông dịp khai giảng' }).first()).toBeVisible();
  const guide = field.getByTestId('checklist-item').filter({ hasText: 'Bố trí người hướng dẫn giờ tan học' });
  await expect(guide).toHaveCount(1);
  await openRow(field.getByTestId('work-row').filter({ has: guide }));
  await guide.locator('input[type="checkbox"]').click();
  await expect(field.getByTestId('pending-count')).toHaveText('0', { timeout: 20_000 });

  // A later edit: the ticked item is replaced; the tablet drops it and gets the new one.
  await desk.locator('select[name="published"]').selectOption({ label: 'Một số nội dung chỉ đạo của UBND tỉnh về an toàn giao thông dịp khai giảng' });
  await desk.getByTestId('open-directive').click();
  await expect(desk.locator('textarea[name="task-1-0-checklist"]')).toHaveValue('Bố trí người hướng dẫn giờ tan học');
  await desk.locator('textarea[name="task-1-0-checklist"]').fill('Phân công đoàn viên hướng dẫn học sinh qua đường');
  await desk.getByTestId('publish-directive').click();
  await expect(desk.getByTestId('compose-outcome')).toContainText('Đã lưu thay đổi: +1 / −1');

  await field.getByTestId('sync-now').click();
  await expect(field.getByTestId('checklist-item').filter({ hasText: 'Phân công đoàn viên hướng dẫn học sinh qua đường' })).toHaveCount(1, { timeout: 20_000 });
  await expect(guide).toHaveCount(0);
  await openAllRows(field);
  await expect(field.getByTestId('checklist-item')).toHaveCount(10);
  await Promise.all([office.close(), tablet.close()]);
});

test('a supervisor writes a directive from nothing: sections, tasks and units chosen by hand', async ({ browser }) => {
  const office = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const desk = await office.newPage();
  await signIn(desk, 'supervisor');
  // A slow network: the unit tree arrives after the blank directive is opened.
  await desk.route('**/api/v1/units', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  await desk.getByRole('button', { name: 'Soạn chỉ đạo' }).click();
  await desk.getByTestId('blank-directive').click();
  // The issuer is the province, filled in once the unit tree has arrived.
  await expect(desk.locator('input[name="issuer"]')).toHaveValue('UBND tỉnh Quảng Ngãi');
  await desk.locator('input[name="title"]').fill('Chỉ đạo kiểm tra phòng cháy tại trụ sở xã');
  await desk.locator('input[name="issued-on"]').fill('2022-10-03');
  await desk.locator('input[name="heading-0"]').fill('Phòng cháy, chữa cháy');
  await desk.locator('textarea[name="task-0-0-text"]').fill('Kiểm tra bình chữa cháy và lối thoát nạn tại trụ sở');
  await desk.locator('select[name="task-0-0-lead"]').selectOption('XA-BINH-THANH');
  await desk.locator('select[name="task-0-0-coordinating"]').selectOption(['CA-TINH']);
  await desk.locator('textarea[name="task-0-0-checklist"]').fill('Kiểm tra bình chữa cháy\nThông lối thoát nạn');
  await desk.getByTestId('add-task').click();
  await expect(desk.getByTestId('task-form')).toHaveCount(2);
  await desk.getByTestId('remove-task').nth(1).click();
  await expect(desk.getByTestId('task-form')).toHaveCount(1);
  await desk.getByTestId('publish-directive').click();
  await expect(desk.getByTestId('compose-outcome')).toContainText('Đã ban hành: 1 nhiệm vụ, 2 mục kiểm tra');

  const tablet = await browser.newContext();
  const field = await tablet.newPage();
  await signIn(field, 'official3');
  await openAllRows(field);
  await expect(field.getByTestId('checklist-item')).toHaveCount(12);
  await expect(field.getByText('Kiểm tra bình chữa cháy và lối thoát nạn tại trụ sở')).toBeVisible();
  await Promise.all([office.close(), tablet.close()]);
});

test('the compose page marks each task where it was read, asks for a missing issue date, and speaks in words', async ({ browser }) => {
  const office = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const desk = await office.newPage();
  await signIn(desk, 'supervisor');
  await desk.getByRole('button', { name: 'Soạn chỉ đạo' }).click();
  // No date line, two subjects in one sentence, a deadline by occasion, a monthly report.
  await desk.locator('textarea[name="directive-text"]').fill(`Chỉ đạo về phòng chống dịch sốt xuất huyết
Sở Y tế chủ trì kiểm tra các cơ sở khám bệnh; Công an tỉnh phối hợp với Sở Y tế xử lý vi phạm, hoàn thành trước Tết Nguyên đán. UBND huyện Bình Sơn báo cáo kết quả vào ngày 20 hằng tháng.
`);
  await desk.getByTestId('read-directive').click();
  await expect(desk.getByTestId('task-form')).toHaveCount(3);
  await expect(desk.locator('select[name="task-0-1-lead"]')).toHaveValue('CA-TINH');

  // The source as read, each task's clause marked; a mark shows its task, a task its mark.
  const marks = desk.getByTestId('source-as-read').locator('mark.clause');
  await expect(marks).toHaveCount(3);
  await expect(marks.nth(1)).toHaveText('Công an tỉnh phối hợp với Sở Y tế xử lý vi phạm, hoàn thành trước Tết Nguyên đán.');
  await marks.nth(1).click();
  await expect(desk.locator('.task-form[data-task="1.2"]')).toHaveClass(/current/);
  await expect(marks.nth(1)).toHaveClass(/current/);
  await desk.locator('textarea[name="task-0-2-text"]').focus();
  await expect(desk.locator('mark.clause[data-tasks="1.3"]')).toHaveClass(/current/);
  await expect(marks.nth(1)).not.toHaveClass(/current/);

  // The deadline by occasion is shown as written; no date is invented.
  await expect(desk.locator('.task-form[data-task="1.2"]').getByTestId('deadline-occasion')).toContainText('“trước Tết Nguyên đán”');
  await expect(desk.locator('input[name="task-0-1-deadline"]')).toHaveValue('');

  // The recurrence in words, with the day due in each month.
  await expect(desk.locator('select[name="task-0-2-cycle"]')).toHaveValue('monthly');
  await expect(desk.locator('select[name="task-0-2-cycle"] option:checked')).toHaveText('Hằng tháng');
  await expect(desk.locator('input[name="task-0-2-due-day"]')).toHaveValue('20');
  await desk.locator('select[name="task-0-2-cycle"]').selectOption('quarterly');
  await expect(desk.locator('input[name="task-0-2-due-day"]')).toHaveValue('20');
  await expect(desk.locator('select[name="task-0-1-cycle"]')).toHaveValue('');

  // Units are found by abbreviation and shown in the tree; a chosen one stays chosen.
  const assigned = desk.locator('select[name="task-0-0-assigned"]');
  await assigned.selectOption(['XA-BINH-THANH']);
  await desk.locator('input[name="task-0-0-find-unit"]').fill('Sở TTTT');
  await expect(assigned.locator('option[value="SO-TTTT"]')).toHaveJSProperty('hidden', false);
  await expect(assigned.locator('option[value="SO-YT"]')).toHaveJSProperty('hidden', true);
  await expect(assigned.locator('option[value="XA-BINH-THANH"]')).toHaveJSProperty('selected', true);
  await expect(assigned.locator('option[value="XA-BINH-THANH"]')).toHaveText(/^\u00a0{6}UBND xã Bình Thạnh$/);

  // No issue date in the text: the date stays empty and publishing waits for one.
  await expect(desk.locator('input[name="issued-on"]')).toHaveValue('');
  await expect(desk.getByTestId('issue-date-asked')).toBeVisible();
  await expect(desk.getByTestId('publish-directive')).toBeDisabled();
  await desk.locator('input[name="issued-on"]').fill('2026-11-30');
  await expect(desk.getByTestId('issue-date-asked')).toBeHidden();
  await expect(desk.getByTestId('publish-directive')).toBeEnabled();

  // Back to the text to correct it.
  await desk.getByTestId('edit-source').click();
  await expect(desk.locator('textarea[name="directive-text"]')).toHaveValue(/^Chỉ đạo về phòng chống dịch/);
  await office.close();
});

test('no page trips the content security policy', async ({ browser }) => {
  const violations: string[] = [];
  const visit = async (username: string, tabs: string[]) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(`${username}: ${message.text()}`);
    });
    await signIn(page, username);
    await expect(page.getByTestId('sign-out')).toBeVisible();
    for (const tab of tabs) {
      await page.getByRole('button', { name: tab, exact: true }).click();
    }
    // Photos shown from IndexedDB are blob: URLs, and the thumbnails on the progress page.
    // The dashboard's live stream can keep the network from ever going idle, so the wait
    // is bounded: what loads within it has been checked.
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
    await context.close();
  };
  await visit('official', []);
  await visit('supervisor', ['Soạn chỉ đạo', 'Bảng theo dõi', 'Tiến độ chi tiết']);
  await visit('head', ['Bảng theo dõi']);
  await visit('admin', []);
  expect(violations).toEqual([]);
});
