/* The city map in the admin: toggleable territory layers loaded from /geo/layers/<layer>.geojson.
 *
 * Configuration (layers, styles, translated labels) comes from the page in <script id="city-map-config">.
 * Each layer is fetched the first time it is shown; layers sharing a URL share one request.
 */
(function () {
  "use strict";
  var CM = window.ChengguanMaps;

  function init() {
    var config = CM.readJson("city-map-config");
    var mapEl = document.getElementById("city-map");
    var statusEl = document.getElementById("city-map-status");
    if (!config || !mapEl || !window.L) { return; }
    var labels = config.labels;
    var values = config.values;
    var names = config.names;
    var map = CM.createMap(mapEl, config);
    mapEl.setAttribute("tabindex", "0");
    var requests = {};

    function load(url) {
      if (!requests[url]) { requests[url] = CM.fetchJson(url); }
      return requests[url];
    }

    function choice(kind, value) {
      return (values[kind] && values[kind][value]) || value;
    }

    function hours(a, b) {
      return a || b ? (a || "…") + "–" + (b || "…") : "";
    }

    function withName(kind, code) {
      var name = names[kind] && names[kind][code];
      return name ? name + " (" + code + ")" : code;
    }

    function popup(p) {
      var rows = [[labels.code, p.code], [labels.name, p.name]];
      if (p.level) { rows.push([labels.level, choice("level", p.level)], [labels.parent, p.parent]); }
      if (p.community) { rows.push([labels.community, p.community], [labels.inspector, p.inspector]); }
      if (p.area_m2 !== undefined) { rows.push([labels.area_m2, Math.round(p.area_m2).toLocaleString()]); }
      if (p.grade) {
        rows.push([labels.grade, choice("grade", p.grade)]);
        rows.push([labels.length_m, Math.round(p.length_m || 0).toLocaleString()]);
      }
      if (p.squadron) {
        rows.push([labels.kind, choice("kind", p.kind)], [labels.road, p.road]);
        rows.push([labels.squadron, withName("squadron", p.squadron)]);
        rows.push([labels.officer, p.officer ? withName("officer", p.officer) : ""]);
        rows.push([labels.post_type, choice("post_type", p.post_type)]);
        rows.push([labels.post_hours, hours(p.post_start, p.post_end)]);
      }
      if (p.opens_at !== undefined) {
        rows.push([labels.opening_hours, hours(p.opens_at, p.closes_at)], [labels.weekdays, p.weekdays]);
        rows.push([labels.permitted_goods, p.permitted_goods], [labels.capacity, p.capacity]);
        rows.push([labels.unit, p.unit], [labels.is_active, p.is_active ? labels.yes : labels.no]);
      }
      return CM.popupHtml(rows);
    }

    function matches(filter, feature) {
      if (!filter) { return true; }
      var p = feature.properties || {};
      return Object.keys(filter).every(function (key) { return p[key] === filter[key]; });
    }

    var overlays = {};
    config.layers.forEach(function (spec) {
      var group = L.featureGroup();
      var loaded = false;
      group.on("add", function () {
        if (loaded) { return; }
        loaded = true;
        load(spec.url).then(function (collection) {
          L.geoJSON(collection, {
            style: function () { return spec.style; },
            filter: function (feature) { return matches(spec.filter, feature); },
            onEachFeature: function (feature, layer) {
              var p = feature.properties || {};
              layer.bindPopup(popup(p));
              layer.bindTooltip(CM.escapeHtml([p.code, p.name].filter(Boolean).join(" ")), { sticky: true });
            }
          }).addTo(group);
        }).catch(function () {
          loaded = false;
          statusEl.textContent = labels.load_failed + " (" + spec.label + ")";
          statusEl.classList.add("geo-status--error");
        });
      });
      var swatch = '<i aria-hidden="true" style="background:' + CM.escapeHtml(spec.style.color) +
        ';display:inline-block;width:18px;height:4px;vertical-align:middle;margin-right:4px"></i>';
      overlays[swatch + CM.escapeHtml(spec.label)] = group;
      if (spec.on) { group.addTo(map); }
    });
    L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
