/* The service worker of Téléservices, served at /sw.js (scope /) by core/pwa.py, which writes
   its version in: every deployment that changes a static file or a template is a new worker.

   - Static files (/static/…) come from a cache of this version, filled at installation with what
     the offline page uses, then as pages ask for them. Pages name them at their versioned address
     (/static/…?v=<digest of the content>): the cache keeps and matches the whole address, query
     included, so a deployment's new files are new addresses, fetched from the network.
   - Pages go to the network first. When it fails, a page the family read recently (a child's
     home screen, the notes, absences and LPC pages) is shown from the cache under the banner
     « hors ligne — données du jj/mm à hh:mm »; any other page is the offline page (/hors-ligne).
   - Pages are kept per session: each full page of the portal carries <meta name="ts-cache">, an
     opaque marker of its session; the kept pages live in the cache "ts-pages-<marker>", and a
     page with another marker, or none (nobody logged in, after logout), deletes every other one.
     Only GET 200 HTML full pages are kept (browser navigations and htmx's boosted ones, never
     htmx fragments), and only at the addresses above: never a staff page, the login or account
     pages, a PDF or a CSV.
   - A new version waits: the pages announce it (« Une nouvelle version est disponible —
     Recharger ») and it takes over only when the family asks (message "activer").
   - The banner's words are the kept page's own (<meta name="ts-texte-…">, written by the layout in
     the page's language): a page read in English is offline in English. */
"use strict";

const VERSION = "__VERSION__";
const STATIC_CACHE = "ts-static-" + VERSION;
const PAGES_PREFIX = "ts-pages-";
const STATE_CACHE = "ts-etat";
const STATE_KEY = "/ts-etat/marqueur";
const OFFLINE_URL = "/hors-ligne";
const MAX_PAGES = 30;
// A child's home screen, and the pages of the notes, absences and LPC services.
const KEPT_PAGES = /^\/eleves\/\d+\/(?:(?:notes|absences|lpc)(?:\/.*)?)?$/;
const CHILD_HOME = /^\/eleves\/\d+\/$/;
const BANNER = /<div id="pwa-bandeau"([^>]*)><\/div>/;

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("ts-static-") && name !== STATIC_CACHE) await caches.delete(name);
    }
    // The first worker of a browser takes the open pages at once (htmx's boosted navigations
    // would otherwise never pass through it); a new version only becomes active when the family
    // reloads (« Recharger ») or has closed every page of the portal.
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "activer") {
    self.skipWaiting(); // asked by the family: the page reloads once this worker is in charge
  } else if (data.type === "session") {
    event.waitUntil(serially(() => follow(String(data.marqueur || ""))));
  } else if (data.type === "oublier") {
    event.waitUntil(serially(() => follow("")));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(event, request));
    return;
  }
  const boosted = request.headers.get("HX-Request") === "true" && request.headers.get("HX-Boosted") === "true";
  if (request.mode === "navigate" || boosted) event.respondWith(page(event, request, url));
  // Anything else (htmx fragments, the API, files fetched by a script) goes to the network as is.
});

async function precache() {
  const cache = await caches.open(STATIC_CACHE);
  const response = await fetch(OFFLINE_URL, { cache: "no-store" });
  if (!response.ok) throw new Error("La page hors ligne ne répond pas : " + response.status);
  const html = await response.clone().text();
  await cache.put(OFFLINE_URL, response);
  // What the offline page uses (the theme's stylesheet, htmx, this app's script…), at the
  // addresses the pages write: their version included (« ?v=… », « &amp; » read as « & »).
  const assets = new Set();
  for (const found of html.matchAll(/(?:href|src)="(\/static\/[^"#]+)"/g)) assets.add(found[1].replaceAll("&amp;", "&"));
  await cache.addAll([...assets].map((path) => new Request(path, { cache: "no-cache" })));
}

async function staticFile(event, request) {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") event.waitUntil(cache.put(request, response.clone()));
  return response;
}

async function page(event, request, url) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return offline(url);
  }
  if (response.type === "basic" && response.status === 200
      && (response.headers.get("Content-Type") || "").startsWith("text/html")) {
    const copy = response.clone();
    event.waitUntil(serially(() => remember(copy, url)));
  }
  return response;
}

// Keeps the page if it may be read offline, after forgetting the pages of any other session.
async function remember(response, asked) {
  const html = await response.text();
  const marker = html.match(/<meta name="ts-cache" content="([0-9a-f]*)">/);
  if (!marker) return; // not a full page of the portal (the offline page, an error page…)
  await follow(marker[1]);
  const url = new URL(response.url || asked.href);
  if (!marker[1] || url.origin !== self.location.origin || !KEPT_PAGES.test(url.pathname)) return;
  const headers = new Headers(response.headers);
  headers.set("X-TS-Recu", String(Date.now()));
  headers.set("X-TS-Titre", encodeURIComponent(textOf(html, /<title>([^<]*)<\/title>/).replace(/ – Téléservices$/, "")));
  headers.set("X-TS-Eleve", encodeURIComponent(textOf(html, /class="identite">[^<]*<strong>([^<]*)<\/strong>/)));
  const cache = await caches.open(PAGES_PREFIX + marker[1]);
  const key = new Request(url.href);
  await cache.delete(key, { ignoreVary: true }); // put back at the end: the keys stay in the order of reading
  await cache.put(key, new Response(html, { status: 200, statusText: "OK", headers }));
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
}

// The session whose pages may be kept: every other session's pages are deleted ("" keeps none).
async function follow(marker) {
  const keep = marker ? PAGES_PREFIX + marker : null;
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGES_PREFIX) && name !== keep) await caches.delete(name);
  }
  const state = await caches.open(STATE_CACHE);
  await state.put(STATE_KEY, new Response(marker));
}

async function currentMarker() {
  await queue;
  const state = await caches.open(STATE_CACHE);
  const stored = await state.match(STATE_KEY);
  return stored ? stored.text() : "";
}

async function offline(url) {
  const marker = await currentMarker();
  if (marker && await caches.has(PAGES_PREFIX + marker)) {
    const cache = await caches.open(PAGES_PREFIX + marker);
    let kept = await cache.match(url.href, { ignoreVary: true });
    if (!kept && url.pathname === "/") kept = await lastHome(cache); // the installed app starts at /
    if (kept) return withBanner(kept);
  }
  const fallback = await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE, ignoreVary: true });
  return fallback || Response.error();
}

async function lastHome(cache) {
  const keys = await cache.keys();
  for (const key of keys.reverse()) {
    if (CHILD_HOME.test(new URL(key.url).pathname)) return cache.match(key, { ignoreVary: true });
  }
  return undefined;
}

// The kept page, under the banner « hors ligne — données du jj/mm à hh:mm » (when it was read),
// in the page's language: its words are in the page (French if it has none).
async function withBanner(kept) {
  const html = await kept.text();
  const received = Number(kept.headers.get("X-TS-Recu"));
  const said = (name, french) => textOf(html, new RegExp('<meta name="ts-texte-' + name + '" content="([^"]*)">')) || french;
  const text = said("hors-ligne", "hors ligne — données du {quand}")
    .replace("{quand}", formatted(received, said("quand", "{jour}/{mois} à {heure}:{minute}")));
  const shown = html.replace(BANNER, (all, attributes) =>
    '<div id="pwa-bandeau"' + attributes.replace(/ hidden(="")?/, "") + ' data-hors-ligne="' + received + '">' + text + "</div>");
  return new Response(shown, { status: 200, statusText: "OK", headers: kept.headers });
}

// The moment with the page's pattern: « {jour}/{mois} à {heure}:{minute} ».
function formatted(time, pattern) {
  const date = new Date(time);
  const two = (n) => String(n).padStart(2, "0");
  return pattern.replace("{jour}", two(date.getDate())).replace("{mois}", two(date.getMonth() + 1))
    .replace("{heure}", two(date.getHours())).replace("{minute}", two(date.getMinutes()));
}

function textOf(html, pattern) {
  const found = html.match(pattern);
  return found ? found[1].trim() : "";
}

// One change of the caches at a time, in the order the pages arrived: a page of an old session
// read late can never be kept after a newer session has deleted that session's cache.
let queue = Promise.resolve();
function serially(task) {
  queue = queue.then(task).catch(() => undefined);
  return queue;
}
