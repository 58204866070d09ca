/* notegraph global graph: pan, zoom, hover labels and find-a-note. The SVG is complete
   without this script (every node is a link with a title); this only adds comfort. */
(function () {
  "use strict";
  var frame = document.querySelector(".graph-frame");
  var svg = frame && frame.querySelector("svg.ng-global");
  if (!svg) return;
  var vb = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  var home = vb.slice();
  function apply() { svg.setAttribute("viewBox", vb.join(" ")); }
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
      if (first && hits <= 3) {
        var c = first.querySelector("circle");
        var x = +c.getAttribute("cx"), y = +c.getAttribute("cy"), w = Math.min(vb[2], home[2] / 6);
        vb = [x - w / 2, y - w / 2 * vb[3] / vb[2], w, w * vb[3] / vb[2]];
        apply();
      }
    });
  }
})();
