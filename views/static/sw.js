// Service worker of the exam pages, served from /sw.js so that its scope
// covers /exams/ and /attempts/. When a sitting or a result cannot be loaded
// (no network), it shows the offline page instead of the browser's error page.
// It caches only that page, which holds nobody's data and is fetched without
// cookies: nothing private is ever served from the cache, to anyone.
'use strict';
var CACHE = 'gs-offline-1';
var SHELL = '/exams/offline';

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return c.add(new Request(SHELL, { credentials: 'omit' }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

var covered = /^\/(exams(\/[^/]+(\/sit)?)?|attempts\/[^/]+)$/;

self.addEventListener('fetch', function (e) {
  var r = e.request;
  if (r.mode !== 'navigate' || r.method !== 'GET' || !covered.test(new URL(r.url).pathname)) return;
  e.respondWith(fetch(r).catch(function () {
    return caches.match(SHELL).then(function (shell) {
      return shell || new Response('', { status: 503, statusText: 'offline' });
    });
  }));
});
