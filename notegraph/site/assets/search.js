/* notegraph search page: Pagefind's UI over every shard of the index, with result URLs
   made relative to wherever the site is served (works from a sub-path such as a GitHub
   Pages project site). The index is split in shards (pagefind/shard-N/, listed by
   pagefind/bundles.js); shard 0 is the primary bundle, the others are merged into it:
   Pagefind searches all of them, sorts the results by score and sums filter counts.

   Each result links to the moment: timestamps in notes carry ids (`t-95`, seconds), and
   Pagefind records every id with its word position, so the timestamp closing the key
   point where the best match sits is where the result points, its time shown. */
(function () {
  "use strict";
  if (typeof PagefindUI === "undefined") return;
  var root = document.documentElement.getAttribute("data-root") || "./";
  var base = new URL(root, window.location.href).pathname;  // e.g. /podcast-notes/
  var index = base + "pagefind/";
  var bundles = window.notegraphSearchBundles || ["shard-0/"];
  var excerptLength = 14;  // the UI sets it on the primary bundle only: same for all
  // Hub pages (people, concepts, videos) are short: length normalisation would put them
  // above the long topic note where the words were said.
  var ranking = { pageLength: 0.1, termFrequency: 0.8, metaWeights: { title: 0 } };
  var q = new URLSearchParams(window.location.search).get("q") || "";

  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return [h, m, s].map(function (n) { return (n < 10 ? "0" : "") + n; }).join(":");
  }

  // The timestamp anchor for the best-weighted match: the first moment after it (key
  // points end with their timestamp), else the last one before it.
  function momentOf(result) {
    var stamps = (result.anchors || []).filter(function (a) { return /^t-\d+$/.test(a.id); });
    if (!stamps.length) return null;
    var best = null;
    (result.weighted_locations || []).forEach(function (w) {
      if (!best || w.weight > best.weight) best = w;
    });
    // words that only name another note (weighted low) are not a moment of this one
    if (best && best.weight < 1) return null;
    var at = best ? best.location : (result.locations || [0])[0];
    var after = stamps.filter(function (a) { return a.location >= at; });
    return after.length ? after[0] : stamps[stamps.length - 1];
  }

  function toMoment(result) {
    var stamp = momentOf(result);
    if (stamp) {
      result.url = result.url.split("#")[0] + "#" + stamp.id;
      result.meta = result.meta || {};
      result.meta["said at"] = clock(parseInt(stamp.id.slice(2), 10));
    }
    return result;
  }

  var ui = new PagefindUI({
    element: "#search", bundlePath: index + bundles[0], baseUrl: base,
    excerptLength: excerptLength, showSubResults: false, showImages: false,
    resetStyles: false, autofocus: true, ranking: ranking, processResult: toMoment,
    mergeIndex: bundles.slice(1).map(function (b) {
      return { bundlePath: index + b, baseUrl: base, excerptLength: excerptLength,
               ranking: ranking };
    })
  });
  // A search run while Pagefind still loads its filter chunks counts only the filters
  // loaded so far, and the UI keeps that partial list (a page opened with ?q= showed
  // "Concepts" but no "Channel"). Typing searches again and mends it; a ?q= search runs
  // once, so it waits until the UI has all its filters (bundles.js says if there are).
  function whenFiltersLoaded(run) {
    if (window.notegraphSearchFilters === false) return run();
    var el = document.getElementById("search"), done = false, watch, timer;
    function go() {
      if (done) return;
      done = true;
      if (watch) watch.disconnect();
      clearTimeout(timer);
      run();
    }
    if (el.querySelector(".pagefind-ui__filter-panel")) return go();
    watch = new MutationObserver(function () {
      if (el.querySelector(".pagefind-ui__filter-panel")) go();
    });
    watch.observe(el, { childList: true, subtree: true });
    timer = setTimeout(go, 15000);  // a filter chunk that never comes: search anyway
    // the UI loads Pagefind (and its filters) when its box gets focus
    var box = el.querySelector(".pagefind-ui__search-input");
    if (box) box.dispatchEvent(new FocusEvent("focus"));
  }

  if (q) whenFiltersLoaded(function () { ui.triggerSearch(q); });
})();
