// What the measuring scripts share: Debian's Chromium launched without anything that
// reaches the internet, the median, and waiting for a server of our own to answer.

export const launch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Resolves once `base` answers its health check; gives up after `minutes`. */
export async function waitForServer(base, minutes = 1) {
  for (let attempt = 0; attempt < minutes * 120; attempt++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the server did not start');
}
