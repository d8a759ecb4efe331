import { expect, Locator, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn, ChildProcess } from 'node:child_process';
import { chidaoBin, demoPassword, serverEnv } from '../playwright.config';

export async function signIn(page: Page, username: string, base = '') {
  await page.goto(`${base}/`);
  await fillSignIn(page, username);
}

/** Opens the detailed progress page from the tabs: the office lands on the dashboard. */
export async function openProgress(page: Page) {
  await page.getByRole('button', { name: 'Tiến độ chi tiết', exact: true }).click();
}

/** Signs in through the form already on screen. */
export async function fillSignIn(page: Page, username: string) {
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(demoPassword);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** Sets the field page's list to every task, done or not. */
export async function showAllWork(page: Page) {
  await page.locator('[data-testid="work-filter"][data-filter="All"]').click();
  await expect(page.locator('[data-testid="work-filter"][data-filter="All"]')).toHaveAttribute('aria-pressed', 'true');
}

/** Opens a row of the field page's task list to its checklist, if it is not open. */
export async function openRow(row: Locator) {
  if (!(await row.locator('details').first().evaluate((details: HTMLDetailsElement) => details.open))) {
    await row.locator('summary').first().click();
  }
}

/** Opens every row of the field page's list: closed rows draw no checklist. */
export async function openAllRows(page: Page) {
  // Every row the first exchange brings is there once it is done.
  await expect(page.getByTestId('last-sync')).not.toHaveText('chưa có');
  const rows = page.getByTestId('work-row');
  await expect(rows.first()).toBeVisible();
  for (let index = 0; index < (await rows.count()); index++) await openRow(rows.nth(index));
}

/** Resolves once the page runs under the service worker, its shell fully cached. */
export async function shellInstalled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined);
}

export async function shellCaches(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('chidao-shell-')).sort());
}

/** A chidao server of our own, for tests that deploy or restart it. */
export class OwnServer {
  private child?: ChildProcess;

  constructor(readonly port: number, readonly dataDir: string) {}

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(extraEnv: Record<string, string>) {
    this.child = spawn(chidaoBin, ['serve', '--db', `surrealkv://${this.dataDir}`, '--demo', '--addr', `127.0.0.1:${this.port}`], {
      cwd: '..',
      env: { ...process.env, ...serverEnv, ...extraEnv },
      stdio: 'ignore',
    });
    await expect
      .poll(async () => {
        try {
          return (await fetch(`${this.base}/healthz`)).status;
        } catch {
          return 0;
        }
      }, { timeout: 30_000 })
      .toBe(200);
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** Serious and critical accessibility violations on the page as it stands. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
