/* notegraph global graph: pan, zoom, hover labels and find-a-note. The SVG is complete
   without this script (every node is a link with a title); this only adds comfort. */
(function () {
  "use strict";
  var frame = document.querySelector(".graph-frame");
  var svg = frame && frame.querySelector("svg.ng-global");
  if (!svg) return;
  var vb = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  var home = vb.slice();
  function apply() { svg.setAttribute("viewBox", vb.join(" ")); scheduleLabels(); }
  function toSvg(ev) {
    var r = svg.getBoundingClientRect();
    var s = Math.max(vb[2] / r.width, vb[3] / r.height);  // preserveAspectRatio: meet
    var ox = (r.width * s - vb[2]) / 2, oy = (r.height * s - vb[3]) / 2;
    return [vb[0] - ox + (ev.clientX - r.left) * s, vb[1] - oy + (ev.clientY - r.top) * s, s];
  }
  function zoom(factor, at) {
    var w = vb[2] * factor, h = vb[3] * factor;
    if (w < home[2] / 200 || w > home[2] * 4) return;
    vb = [at[0] - (at[0] - vb[0]) * factor, at[1] - (at[1] - vb[1]) * factor, w, h];
    apply();
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    zoom(ev.deltaY > 0 ? 1.2 : 1 / 1.2, toSvg(ev));
  }, { passive: false });
  var drag = null, moved = false;
  svg.addEventListener("pointerdown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, vb: vb.slice(), s: toSvg(ev)[2] };
    moved = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
    if (!moved) return;
    vb = [drag.vb[0] - dx * drag.s, drag.vb[1] - dy * drag.s, vb[2], vb[3]];
    apply();
  });
  window.addEventListener("pointerup", function () { drag = null; });
  // a drag that ends on a node is a pan, not a click
  svg.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); moved = false; } }, true);

  var tip = document.createElement("div");
  tip.className = "graph-tip"; tip.hidden = true; frame.appendChild(tip);
  svg.addEventListener("mouseover", function (ev) {
    var a = ev.target.closest("a");
    var t = a && a.querySelector("title");
    if (!t) return;
    tip.textContent = t.textContent;
    var r = frame.getBoundingClientRect(), c = a.getBoundingClientRect();
    tip.style.left = Math.min(c.right - r.left + 6, r.width - 200) + "px";
    tip.style.top = (c.top - r.top - 4) + "px";
    tip.hidden = false;
  });
  svg.addEventListener("mouseout", function (ev) { if (!ev.relatedTarget || !svg.contains(ev.relatedTarget)) tip.hidden = true; });

  var buttons = { "zoom-in": function () { zoom(1 / 1.5, [vb[0] + vb[2] / 2, vb[1] + vb[3] / 2]); },
    "zoom-out": function () { zoom(1.5, [vb[0] + vb[2] / 2, vb[1] + vb[3] / 2]); },
    "zoom-reset": function () { vb = home.slice(); apply(); } };
  Object.keys(buttons).forEach(function (id) {
    var b = document.getElementById(id);
    if (b) b.addEventListener("click", buttons[id]);
  });

  var find = document.getElementById("graph-find");
  if (find) {
    find.addEventListener("input", function () {
      var q = find.value.trim().toLowerCase();
      var hits = 0, first = null;
      svg.querySelectorAll(".ng-nodes a").forEach(function (a) {
        var t = a.querySelector("title");
        var hit = q.length > 1 && t && t.textContent.toLowerCase().indexOf(q) >= 0;
        a.classList.toggle("ng-hit", !!hit);
        if (hit) { hits++; if (!first) first = a; }
      });
      svg.classList.toggle("ng-dim", q.length > 1);
      var out = document.getElementById("graph-find-count");
      if (out) out.textContent = q.length > 1 ? hits + " found" : "";
      if (first && hits <= 3) frame_(first);
    });
  }

  // ---- Labels: as many as fit without overlapping, most connected nodes first ----------
  // Labels keep one screen size whatever the zoom, so zooming in reveals more of them
  // (as in Quartz). Placement is greedy: a label whose box meets a placed one is hidden.
  var labelLayer = svg.querySelector(".ng-labels");
  var LABEL_PX = 12, MAX_TRIED = 400, pending = false;  // nodes tried per placement
  var nodes = Array.prototype.map.call(svg.querySelectorAll(".ng-nodes a"), function (a) {
    var c = a.querySelector("circle"), t = a.querySelector("title");
    var name = t ? t.textContent.replace(/ \([^()]*\)$/, "") : "";
    return { a: a, x: +c.getAttribute("cx"), y: +c.getAttribute("cy"),
             r: +c.getAttribute("r"), name: name,
             group: c.getAttribute("class").split(" ")[0] };  // "c3": community 3
  });
  nodes.sort(function (p, q) { return q.r - p.r || (p.name < q.name ? -1 : 1); });
  var seenGroup = {};  // the biggest dot of each community is its hub
  nodes.forEach(function (n) { n.hub = !seenGroup[n.group]; seenGroup[n.group] = true; });
  function scheduleLabels() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; placeLabels(); });
  }
  function placeLabels() {
    if (!labelLayer) return;
    var box = svg.getBoundingClientRect();
    if (!box.width) return;
    var unit = Math.max(vb[2] / box.width, vb[3] / box.height);  // svg units per px
    var size = LABEL_PX * unit, placed = [];
    // the x range shown: the picture keeps its aspect, so one axis shows more than vb
    var left = vb[0] + vb[2] / 2 - box.width * unit / 2, right = left + box.width * unit;
    labelLayer.textContent = "";
    labelLayer.setAttribute("data-js", "1");
    var tried = 0, shown = nodes.filter(function (o) {
      return o.x + o.r >= left && o.x - o.r <= right &&
             o.y + o.r >= vb[1] && o.y - o.r <= vb[1] + vb[3]; });
    nodes.forEach(function (n) {
      if (tried >= MAX_TRIED) return;
      if (n.x < vb[0] || n.x > vb[0] + vb[2] || n.y < vb[1] || n.y > vb[1] + vb[3]) return;
      tried++;
      var t = document.createElementNS("http://www.w3.org/2000/svg", "text");
      t.style.fontSize = size.toFixed(3) + "px";
      t.style.strokeWidth = (size * 0.25).toFixed(3) + "px";
      t.textContent = n.name.length > 32 ? n.name.slice(0, 31) + "…" : n.name;
      labelLayer.appendChild(t);
      // above the dot, below, right or left of it: the spot that covers the fewest dots,
      // never a placed label. A community's hub may cover smaller dots (in a cluster of
      // hundreds every spot does, and the cluster would go unnamed); any other label
      // covers no dot at all (a label over dots hides them and reads poorly).
      var gap = n.r + size * 0.3, mid = n.y + size * 0.35, spots = [
        [n.x, n.y - n.r - size * 0.35, "middle"], [n.x, n.y + n.r + size * 0.95, "middle"],
        [n.x + gap, mid, "start"], [n.x - gap, mid, "end"]], best = null;
      for (var i = 0; i < spots.length && !(best && best.covered === 0); i++) {
        var got = fit(t, n, spots[i]);
        if (got && (!best || got.covered < best.covered)) best = got;
      }
      if (best) {
        fit(t, n, best.spot);
        placed.push(best.rect);
      } else labelLayer.removeChild(t);
    });
    function fit(t, n, spot) {
      t.setAttribute("x", spot[0].toFixed(2));
      t.setAttribute("y", spot[1].toFixed(2));
      t.style.textAnchor = spot[2];
      var b = t.getBBox(), pad = size * 0.15;
      // a label near the edge slides inward rather than run off the picture
      var shift = Math.max(0, left + pad - b.x) - Math.max(0, b.x + b.width + pad - right);
      if (shift && b.width + 2 * pad <= right - left) {
        t.setAttribute("x", (spot[0] + shift).toFixed(2));
        b = t.getBBox();
      }
      var rect = { x: b.x - pad, y: b.y - pad, w: b.width + 2 * pad, h: b.height + 2 * pad };
      var meets = function (p) {
        return rect.x < p.x + p.w && p.x < rect.x + rect.w &&
               rect.y < p.y + p.h && p.y < rect.y + rect.h;
      };
      if (placed.some(meets)) return null;
      var covered = 0;
      for (var k = 0; k < shown.length; k++) {
        var o = shown[k];
        if (o === n || !meets({ x: o.x - o.r, y: o.y - o.r, w: 2 * o.r, h: 2 * o.r })) continue;
        if (!n.hub || o.r >= n.r) return null;
        covered++;
      }
      return { rect: rect, covered: covered, spot: spot };
    }
  }
  placeLabels();
  window.addEventListener("resize", scheduleLabels);

  // ---- Find: frame the node with its neighbours (read from the edge path) -------------
  var segments = [];
  var path = svg.querySelector(".ng-edges");
  if (path) {
    var re = /M\s*(-?[\d.]+)[ ,](-?[\d.]+)\s*L\s*(-?[\d.]+)[ ,](-?[\d.]+)/g, m;
    var d = path.getAttribute("d") || "";
    while ((m = re.exec(d))) segments.push([+m[1], +m[2], +m[3], +m[4]]);
  }
  function frame_(a) {
    var c = a.querySelector("circle");
    var x = +c.getAttribute("cx"), y = +c.getAttribute("cy"), near = 0.06;
    var xs = [x], ys = [y];
    segments.forEach(function (s) {
      if (Math.abs(s[0] - x) < near && Math.abs(s[1] - y) < near) { xs.push(s[2]); ys.push(s[3]); }
      else if (Math.abs(s[2] - x) < near && Math.abs(s[3] - y) < near) { xs.push(s[0]); ys.push(s[1]); }
    });
    // centred on the node, wide enough for its farthest neighbour on each axis
    var dx = Math.max.apply(null, xs.map(function (v) { return Math.abs(v - x); }));
    var dy = Math.max.apply(null, ys.map(function (v) { return Math.abs(v - y); }));
    var box = svg.getBoundingClientRect(), aspect = box.height / box.width || vb[3] / vb[2];
    var w = Math.max(2 * dx, home[2] / 12) * 1.2, h = Math.max(2 * dy, home[3] / 12) * 1.2;
    if (h / w > aspect) w = h / aspect; else h = w * aspect;
    vb = [x - w / 2, y - h / 2, w, h];
    apply();
  }
})();
