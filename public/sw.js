// Chidao's service worker: keeps the app shell (the page, its wasm, JS, CSS, manifest and
// icons) so the app starts with no network. The server prepends `SHELL_VERSION`, derived
// from the shell's files, and `SHELL_FILES`, their paths, when it serves this script, so
// every deploy is a new worker with its own cache: the page and the wasm it loads always
// come from one set. `ON_DEMAND_FILES` are the wasm chunks of the supervisors' and admins'
// pages: a field tablet never needs them, so they are cached when first fetched, into the
// same versioned cache, rather than at install. A page under this worker also names the
// pages its person may open (message `{ keep: [...] }`, keys of `ON_DEMAND_PAGES`), and
// their chunks are fetched then: a supervisor's desk works offline from the first visit.
//
// A new worker installs beside the old one and waits. The page tells it to take over
// (message "activate") when the outbox is empty or the person agrees; the data the page
// keeps in browser storage is never touched here.
/* global SHELL_VERSION, SHELL_FILES, ON_DEMAND_FILES, ON_DEMAND_PAGES */

const CACHE_PREFIX = 'chidao-shell-';
const CACHE = CACHE_PREFIX + SHELL_VERSION;
// The page itself, and every file of the built site (the server lists them).
const SHELL = ['/', ...SHELL_FILES];
// Paths the app calls or that must reach the server as they are: never answered from the
// shell cache.
const PASS_THROUGH = ['/api/', '/healthz', '/sw.js'];

self.addEventListener('install', (event) => {
  // All or nothing: if one file fails, this version is not installed and the old one stays.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// A chunk fetched now must belong to this worker's version: after a deploy the server
// has the new one, which the running (old) page must not load. Refused, the page says
// it cannot open that view, and the update banner offers the new version.
async function fetchOwnChunk(request) {
  const response = await fetch(request);
  if (response.ok && response.headers.get('x-chidao-shell') !== SHELL_VERSION) {
    return new Response('this chunk belongs to another version of the app', { status: 409, statusText: 'Other version' });
  }
  return response;
}

async function keepPages(pages) {
  const cache = await caches.open(CACHE);
  const known = pages.filter((page) => Object.hasOwn(ON_DEMAND_PAGES, page));
  const wanted = [...new Set(known.flatMap((page) => ON_DEMAND_PAGES[page]))];
  for (const path of wanted) {
    if (await cache.match(path)) continue;
    const response = await fetchOwnChunk(new Request(path, { cache: 'reload' }));
    if (response.ok) await cache.put(path, response);
  }
}

self.addEventListener('message', (event) => {
  if (event.data === 'activate') {
    self.skipWaiting();
  } else if (Array.isArray(event.data?.keep)) {
    // Offline now, the next page under this worker asks again.
    event.waitUntil(keepPages(event.data.keep.filter((page) => typeof page === 'string')).catch(() => {}));
  }
});

async function fromShell(request, key) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key, { ignoreSearch: true });
  return hit ?? fetch(request);
}

async function keptOnFirstUse(request, key) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key, { ignoreSearch: true });
  if (hit) {
    return hit;
  }
  const response = await fetchOwnChunk(request);
  if (response.ok) {
    await cache.put(key, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || PASS_THROUGH.some((path) => url.pathname.startsWith(path))) {
    return;
  }
  if (request.mode === 'navigate') {
    // Every page of the app is the one shell; the app routes in the browser.
    event.respondWith(fromShell(request, '/'));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(fromShell(request, url.pathname));
  } else if (ON_DEMAND_FILES.includes(url.pathname)) {
    event.respondWith(keptOnFirstUse(request, url.pathname));
  }
});
