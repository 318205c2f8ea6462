// Zoom with Ctrl and the wheel (or a pinch), pan by dragging, reset with a double click;
// pointing at a node lights up its links and neighbours. Without this script the drawing is
// only static. The plain wheel is left to scroll the page, which a tall drawing needs.
(function () {
  "use strict";
  var svg = document.querySelector("svg.ef-drawing");
  var canvas = svg && svg.parentNode;
  if (svg && canvas) {
    var full = svg.viewBox.baseVal;
    var W = full.width;
    var H = full.height;
    var view = { x: 0, y: 0, w: W, h: H };

    var apply = function () {
      svg.setAttribute(
        "viewBox",
        [view.x, view.y, view.w, view.h].map(function (v) { return v.toFixed(2); }).join(" ")
      );
    };
    // The view keeps the element's proportions, so that drawing units map to pixels the same
    // way across and down.
    var sized = function (scale, cx, cy) {
      var r = svg.getBoundingClientRect();
      if (!r.width || !r.height) { return false; }
      view.w = r.width / scale;
      view.h = r.height / scale;
      view.x = cx - view.w / 2;
      view.y = cy - view.h / 2;
      return true;
    };
    var scale = function () {
      var r = svg.getBoundingClientRect();
      return r.width / view.w;
    };
    // At first: full width, never enlarged, from the top.
    var reset = function () {
      var r = svg.getBoundingClientRect();
      var s = Math.min(1, r.width / W);
      if (sized(s, W / 2, 0)) { view.y = 0; apply(); }
    };
    var fit = function () {
      var r = svg.getBoundingClientRect();
      if (sized(Math.min(r.width / W, r.height / H), W / 2, H / 2)) { apply(); }
    };
    var zoom = function (factor, clientX, clientY) {
      var r = svg.getBoundingClientRect();
      var s = Math.max(0.05, Math.min(8, scale() * factor));
      var fx = (clientX - r.left) / r.width;
      var fy = (clientY - r.top) / r.height;
      var px = view.x + fx * view.w;
      var py = view.y + fy * view.h;
      view.w = r.width / s;
      view.h = r.height / s;
      view.x = px - fx * view.w;
      view.y = py - fy * view.h;
      apply();
    };

    svg.addEventListener("wheel", function (e) {
      if (!e.ctrlKey && !e.metaKey) { return; }
      e.preventDefault();
      var delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      zoom(Math.exp(-delta * 0.0015), e.clientX, e.clientY);
    }, { passive: false });

    var drag = null;
    svg.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) { return; }
      drag = { x: e.clientX, y: e.clientY };
      svg.setPointerCapture(e.pointerId);
      canvas.classList.add("panning");
    });
    svg.addEventListener("pointermove", function (e) {
      if (!drag) { return; }
      var s = scale();
      view.x -= (e.clientX - drag.x) / s;
      view.y -= (e.clientY - drag.y) / s;
      drag = { x: e.clientX, y: e.clientY };
      apply();
    });
    var stop = function () {
      drag = null;
      canvas.classList.remove("panning");
    };
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
    svg.addEventListener("dblclick", reset);

    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var r = svg.getBoundingClientRect();
        var cx = r.left + r.width / 2;
        var cy = r.top + r.height / 2;
        var what = button.getAttribute("data-zoom");
        if (what === "in") { zoom(1.25, cx, cy); }
        else if (what === "out") { zoom(0.8, cx, cy); }
        else if (what === "fit") { fit(); }
        else { reset(); }
      });
    });
    window.addEventListener("resize", function () {
      var r = svg.getBoundingClientRect();
      if (r.width && r.height) {
        view.h = view.w * r.height / r.width;
        apply();
      }
    });

    var links = Array.prototype.slice.call(svg.querySelectorAll(".link, .link-label"));
    var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
    var clear = function () {
      svg.classList.remove("focus");
      svg.querySelectorAll(".lit").forEach(function (el) { el.classList.remove("lit"); });
    };
    nodes.forEach(function (node) {
      node.addEventListener("pointerenter", function () {
        if (drag) { return; }
        var near = {};
        near[node.id] = true;
        links.forEach(function (link) {
          var from = link.getAttribute("data-from");
          var to = link.getAttribute("data-to");
          if (from === node.id || to === node.id) {
            link.classList.add("lit");
            near[from] = true;
            near[to] = true;
          }
        });
        nodes.forEach(function (other) {
          if (near[other.id]) { other.classList.add("lit"); }
        });
        svg.classList.add("focus");
      });
      node.addEventListener("pointerleave", clear);
    });

    reset();
  }
  document.body.dataset.eventflow = "ready";
})();
