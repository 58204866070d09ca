/* notegraph: dark mode, hover previews, timestamps that seek the embedded player. */
(function () {
  "use strict";
  var doc = document.documentElement;
  var root = doc.getAttribute("data-root") || "./";

  // Dark mode: an explicit choice is remembered; otherwise the system setting applies.
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var dark = doc.dataset.theme ? doc.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      doc.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("notegraph-theme", doc.dataset.theme); } catch (e) { /* private mode */ }
    });
  }

  // Timestamps: seek the page's player when it plays the same video or episode, else
  // follow the link (YouTube, or the episode's audio at that time).
  var player = document.getElementById("player");
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a.yt-timestamp[data-seconds]");
    if (!a || !player || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    var vid = a.getAttribute("data-video-id") || player.getAttribute("data-video-id");
    if (vid !== player.getAttribute("data-video-id")) return;
    ev.preventDefault();
    var t = parseInt(a.getAttribute("data-seconds"), 10) || 0;
    player.setAttribute("data-current", String(t));
    if (player.tagName === "AUDIO") {
      // Before its metadata has loaded an <audio> cannot seek: seek once it has.
      var seek = function () {
        player.currentTime = t;
        var playing = player.play();
        if (playing && playing.catch) playing.catch(function () { /* autoplay refused */ });
      };
      if (player.readyState >= 1) seek();
      else { player.addEventListener("loadedmetadata", seek, { once: true }); player.load(); }
      return;
    }
    seekYouTube(player, t);
    player.scrollIntoView({ behavior: "smooth", block: "center" });
  });
  if (player && player.tagName === "IFRAME") youTubeApi();  // load it now: the first click seeks at once

  // ---- YouTube player: seeking through the IFrame API --------------------------------
  // Kept apart from the click handling above so that other players (an <audio> element
  // for podcast episodes) can sit beside it. The embed has enablejsapi=1; the API
  // (youtube.com/iframe_api) takes over the existing iframe, so a playing video jumps
  // instead of reloading. Only when the API cannot load (offline) is the iframe
  // reloaded at the time.
  var ytApi = null, ytPlayer = null;
  function youTubeApi() {
    if (ytApi) return ytApi;
    ytApi = new Promise(function (resolve, reject) {
      if (window.YT && window.YT.Player) { resolve(window.YT); return; }
      var previous = window.onYouTubeIframeAPIReady;
      window.onYouTubeIframeAPIReady = function () {
        if (previous) previous();
        resolve(window.YT);
      };
      var script = document.createElement("script");
      script.src = "https://www.youtube.com/iframe_api";
      script.onerror = reject;
      document.head.appendChild(script);
    });
    ytApi.catch(function () { /* handled where it is used */ });
    return ytApi;
  }
  function seekYouTube(iframe, seconds) {
    youTubeApi().then(function (YT) {
      if (!ytPlayer) {
        ytPlayer = new Promise(function (resolve) {
          var p = new YT.Player(iframe, { events: { onReady: function () { resolve(p); } } });
        });
      }
      return ytPlayer;
    }).then(function (p) {
      p.seekTo(seconds, true);
      p.playVideo();
    }).catch(function () {
      iframe.src = "https://www.youtube-nocookie.com/embed/" +
        encodeURIComponent(iframe.getAttribute("data-video-id")) +
        "?enablejsapi=1&start=" + seconds + "&autoplay=1";
    });
  }

  // Hover previews of linked notes, read from previews/<shard>.json (same hash as build.py).
  var box = document.getElementById("preview");
  var shards = {};
  function shardOf(url) {
    var h = 0;
    for (var i = 0; i < url.length; i++) h = (Math.imul(h, 31) + url.charCodeAt(i)) >>> 0;
    return h % 16;
  }
  function load(url) {
    var n = shardOf(url);
    if (!shards[n]) {
      shards[n] = fetch(root + "previews/" + n + ".json").then(function (r) {
        return r.ok ? r.json() : {};
      }).catch(function () { return {}; });
    }
    return shards[n].then(function (data) { return data[url]; });
  }
  // [title, kind, lead, points]: text nodes only (notes are untrusted text).
  function add(parent, tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text) el.textContent = text;
    parent.appendChild(el);
    return el;
  }
  function showPreview(p) {
    box.textContent = "";
    if (p[1]) add(box, "span", "kind", p[1]);
    add(box, "strong", "", p[0]);
    if (p[2]) add(box, "p", "", p[2]);
    var points = p[3] || [];
    if (points.length) {
      var ul = add(box, "ul", "", "");
      points.forEach(function (t) { add(ul, "li", "", t); });
    }
  }
  var current = null;
  document.addEventListener("mouseover", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-note]");
    if (!a || !box || a === current) return;
    current = a;
    load(a.getAttribute("data-note")).then(function (p) {
      if (current !== a || !p) return;
      showPreview(p);
      var r = a.getBoundingClientRect();
      box.style.left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + window.innerWidth - 400)) + "px";
      box.style.top = (r.bottom + window.scrollY + 6) + "px";
      box.hidden = false;
    });
  });
  document.addEventListener("mouseout", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-note]");
    if (a && a === current && !a.contains(ev.relatedTarget)) { current = null; if (box) box.hidden = true; }
  });
})();
