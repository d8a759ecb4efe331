import { defineConfig } from '@playwright/test';

// The server under test: the release binary built by `cargo leptos build --release`,
// with a fresh in-memory database and the demo data. scripts/test.sh sets CHIDAO_BIN.
const port = Number(process.env.CHIDAO_E2E_PORT ?? 3100);
const bin = process.env.CHIDAO_BIN;
if (!bin) {
  throw new Error('CHIDAO_BIN must name the built chidao binary (scripts/test.sh sets it)');
}
export const demoPassword = process.env.CHIDAO_DEMO_PASSWORD ?? 'e2e-demo-password';
export const chidaoBin = bin;

// What the server under test is started with; tests that start their own server (a
// deploy, a restart) use the same.
// The quiet demo (the seed directive alone): tests count what they make. The office
// demo, with weeks of work, is started by the tests that walk it.
export const serverEnv = {
  CHIDAO_DEMO_PASSWORD: demoPassword,
  CHIDAO_DEMO_SCOPE: 'seed',
  LEPTOS_SITE_ROOT: 'target/site',
  LEPTOS_OUTPUT_NAME: 'chidao',
  LEPTOS_SITE_PKG_DIR: 'pkg',
  RUST_LOG: 'warn',
};

// Debian's Chromium, headless, without anything that would reach the internet.
export const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

// A tablet held upright in Vietnam: the field officials' device.
export const tablet = {
  viewport: { width: 768, height: 1024 },
  hasTouch: true,
  locale: 'vi-VN',
  timezoneId: 'Asia/Ho_Chi_Minh',
};

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    ...tablet,
    launchOptions,
  },
  projects: [{ name: 'chromium-tablet', use: { browserName: 'chromium' } }],
  webServer: {
    command: `${bin} serve --db mem:// --demo --addr 127.0.0.1:${port}`,
    cwd: '..',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: serverEnv,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
