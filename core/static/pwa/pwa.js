// The installable app, on the page's side (loaded once per full page, in <head>):
// - registers the service worker (/sw.js, scope /);
// - tells it whose pages it may keep: the session's marker (<meta name="ts-cache">), or nobody's
//   when no one is logged in (the page after logout): then the kept pages are deleted at once;
// - announces a new version in the banner (#pwa-bandeau): « Une nouvelle version est disponible —
//   Recharger »; the new worker takes over only when the family clicks, then the page reloads;
// - on the offline page, lists the pages kept for reading offline.
// Its words are the page's, in the page's language: <meta name="ts-texte-…"> (layout.html).
(function () {
  "use strict";
  if (window.teleservicesPwa || !("serviceWorker" in navigator)) return;
  window.teleservicesPwa = true;

  var PAGES_PREFIX = "ts-pages-";
  var CHECK_EVERY = 30 * 60 * 1000; // look for a new version when the tab comes back, at most every 30 min
  var registration = null;
  var waiting = null;
  var reloading = false;
  var lastCheck = Date.now();

  // The layout's words for the app, in the page's language; French if a page has none.
  var TEXTS = {
    maj: "Une nouvelle version est disponible",
    recharger: "Recharger",
    donnees: "(données du {quand})",
    quand: "{jour}/{mois} à {heure}:{minute}",
  };

  function text(name) {
    var meta = document.querySelector('meta[name="ts-texte-' + name + '"]');
    return (meta && meta.getAttribute("content")) || TEXTS[name];
  }

  // « 12/03 à 10:15 » (French), « 12/03 at 10:15 » (English): when a page was read.
  function moment(time) {
    var date = new Date(time);
    return text("quand").replace("{jour}", two(date.getDate())).replace("{mois}", two(date.getMonth() + 1))
      .replace("{heure}", two(date.getHours())).replace("{minute}", two(date.getMinutes()));
  }

  function marker() {
    var meta = document.querySelector('meta[name="ts-cache"]');
    return meta ? meta.getAttribute("content") : null;
  }

  function tellWorker(message) {
    var worker = navigator.serviceWorker.controller || (registration && registration.active);
    if (worker) worker.postMessage(message);
  }

  function forgetPages() {
    tellWorker({ type: "oublier" });
    if (!window.caches) return;
    caches.keys().then(function (names) {
      names.forEach(function (name) {
        if (name.indexOf(PAGES_PREFIX) === 0) caches.delete(name);
      });
    });
  }

  function session() {
    var current = marker();
    if (current === null) return; // the offline page: nobody's, changes nothing
    if (current === "") forgetPages();
    else tellWorker({ type: "session", marqueur: current });
  }

  function banner() {
    return document.getElementById("pwa-bandeau");
  }

  function announce(worker) {
    waiting = worker;
    showUpdate();
  }

  function showUpdate() {
    var box = banner();
    if (!box || !waiting || box.getAttribute("data-maj")) return;
    box.setAttribute("data-maj", "1");
    var line = document.createElement("span");
    line.className = "pwa-maj";
    line.appendChild(document.createTextNode(text("maj") + " — "));
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = text("recharger");
    button.addEventListener("click", function () {
      button.disabled = true;
      if (waiting && waiting.state === "installed") {
        reloading = true;
        waiting.postMessage({ type: "activer" });
      } else {
        window.location.reload(); // another tab already took the new version
      }
    });
    line.appendChild(button);
    // Shown empty first, filled a moment later: a screen reader announces what comes into a
    // status region it already knows.
    var delay = box.hidden ? 100 : 0;
    box.hidden = false;
    setTimeout(function () { box.appendChild(line); }, delay);
  }

  function watch(reg) {
    registration = reg;
    if (reg.waiting && navigator.serviceWorker.controller) announce(reg.waiting);
    reg.addEventListener("updatefound", function () {
      var worker = reg.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        // The first worker of this browser has no page to disturb: nothing to announce.
        if (worker.state === "installed" && navigator.serviceWorker.controller) announce(worker);
      });
    });
  }

  function checkForUpdate() {
    if (!registration) return;
    lastCheck = Date.now();
    registration.update().catch(function () { /* offline: next time */ });
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function decoded(text) {
    return new DOMParser().parseFromString(text, "text/html").documentElement.textContent;
  }

  // The offline page: the pages kept for this session, the latest first.
  function listKeptPages() {
    var section = document.getElementById("pwa-pages");
    var retry = document.getElementById("pwa-reessayer");
    if (retry) retry.setAttribute("href", window.location.pathname + window.location.search);
    if (!section || !window.caches) return;
    caches.keys().then(function (names) {
      var kept = names.filter(function (name) { return name.indexOf(PAGES_PREFIX) === 0; });
      return Promise.all(kept.map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (keys) {
            return Promise.all(keys.map(function (key) {
              return cache.match(key, { ignoreVary: true }).then(function (response) {
                return response && { url: new URL(key.url), response: response };
              });
            }));
          });
        });
      }));
    }).then(function (groups) {
      var pages = [].concat.apply([], groups).filter(Boolean).map(function (found) {
        var url = found.url, response = found.response;
        return {
          href: url.pathname + url.search,
          titre: decoded(decodeURIComponent(response.headers.get("X-TS-Titre") || "")) || url.pathname,
          eleve: decoded(decodeURIComponent(response.headers.get("X-TS-Eleve") || "")),
          recu: Number(response.headers.get("X-TS-Recu")),
        };
      }).sort(function (a, b) { return b.recu - a.recu; });
      if (!pages.length) return;
      var list = section.querySelector("ul");
      list.textContent = "";
      pages.forEach(function (kept) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = kept.href;
        var named = kept.eleve && kept.titre.indexOf(kept.eleve) < 0; // the child's home names the child already
        link.textContent = kept.titre + (named ? " — " + kept.eleve : "");
        item.appendChild(link);
        item.appendChild(document.createTextNode(" " + text("donnees").replace("{quand}", moment(kept.recu))));
        list.appendChild(item);
      });
      section.hidden = false;
    });
  }

  function everyPage() {
    showUpdate();
    listKeptPages();
  }

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloading) window.location.reload();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && Date.now() - lastCheck > CHECK_EVERY) checkForUpdate();
  });
  // htmx's boosted navigations swap the body: the banner and the page are new.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target === document.body) everyPage();
  });

  function start() {
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).then(function (reg) {
      watch(reg);
      session();
      checkForUpdate();
    }).catch(function () { /* no worker (private browsing…): the portal works as a website */ });
    everyPage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
