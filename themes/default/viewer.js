/*
 * viewer.js — a story's photographs one after another, as large as the
 * screen allows, over the story page. Progressive enhancement: without
 * this script a figure's link opens the photo's own page; with it the
 * same click (or Enter on the link) opens the theme's <dialog
 * class="viewer"> (story.mustache), and the address bar shows that same
 * photo page (history.pushState), so a shared or reloaded address opens
 * the photo page, and Back closes the viewer.
 *
 * Keys: ← and → move, Esc closes and gives focus back to the link that
 * opened the viewer; Tab stays inside (a modal dialog, and a wrap at its
 * ends). A horizontal swipe moves too. The photo is drawn from the
 * figure's own sources with `sizes` set to the box it gets, never wider
 * than its largest derivative (the img's width attribute); the next
 * photo is fetched at that size into a hidden slot before it is asked for.
 *
 * Must never: hold an interface string (every word is the theme's, in
 * the dialog's markup and its data-counter, so a message catalogue
 * translates them), set an inline style or run inline code (the server's
 * Content-Security-Policy allows neither), or take a click with a
 * modifier key (a new tab still opens the photo's page).
 */
(function () {
  'use strict';
  var dialog = document.querySelector('dialog.viewer');
  if (!dialog || typeof dialog.showModal !== 'function' || !window.history.pushState)
    return;
  var stage = dialog.querySelector('.viewer-stage');
  var caption = dialog.querySelector('.viewer-caption');
  var preload = dialog.querySelector('.viewer-preload');
  var counter = dialog.querySelector('.viewer-count');
  var prevButton = dialog.querySelector('.viewer-prev');
  var nextButton = dialog.querySelector('.viewer-next');
  var closeButton = dialog.querySelector('.viewer-close');
  var counterText = dialog.getAttribute('data-counter') || '{n} / {count}';
  var SWIPE_PX = 50; /* shorter moves are taps or a shaky scroll */

  /* Absolute URLs, taken while the address is still the story's: after
   * pushState a relative srcset or href would resolve against the
   * photo page's address. */
  function absoluteSrcset(set) {
    return set.split(',').map(function (part) {
      var bits = part.trim().split(/\s+/);
      bits[0] = new URL(bits[0], document.baseURI).href;
      return bits.join(' ');
    }).join(', ');
  }

  /* What the viewer needs of one <picture>: its sources in order. */
  function sourcesOf(picture) {
    return Array.prototype.map.call(picture.children, function (el) {
      var s = { tag: el.tagName.toLowerCase(), attrs: [] };
      Array.prototype.forEach.call(el.attributes, function (a) {
        if (a.name === 'srcset') s.srcset = absoluteSrcset(a.value);
        else if (a.name === 'src') s.src = new URL(a.value, document.baseURI).href;
        else if (a.name !== 'sizes' && a.name !== 'loading' && a.name !== 'fetchpriority')
          s.attrs.push([a.name, a.value]);
      });
      return s;
    });
  }

  function absoluteCaption(figcaption) {
    if (!figcaption) return null;
    var copy = figcaption.cloneNode(true);
    /* the figure's own caption stays on the page: ids once only */
    Array.prototype.forEach.call(copy.querySelectorAll('[id]'), function (el) {
      el.removeAttribute('id');
    });
    var from = figcaption.querySelectorAll('a[href]'), to = copy.querySelectorAll('a[href]');
    for (var i = 0; i < from.length; i++) to[i].setAttribute('href', from[i].href);
    return copy;
  }

  /* The story's photos, one per photo page, in the page's order; the
   * figure with a caption wins over the cover's copy of the same photo. */
  var photos = [], byHref = {};
  Array.prototype.forEach.call(document.querySelectorAll('figure.photo a.photo-link[href]'),
    function (link) {
      var figure = link.closest('figure');
      var picture = link.querySelector('picture');
      var img = picture && picture.querySelector('img');
      if (!img) return;
      var entry = { href: link.href, link: link, sources: sourcesOf(picture),
        width: +img.getAttribute('width') || 0, height: +img.getAttribute('height') || 0,
        caption: absoluteCaption(figure.querySelector('figcaption')) };
      if (!(link.href in byHref)) {
        byHref[link.href] = photos.length;
        photos.push(entry);
      } else if (!photos[byHref[link.href]].caption && entry.caption) {
        entry.link = photos[byHref[link.href]].link;
        photos[byHref[link.href]] = entry;
      }
    });
  if (!photos.length) return;

  var current = -1, opener = null, byHistory = false;

  /* The CSS px the photo gets: the stage's box at the photo's ratio,
   * never above its largest derivative. */
  function fit(p) {
    var box = stage.getBoundingClientRect();
    var w = p.width || box.width, h = p.height || box.height;
    return Math.max(1, Math.floor(Math.min(w, box.width, box.height * w / h)));
  }

  /* A new <picture> of photo i. The img joins its <picture> before it
   * gets a source and `sizes` comes before `srcset`, so the browser
   * picks one file, once. */
  function build(i) {
    var p = photos[i], sizes = fit(p) + 'px';
    var picture = document.createElement('picture');
    p.sources.forEach(function (s) {
      var el = document.createElement(s.tag);
      picture.appendChild(el);
      s.attrs.forEach(function (a) { el.setAttribute(a[0], a[1]); });
      if (s.srcset) {
        el.setAttribute('sizes', sizes);
        el.setAttribute('srcset', s.srcset);
      }
      if (s.src) el.setAttribute('src', s.src);
    });
    return picture;
  }

  function show(i, history) {
    current = i;
    stage.replaceChildren(build(i));
    caption.replaceChildren();
    if (photos[i].caption) caption.appendChild(photos[i].caption.cloneNode(true));
    counter.textContent = counterText.replace('{n}', String(i + 1))
      .replace('{count}', String(photos.length));
    prevButton.disabled = i === 0;
    nextButton.disabled = i === photos.length - 1;
    if (document.activeElement && document.activeElement.disabled)
      (i === 0 ? nextButton : prevButton).focus();
    if (history === 'push') window.history.pushState({ tsViewer: i }, '', photos[i].href);
    else if (history === 'replace') window.history.replaceState({ tsViewer: i }, '', photos[i].href);
    preload.replaceChildren();
    if (i + 1 < photos.length) preload.appendChild(build(i + 1));
  }

  function move(step) {
    var i = current + step;
    if (dialog.open && i >= 0 && i < photos.length) show(i, 'replace');
  }

  function open(i, link) {
    opener = link;
    dialog.showModal();
    show(i, 'push');
    closeButton.focus();
  }

  /* Closing by any way (Esc, the button, Back) ends here. */
  dialog.addEventListener('close', function () {
    stage.replaceChildren();
    caption.replaceChildren();
    preload.replaceChildren();
    if (opener) opener.focus();
    /* closed by Esc or the button: the address goes back to the story */
    if (!byHistory && window.history.state && typeof window.history.state.tsViewer === 'number')
      window.history.back();
    byHistory = false;
    current = -1;
  });

  dialog.addEventListener('cancel', function (e) {
    e.preventDefault();
    dialog.close();
  });

  window.addEventListener('popstate', function (e) {
    var i = e.state && typeof e.state.tsViewer === 'number' ? e.state.tsViewer : -1;
    if (i >= 0 && i < photos.length) {
      if (!dialog.open) {
        opener = opener || photos[i].link;
        dialog.showModal();
      }
      show(i, 'none');
    } else if (dialog.open) {
      byHistory = true;
      dialog.close();
    }
  });

  document.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    var link = e.target.closest && e.target.closest('a.photo-link[href]');
    if (!link || !(link.href in byHref) || dialog.contains(link)) return;
    e.preventDefault();
    open(byHref[link.href], link);
  });

  prevButton.addEventListener('click', function () { move(-1); });
  nextButton.addEventListener('click', function () { move(1); });
  closeButton.addEventListener('click', function () { dialog.close(); });

  function focusable() {
    return Array.prototype.filter.call(
      dialog.querySelectorAll('button, a[href], summary, [tabindex]:not([tabindex="-1"])'),
      function (el) { return !el.disabled && el.getClientRects().length > 0; });
  }

  dialog.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ArrowRight') {
      e.preventDefault();
      move(1);
    } else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      move(-1);
    } else if (e.key === 'Tab') {
      /* a modal dialog keeps focus from the page, not from the browser's
       * own bar: Tab moves through the dialog's controls in their order
       * and wraps at the ends */
      var list = focusable();
      if (!list.length) return;
      e.preventDefault();
      var at = list.indexOf(document.activeElement);
      var to = at < 0 ? (e.shiftKey ? list.length - 1 : 0)
        : (at + (e.shiftKey ? -1 : 1) + list.length) % list.length;
      list[to].focus();
    }
  });

  var touchX = null, touchY = 0;
  dialog.addEventListener('touchstart', function (e) {
    touchX = e.touches.length === 1 ? e.touches[0].clientX : null;
    touchY = e.touches.length === 1 ? e.touches[0].clientY : 0;
  }, { passive: true });
  dialog.addEventListener('touchend', function (e) {
    if (touchX === null || !e.changedTouches.length) return;
    var dx = e.changedTouches[0].clientX - touchX, dy = e.changedTouches[0].clientY - touchY;
    touchX = null;
    if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > 1.5 * Math.abs(dy)) move(dx < 0 ? 1 : -1);
  }, { passive: true });
})();
