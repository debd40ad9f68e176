/* Maps of the staff web (Leaflet, vendored; no tile server needed: outlines come as GeoJSON).
 * Each map is a <div data-staff-map="MODE" data-config="ID"> with its settings in <script id=ID>. */
(function () {
  "use strict";
  var CM = window.ChengguanMaps;
  var BLUE = "#1f4e9c", RED = "#a4161a", GREEN = "#1b6e3a", ORANGE = "#b35900", GREY = "#6b6b6b";

  function gridLayer(map, url) {
    if (!url) { return; }
    CM.fetchJson(url).then(function (data) {
      L.geoJSON(data, { style: { color: GREY, weight: 1, fill: false }, interactive: false }).addTo(map);
    }).catch(function () {});
  }

  function caseMarkers(map, config, statusEl) {
    var layer = L.layerGroup().addTo(map);
    function load(scope) {
      var url = config.casesUrl + "?scope=" + encodeURIComponent(scope || config.scope || "open");
      CM.fetchJson(url).then(function (data) {
        layer.clearLayers();
        data.cases.forEach(function (c) {
          var m = L.circleMarker([c.lat, c.lon], {
            radius: 7, color: "#fff", weight: 2, fillColor: c.overdue ? RED : BLUE, fillOpacity: 0.95
          });
          var href = config.caseUrl.replace(/\/0\/$/, "/" + c.id + "/");
          m.bindPopup('<a href="' + href + '">' + CM.escapeHtml(c.number) + "</a><br>" +
            CM.escapeHtml(c.category) + "<br>" + CM.escapeHtml(c.state_label) +
            (c.address ? "<br>" + CM.escapeHtml(c.address) : ""));
          m.addTo(layer);
        });
        if (statusEl) { statusEl.textContent = String(data.cases.length); }
      }).catch(function () {});
    }
    load(config.scope);
    return load;
  }

  function init(el) {
    var config = CM.readJson(el.getAttribute("data-config")) || {};
    var mode = el.getAttribute("data-staff-map");
    var map = CM.createMap(el, config);
    el.setAttribute("tabindex", "0");
    if (mode === "console") {
      gridLayer(map, config.gridsUrl);
      var load = caseMarkers(map, config, document.getElementById(el.id + "-status"));
      var select = document.querySelector('[data-map-scope="' + el.id + '"]');
      if (select) { select.addEventListener("change", function () { load(select.value); }); }
    } else if (mode === "point") {
      var p = config.point;
      L.circleMarker([p[1], p[0]], { radius: 9, color: "#fff", weight: 2, fillColor: RED, fillOpacity: 1 })
        .bindTooltip(config.label || "").addTo(map);
      map.setView([p[1], p[0]], 16);
    } else if (mode === "pick") {
      gridLayer(map, config.gridsUrl);
      var lon = document.getElementById("r-lon"), lat = document.getElementById("r-lat");
      var marker = null;
      var place = function (la, lo, pan) {
        if (marker) { marker.setLatLng([la, lo]); } else {
          marker = L.marker([la, lo], { keyboard: true }).addTo(map);
        }
        if (pan) { map.setView([la, lo], Math.max(map.getZoom(), 16)); }
      };
      if (lon.value && lat.value) { place(parseFloat(lat.value), parseFloat(lon.value), true); }
      map.on("click", function (e) {
        lon.value = e.latlng.lng.toFixed(6);
        lat.value = e.latlng.lat.toFixed(6);
        place(e.latlng.lat, e.latlng.lng, false);
        document.dispatchEvent(new CustomEvent("staff:picked"));
      });
      document.addEventListener("staff:located", function (e) { place(e.detail.lat, e.detail.lon, true); });
    } else if (mode === "coverage") {
      var cov = L.geoJSON(config.coverage, {
        style: function (f) {
          var covered = f.properties.covered >= 0.5;
          return { color: covered ? GREEN : ORANGE, weight: 3, fillOpacity: 0.25 };
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(CM.escapeHtml(f.properties.name) + " " + Math.round(f.properties.covered * 100) + " %");
        }
      }).addTo(map);
      (config.track || []).forEach(function (pt) {
        L.circleMarker([pt[1], pt[0]], { radius: 3, color: BLUE, weight: 1, fillOpacity: 0.8 }).addTo(map);
      });
      if (config.coverage.features.length) { map.fitBounds(cov.getBounds(), { padding: [12, 12] }); }
    } else if (mode === "beats") {
      var beats = L.geoJSON(config.beats, {
        style: { color: BLUE, weight: 4, fillOpacity: 0.15 },
        onEachFeature: function (f, l) {
          l.bindPopup(CM.popupHtml([["", f.properties.code + " " + f.properties.name],
            ["", f.properties.squadron], ["", f.properties.officer]]));
        }
      }).addTo(map);
      (config.officers || []).forEach(function (o) {
        L.circleMarker([o.lat, o.lon], { radius: 8, color: "#fff", weight: 2, fillColor: GREEN, fillOpacity: 1 })
          .bindTooltip(CM.escapeHtml(o.name)).addTo(map);
      });
      if (config.beats.features.length) { map.fitBounds(beats.getBounds(), { padding: [12, 12] }); }
    } else if (mode === "heat") {
      var max = config.heatMax || 1;
      var labels = config.labels || {};
      (config.heat || []).forEach(function (c) {
        var share = c.open / max;
        L.rectangle([[c.b[1], c.b[0]], [c.b[3], c.b[2]]], {
          color: c.overdue ? RED : BLUE, weight: c.overdue ? 2 : 0.5,
          fillColor: BLUE, fillOpacity: 0.15 + 0.7 * share
        }).bindTooltip(labels.open + ": " + c.open + " · " + labels.overdue + ": " + c.overdue).addTo(map);
      });
    }
  }

  function start() {
    if (!window.L || !CM) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-staff-map]"), init);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
