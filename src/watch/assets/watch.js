// watch.js — served by `tearsheet serve --watch` only, and added by the
// server to the pages it sends in that mode (never written into the
// built site). It listens to /_tearsheet/events: after a good build the
// page reloads (also after one that ended between the page and its
// stream); a failed build covers the page with its errors (file and
// message, as text) so stale content is not taken for the new, and the
// next good build clears them by reloading.
// Must never: put anything from the server into the page as HTML, or
// use inline style (the server's Content-Security-Policy forbids it;
// the look is in watch.css).
(function () {
  'use strict';
  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = '/_tearsheet/watch.css';
  document.head.appendChild(css);

  // The build the page is from: the server names it in this script's
  // address (?build=N); a stream that starts with another build means
  // the page is older than the site and reloads.
  var seen = Number(new URL(document.currentScript.src).searchParams.get('build')) || 0;
  var dialog = null;

  function hide() {
    if (dialog) {
      dialog.close();
      dialog.remove();
      dialog = null;
    }
  }

  function show(errors) {
    hide();
    dialog = document.createElement('dialog');
    dialog.className = 'tearsheet-watch-error';
    dialog.lang = 'en';
    dialog.setAttribute('aria-labelledby', 'tearsheet-watch-title');
    var h = document.createElement('h2');
    h.id = 'tearsheet-watch-title';
    h.textContent = 'The site did not build';
    var p = document.createElement('p');
    p.textContent = 'Fix what is named below and save: this page reloads by itself. ' +
      'Until then it would show what was built before.';
    var list = document.createElement('ul');
    errors.forEach(function (line) {
      var li = document.createElement('li');
      var code = document.createElement('code');
      code.textContent = line;
      li.appendChild(code);
      list.appendChild(li);
    });
    dialog.appendChild(h);
    dialog.appendChild(p);
    dialog.appendChild(list);
    // Esc would uncover the stale page: the way out is to fix the file.
    dialog.addEventListener('cancel', function (e) { e.preventDefault(); });
    document.body.appendChild(dialog);
    dialog.showModal();
  }

  function onBuild(e) {
    var m = JSON.parse(e.data);
    document.documentElement.setAttribute('data-tearsheet-watch', String(m.build));
    if (!m.ok) {
      seen = m.build;
      show(m.errors);
    } else if (m.build !== seen) {
      location.reload();
    } else {
      hide();
    }
  }

  // The browser retries a dropped stream by itself, but not one the
  // server refused (503: too many open pages, until closed tabs are
  // noticed) or a restarted server that is not up yet: ask again.
  function listen() {
    var events = new EventSource('/_tearsheet/events');
    events.addEventListener('build', onBuild);
    events.addEventListener('error', function () {
      if (events.readyState === EventSource.CLOSED) setTimeout(listen, 2000);
    });
  }
  listen();
})();
