// hallmark content script: finds the page's images, has the service worker
// verify each distinct image URL, and marks the result.
//
// The contract tests rely on (see README.md):
//  - an <img> is checked once it has loaded (complete, naturalWidth > 0): the
//    extension never fetches what the page did not load itself;
//  - every checked <img> gets data-hallmark-state = trusted | valid | invalid | recovered | none | error
//    (and data-hallmark-ai-training = allowed | notAllowed | constrained | unspecified | unknown
//    when it has credentials or recovered ones). Why a check failed never enters the page: the
//    full report (context menu) shows it;
//  - "recovered": the image has no credentials of its own, but a manifest
//    repository saved on the options page found intact ones by its
//    fingerprint (they can only restrict: the library's decide());
//  - an image with credentials (trusted, valid, invalid) or recovered ones gets one badge,
//    <span class="hallmark-badge" data-hallmark-state data-hallmark-ai-training title>,
//    appended to <body> and kept over the image's top-left corner; a recovered
//    one looks different (dashed outline, its own colour) and says so;
//  - an image without credentials ("none") or that could not be checked ("error") gets no badge.
//
// Reports are untrusted input (anyone can write one into a file): only
// textContent and setAttribute put them into the page.

(() => {
  'use strict';

  if (globalThis.hallmarkContentLoaded) return; // injected twice (e.g. after an extension reload)
  globalThis.hallmarkContentLoaded = true;

  // Formatting helpers; the words come with each answer of the service worker.
  const words = globalThis.hallmarkWords;

  const COLORS = { trusted: '#1b6e35', valid: '#35557a', invalid: '#b3261e', recovered: '#6a3d9a' };

  // The badge's look, as inline !important declarations: `all: initial` first
  // wipes whatever the page's CSS would give a <span>, and inline !important
  // beats every page rule. (content.css hides ::before/::after, which inline
  // styles cannot reach.)
  const BADGE_STYLE = [
    ['all', 'initial'],
    ['position', 'fixed'],
    ['z-index', '2147483647'],
    ['display', 'block'],
    ['box-sizing', 'border-box'],
    ['left', '0px'],
    ['top', '0px'],
    ['margin', '0'],
    ['padding', '1px 6px'],
    ['border-radius', '4px'],
    ['border', '1px solid rgba(255, 255, 255, 0.7)'],
    ['box-shadow', '0 1px 3px rgba(0, 0, 0, 0.45)'],
    ['color', '#ffffff'],
    ['font', '600 11px/16px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'],
    ['letter-spacing', 'normal'],
    ['text-align', 'left'],
    ['white-space', 'nowrap'],
    ['overflow', 'hidden'], // narrower than its label over a small image (max-width set in place())
    ['text-overflow', 'ellipsis'],
    ['direction', 'ltr'],
    ['cursor', 'pointer'],
    ['pointer-events', 'auto'],
    ['user-select', 'none'],
    ['visibility', 'hidden'], // until placed
  ];

  /** img -> {url, badge?}: what each image was last checked as. */
  const seen = new WeakMap();
  /** Badged images, for repositioning. */
  const badged = new Set();
  /** url -> Promise<response>: one request per distinct URL from this page. */
  const requests = new Map();

  /** The URL the browser shows for this image ('' when it has none yet, e.g. a lazy image without src). */
  function imageUrl(img) {
    if (img.currentSrc) return img.currentSrc;
    // img.src turns src="" into the page's own URL: that is no image.
    return img.getAttribute('src')?.trim() ? img.src : '';
  }

  function ask(url) {
    let request = requests.get(url);
    if (!request) {
      request = chrome.runtime.sendMessage({ type: 'hallmark-verify', url })
        .then((response) => response || { error: 'no answer from the extension' })
        .catch((e) => ({ error: (e && e.message) || String(e) }));
      requests.set(url, request);
    }
    return request;
  }

  /** Whether the browser has loaded and decoded the image. */
  const loaded = (img) => img.complete && img.naturalWidth > 0;

  /** Checks one image, unless it was already checked under its current URL. */
  function consider(img) {
    const url = imageUrl(img);
    const previous = seen.get(img);
    if (previous && previous.url === url) return;
    if (previous) forget(img); // its src changed: the old answer no longer applies
    // Nothing to check yet, or not loaded (yet, or ever): its load event
    // brings it back. Asking only about images the page has shown keeps a page
    // from using the extension to probe URLs it could not load.
    if (!url || !loaded(img)) return;
    const entry = { url };
    seen.set(img, entry);

    const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
    if (!['http:', 'https:', 'data:'].includes(scheme)) {
      mark(img, entry, { error: true }); // blob: and the like: the worker cannot fetch them
      return;
    }
    ask(url).then((response) => {
      if (seen.get(img) === entry) mark(img, entry, response); // still the same image and URL
    });
  }

  /** Undoes what mark() did to an image. */
  function forget(img) {
    const entry = seen.get(img);
    entry?.badge?.remove();
    badged.delete(img);
    seen.delete(img);
    delete img.dataset.hallmarkState;
    delete img.dataset.hallmarkAiTraining;
  }

  /** Records a verification answer on the image and badges it when it has credentials. */
  function mark(img, entry, response) {
    if (!response.report || !response.words) {
      img.dataset.hallmarkState = 'error'; // the reason stays in the extension
      return;
    }
    const { report } = response;
    let state = ['trusted', 'valid', 'invalid', 'none'].includes(report.state) ? report.state : 'error';
    // No credentials of its own, but a repository's intact ones: "recovered".
    const recovered = state === 'none' && words.recoveredIntact(report);
    if (recovered) state = 'recovered';
    img.dataset.hallmarkState = state;
    const label = recovered ? words.recoveredLabel(response.decisions, response.words)
      : words.badgeLabel(state, response.mayUse?.ai_training);
    if (!label) return; // "none" (or something unexpected): no badge

    const aiTraining = response.mayUse?.ai_training || 'unknown';
    img.dataset.hallmarkAiTraining = aiTraining;

    const badge = document.createElement('span');
    badge.className = 'hallmark-badge';
    badge.dataset.hallmarkState = state;
    badge.dataset.hallmarkAiTraining = aiTraining;
    badge.textContent = label;
    badge.setAttribute('title', recovered ? words.recoveredTitle(report, response.decisions, response.words)
      : words.badgeTitle(report, response.words, response.identities));
    for (const [property, value] of BADGE_STYLE) badge.style.setProperty(property, value, 'important');
    badge.style.setProperty('background', COLORS[state], 'important');
    if (recovered) {
      // Not the file's own credentials: a dashed outline and italics set it apart.
      badge.style.setProperty('border', '2px dashed #ffffff', 'important');
      badge.style.setProperty('font-style', 'italic', 'important');
    }
    badge.addEventListener('click', (event) => {
      // Only a real click by the person opens a tab, not one the page scripts.
      if (!event.isTrusted) return;
      event.preventDefault();
      event.stopPropagation();
      chrome.runtime.sendMessage({ type: 'hallmark-open-report', url: entry.url }).catch(() => {});
    });
    (document.body || document.documentElement).append(badge);
    entry.badge = badge;
    badged.add(img);
    sizes.observe(img);
    schedule();
  }

  // ------------------------------------------------------------ positioning

  let frame = 0;
  /** Where the badges' containing block sits in the viewport: (0, 0) unless an ancestor is transformed. */
  let origin = { x: 0, y: 0 };

  function schedule() {
    if (!frame && badged.size) frame = requestAnimationFrame(place);
  }

  /** Puts every badge over its image's top-left corner (fixed position, viewport coordinates). */
  function place() {
    frame = 0;
    const visible = [];
    for (const img of badged) {
      const badge = seen.get(img)?.badge;
      if (!img.isConnected || !badge) { forget(img); continue; }
      if (!badge.isConnected) (document.body || document.documentElement).append(badge); // the page cleared <body>
      const r = img.getBoundingClientRect();
      const shown = r.width >= 1 && r.height >= 1 && r.bottom > 0 && r.right > 0 &&
        r.top < innerHeight && r.left < innerWidth;
      if (!shown) { badge.style.setProperty('visibility', 'hidden', 'important'); continue; }
      visible.push([badge, r.left + 3, r.top + 3, Math.max(r.width - 6, 34)]);
    }
    const write = () => {
      for (const [badge, x, y, width] of visible) {
        badge.style.setProperty('left', `${x - origin.x}px`, 'important');
        badge.style.setProperty('top', `${y - origin.y}px`, 'important');
        badge.style.setProperty('max-width', `${width}px`, 'important');
        badge.style.setProperty('visibility', 'visible', 'important');
      }
    };
    write();
    // A transform or filter on <html>/<body> makes them the containing block of
    // fixed elements; measure one badge and correct all of them if so.
    if (visible.length) {
      const [badge, x, y] = visible[0];
      const r = badge.getBoundingClientRect();
      const dx = r.left - x, dy = r.top - y;
      if (Math.abs(dx) > 0.5 || Math.abs(dy) > 0.5) {
        origin = { x: origin.x + dx, y: origin.y + dy };
        write();
      }
    }
  }

  const sizes = new ResizeObserver(schedule);
  addEventListener('scroll', schedule, { capture: true, passive: true }); // any scroller, not only the page
  addEventListener('resize', schedule, { passive: true });
  // Layout can move images without any event we could hear (fonts, animations).
  setInterval(schedule, 1000);

  // ------------------------------------------------------------ finding images

  function scan(root) {
    if (root instanceof HTMLImageElement) consider(root);
    else if (root.querySelectorAll) for (const img of root.querySelectorAll('img')) consider(img);
  }

  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') scan(record.target); // src or srcset changed (lazy loaders)
      else for (const node of record.addedNodes) scan(node);
    }
    schedule(); // added or removed content may have moved images
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['src', 'srcset'],
  });

  // A srcset / <picture> image only knows its URL (currentSrc) once it loads.
  document.addEventListener('load', (event) => {
    if (event.target instanceof HTMLImageElement) consider(event.target);
    schedule();
  }, true);

  // New trust anchors change what "trusted" means, new repositories what is
  // looked up: check everything again.
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !('trustAnchors' in changes || 'repositories' in changes)) return;
    requests.clear();
    for (const img of document.querySelectorAll('img')) {
      forget(img);
      consider(img);
    }
  });

  scan(document);
})();
