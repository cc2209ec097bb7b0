// Service worker for offline intake. Registered by intake.js with scope /intake/.
// It caches ONLY the two partner intake pages and the public static assets; never staff pages,
// API responses, /themes, /intake/coverage or /admin. Pages are network-first (the server is
// the truth; the cache is a fallback when offline); assets are served from the cache and
// refreshed in the background. Bump VERSION when this file's lists change.

const VERSION = 'v3'
const CACHE = 'listening-intake-' + VERSION
const PAGES = ['/intake/conversations/new', '/intake/conversations']
const ASSETS = [
  '/assets/nhsuk-frontend.min.css',
  '/assets/nhsuk-frontend.min.js',
  '/assets/css/app.css',
  '/assets/js/init.js',
  '/assets/js/intake.js',
  '/assets/js/messages.js',
  '/assets/js/outbox.js',
  '/assets/js/safeguarding.js',
  '/assets/manifest.json',
  '/assets/images/favicon.ico',
  '/assets/images/favicon.svg',
  '/assets/images/nhsuk-icon-180.png',
  '/assets/images/nhsuk-icon-192.png',
  '/assets/images/nhsuk-icon-512.png'
]
const PAGE_TIMEOUT_MS = 6000 // on "lie-fi", show the saved page rather than a blank screen

// Only a partner's own pages carry this marker; staff see every organisation's
// conversations on the same URLs, and those pages are never stored.
const MARKER = 'data-offline-cache="partner"'

function isCacheablePage (response) {
  const type = response.headers.get('Content-Type') || ''
  return response.ok && response.type === 'basic' && !response.redirected &&
    type.indexOf('text/html') === 0
}

// Store the page if it is a partner's; otherwise forget any stored copy of that URL.
function storePage (path, response) {
  return response.text().then(function (html) {
    return caches.open(CACHE).then(function (cache) {
      if (html.indexOf(MARKER) === -1) return cache.delete(path)
      const headers = { 'Content-Type': response.headers.get('Content-Type') }
      return cache.put(path, new Response(html, { status: 200, headers: headers }))
    })
  })
}

function cachePage (path) {
  // Pages need the session cookie; a redirect (to /login) means signed out: store nothing.
  return fetch(path, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
    if (!isCacheablePage(response)) return null
    return storePage(path, response)
  }).catch(function () { return null })
}

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(ASSETS) })
      .then(function () { return Promise.all(PAGES.map(cachePage)) })
      .then(function () { return self.skipWaiting() })
  )
})

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (key) {
          return key.indexOf('listening-') === 0 && key !== CACHE
        }).map(function (key) { return caches.delete(key) }))
      })
      .then(function () { return self.clients.claim() })
  )
})

function fromCache (path) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(path, { ignoreVary: true, ignoreSearch: true })
  })
}

function networkFirst (request, path, storeIt) {
  const network = fetch(request).then(function (response) {
    if (response.type === 'opaqueredirect' || response.status === 401) {
      // signed out: forget the saved page (it shows who was signed in)
      caches.open(CACHE).then(function (cache) { return cache.delete(path) })
    } else if (storeIt && isCacheablePage(response)) {
      storePage(path, response.clone()).catch(function () { return null })
    }
    return response
  })
  const timeout = new Promise(function (resolve) {
    setTimeout(function () { resolve(null) }, PAGE_TIMEOUT_MS)
  })
  const slowOrFailed = Promise.race([network.catch(function () { return null }), timeout])
    .then(function (response) {
      if (response) return response
      return fromCache(path).then(function (cached) { return cached || network })
    })
  return slowOrFailed
}

function cacheFirst (event, request) {
  const refresh = fetch(request).then(function (response) {
    if (response.ok && response.type === 'basic') {
      const copy = response.clone()
      caches.open(CACHE).then(function (cache) { return cache.put(request, copy) })
    }
    return response
  })
  event.waitUntil(refresh.catch(function () { return null }))
  return caches.match(request, { cacheName: CACHE, ignoreVary: true }).then(function (cached) {
    return cached || refresh
  })
}

self.addEventListener('fetch', function (event) {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (PAGES.indexOf(url.pathname) !== -1) {
    // store only the plain page: a query (?sent=…) may carry a one-off message
    event.respondWith(networkFirst(request, url.pathname, url.search === ''))
  } else if (url.pathname.indexOf('/assets/') === 0) {
    event.respondWith(cacheFirst(event, request))
  }
  // everything else (staff pages, the API, /themes, /admin, /intake/coverage) is not touched
})
