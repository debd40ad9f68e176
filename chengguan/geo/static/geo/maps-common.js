/* Shared helpers for the admin maps (no globals other than window.ChengguanMaps). */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function lang() {
    var l = (document.documentElement.getAttribute("lang") || "en").toLowerCase();
    return l.indexOf("zh") === 0 ? "zh" : "en";
  }

  /* A Leaflet map on a plain background; a tile layer only when the server configured one. */
  function createMap(element, config) {
    element.hidden = false;
    var map = L.map(element, { keyboard: true, zoomSnap: 0.25, attributionControl: !!config.tileUrl });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 20 }).addTo(map);
    }
    if (config.extent) {
      fitExtent(map, config.extent);
    } else {
      map.setView([30, 115], 4);
    }
    return map;
  }

  function fitExtent(map, e) {
    map.fitBounds([[e[1], e[0]], [e[3], e[2]]], { padding: [12, 12] });
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        if (!response.ok) { throw new Error(response.status + " " + url); }
        return response.json();
      }
    );
  }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  /* A definition list of [label, value] rows, skipping empty values. */
  function popupHtml(rows) {
    var html = '<dl class="geo-popup">';
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") { return; }
      html += "<dt>" + escapeHtml(row[0]) + "</dt><dd>" + escapeHtml(row[1]) + "</dd>";
    });
    return html + "</dl>";
  }

  window.ChengguanMaps = {
    readJson: readJson,
    lang: lang,
    createMap: createMap,
    fitExtent: fitExtent,
    fetchJson: fetchJson,
    escapeHtml: escapeHtml,
    popupHtml: popupHtml
  };
})();
