// The same 10,000 changes from 100 devices, replicated the CouchDB way: each device's local
// PouchDB (in memory) replicates to a pouchdb-server (in memory) on loopback, all at once.
// Prints one JSON line.
const { spawn } = require('child_process');
const crypto = require('crypto');
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-replication'));

const DEVICES = 100;
const CHANGES_PER_DEVICE = 100;
const BATCH = 100;
const port = Number(process.env.POUCH_PORT ?? 5986);

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

(async () => {
  const server = spawn(require.resolve('pouchdb-server/bin/pouchdb-server'), ['--in-memory', '--port', String(port)], { stdio: 'ignore' });
  try {
    await waitFor(`http://127.0.0.1:${port}/`);
    const remote = `http://127.0.0.1:${port}/changes`;
    await fetch(remote, { method: 'PUT' });
    const devices = [];
    for (let d = 0; d < DEVICES; d++) {
      const local = new PouchDB(`device-${d}`, { adapter: 'memory' });
      const device = crypto.randomUUID();
      const docs = [];
      for (let n = 0; n < CHANGES_PER_DEVICE; n++) {
        docs.push({
          _id: crypto.randomUUID(),
          item: crypto.randomUUID(),
          seq: n + 1,
          stamp: { wall_ms: 1700000000000 + n, counter: 0, device },
          field: n % 2 === 0 ? 'done' : 'note',
          value: n % 2 === 0 ? true : 'đã kiểm tra',
        });
      }
      await local.bulkDocs(docs);
      devices.push(local);
    }
    const started = process.hrtime.bigint();
    await Promise.all(devices.map((local) => local.replicate.to(remote, { batch_size: BATCH })));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const info = await (await fetch(remote)).json();
    if (info.doc_count !== DEVICES * CHANGES_PER_DEVICE) throw new Error(`replicated ${info.doc_count} documents`);
    console.log(JSON.stringify({ pouchdb_changes_per_s: (DEVICES * CHANGES_PER_DEVICE) / seconds, pouchdb_seconds: seconds }));
  } finally {
    server.kill();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
