/* notegraph search page: Pagefind's UI over every shard of the index, with result URLs
   made relative to wherever the site is served (works from a sub-path such as a GitHub
   Pages project site). The index is split in shards (pagefind/shard-N/, listed by
   pagefind/bundles.js); shard 0 is the primary bundle, the others are merged into it:
   Pagefind searches all of them, sorts the results by score and sums filter counts. */
(function () {
  "use strict";
  if (typeof PagefindUI === "undefined") return;
  var root = document.documentElement.getAttribute("data-root") || "./";
  var base = new URL(root, window.location.href).pathname;  // e.g. /podcast-notes/
  var index = base + "pagefind/";
  var bundles = window.notegraphSearchBundles || ["shard-0/"];
  var excerptLength = 12;  // the UI sets it on the primary bundle only: same for all
  var q = new URLSearchParams(window.location.search).get("q") || "";
  var ui = new PagefindUI({
    element: "#search", bundlePath: index + bundles[0], baseUrl: base,
    excerptLength: excerptLength, showSubResults: true, showImages: false,
    resetStyles: false, autofocus: true,
    mergeIndex: bundles.slice(1).map(function (b) {
      return { bundlePath: index + b, baseUrl: base, excerptLength: excerptLength };
    })
  });
  if (q) ui.triggerSearch(q);
})();
