/* notegraph search page: Pagefind's UI, with result URLs made relative to wherever the
   site is served (works from a sub-path such as a GitHub Pages project site). */
(function () {
  "use strict";
  if (typeof PagefindUI === "undefined") return;
  var root = document.documentElement.getAttribute("data-root") || "./";
  var base = new URL(root, window.location.href).pathname;  // e.g. /podcast-notes/
  var q = new URLSearchParams(window.location.search).get("q") || "";
  var ui = new PagefindUI({
    element: "#search", baseUrl: base, showSubResults: true, showImages: false,
    resetStyles: false, autofocus: true
  });
  if (q) ui.triggerSearch(q);
})();
