import { defineConfig } from '@playwright/test';
import { launchOptions } from './playwright.config';

// Not a test suite: scripts/screenshots.sh runs this to redraw the pictures in
// docs/screenshots from the app as it is, each walk on a server of its own.
export default defineConfig({
  testDir: './screenshots',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  use: { launchOptions, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
