import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnServer, openRow, signIn } from '../tests/helpers';

const SIZES = [
  { name: 'tablet-landscape', width: 1024, height: 768 },
  { name: 'tablet-portrait', width: 768, height: 1024 },
  { name: 'phone', width: 390, height: 844 },
];
const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');

test('the field page and the head view at a tablet’s and a phone’s sizes', async ({ browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chidao-shots-'));
  const server = new OwnServer(3120, join(dataDir, 'db'));
  try {
    await server.start({ CHIDAO_DEMO_SCOPE: 'office' });
    for (const size of SIZES) {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, hasTouch: true });
      const page = await context.newPage();
      await signIn(page, 'official', server.base);
      const row = page.getByTestId('work-row').first();
      await expect(row).toBeVisible();
      await page.screenshot({ path: join(OUT, `field-list-${size.name}.png`) });
      await openRow(row);
      await expect(row.getByTestId('checklist-item').first()).toBeVisible();
      await row.getByTestId('checklist-item').nth(1).getByTestId('note-toggle').click();
      await row.locator('summary').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(OUT, `field-checklist-${size.name}.png`) });
      await context.close();
    }
    const office = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const head = await office.newPage();
    await signIn(head, 'head', server.base);
    await expect(head.getByTestId('units-overview')).toBeVisible();
    await head.screenshot({ path: join(OUT, 'head-overview-tablet-landscape.png') });
    await office.close();
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
