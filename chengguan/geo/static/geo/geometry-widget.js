/* Map editor for a GeoJSON geometry textarea (chengguan.geo.widgets.GeometryWidget).
 *
 * The textarea is the submitted value. Drawing, editing, cutting or removing on the map rewrites it;
 * typing in it redraws the map. Without JavaScript the textarea alone still works.
 */
(function () {
  "use strict";
  var CM = window.ChengguanMaps;
  var EDIT_STYLE = { color: "#c0392b", weight: 3, opacity: 0.9, fillOpacity: 0.25 };
  var CONTEXT_STYLE = { color: "#566573", weight: 1, opacity: 0.6, fillOpacity: 0.05, dashArray: "4 3" };

  function isPolygonal(type) { return type === "Polygon" || type === "MultiPolygon"; }
  function isLinear(type) { return type === "LineString" || type === "MultiLineString"; }

  /* Split a geometry into single parts so each can be edited on its own. */
  function parts(geometry) {
    if (!geometry || !geometry.type) { return []; }
    if (geometry.type === "Feature") { return parts(geometry.geometry); }
    if (geometry.type === "FeatureCollection") {
      return (geometry.features || []).reduce(function (acc, f) { return acc.concat(parts(f)); }, []);
    }
    if (geometry.type === "GeometryCollection") {
      return (geometry.geometries || []).reduce(function (acc, g) { return acc.concat(parts(g)); }, []);
    }
    if (geometry.type === "MultiPolygon") {
      return geometry.coordinates.map(function (c) { return { type: "Polygon", coordinates: c }; });
    }
    if (geometry.type === "MultiLineString") {
      return geometry.coordinates.map(function (c) { return { type: "LineString", coordinates: c }; });
    }
    if (geometry.type === "Polygon" || geometry.type === "LineString") { return [geometry]; }
    throw new Error("unsupported geometry type " + geometry.type);
  }

  /* Buttons of the geoman toolbar are not focusable by default: make them reachable by keyboard. */
  function makeToolbarAccessible(container) {
    var buttons = container.querySelectorAll(".leaflet-pm-toolbar .button-container");
    Array.prototype.forEach.call(buttons, function (node) {
      var button = node.querySelector(".leaflet-buttons-control-button");
      if (!button || button.getAttribute("data-a11y")) { return; }
      button.setAttribute("data-a11y", "1");
      button.setAttribute("tabindex", "0");
      button.setAttribute("role", "button");
      var title = node.getAttribute("title") || button.getAttribute("title");
      if (title) { button.setAttribute("aria-label", title); }
      button.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          button.click();
        }
      });
    });
  }

  function init(container) {
    var config = CM.readJson(container.getAttribute("data-geo-widget"));
    if (!config || !window.L || !L.PM) { return; }
    var textarea = document.getElementById(config.textarea);
    var mapEl = container.querySelector(".geo-map");
    var statusEl = container.querySelector(".geo-status");
    if (!textarea || !mapEl) { return; }
    var labels = config.labels || {};
    var canPolygon = config.draw.indexOf("polygon") >= 0;
    var canLine = config.draw.indexOf("line") >= 0;

    var map = CM.createMap(mapEl, config);
    mapEl.setAttribute("tabindex", "0");
    map.pm.setLang(CM.lang());
    var group = L.featureGroup().addTo(map);
    map.pm.setGlobalOptions({ layerGroup: group, pathOptions: EDIT_STYLE, snappable: true });
    map.pm.addControls({
      position: "topleft",
      drawMarker: false,
      drawCircleMarker: false,
      drawCircle: false,
      drawText: false,
      drawPolygon: canPolygon,
      drawRectangle: canPolygon,
      cutPolygon: canPolygon,
      drawPolyline: canLine,
      editMode: true,
      dragMode: true,
      removalMode: true,
      rotateMode: false
    });
    makeToolbarAccessible(mapEl);

    function setStatus(text, isError) {
      statusEl.textContent = text || "";
      statusEl.classList.toggle("geo-status--error", !!isError);
    }

    function addPart(geometry) {
      L.geoJSON(geometry, { style: function () { return EDIT_STYLE; } }).eachLayer(function (layer) {
        group.addLayer(layer);
      });
    }

    /* Text → map. Returns false when the text cannot be drawn. */
    function loadFromText(fit) {
      var text = textarea.value.trim();
      if (!text) {
        group.clearLayers();
        setStatus("");
        return true;
      }
      var pieces;
      try {
        pieces = parts(JSON.parse(text));
      } catch (err) {
        setStatus(labels.invalid, true);
        return false;
      }
      group.clearLayers();
      pieces.forEach(addPart);
      setStatus("");
      if (fit && group.getLayers().length) {
        map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 18 });
      }
      return true;
    }

    /* Map → text: every part of one kind, merged into a (Multi)Polygon or (Multi)LineString. */
    function writeToText(message) {
      var polygons = [];
      var lines = [];
      group.eachLayer(function (layer) {
        if (!layer.toGeoJSON) { return; }
        var g = layer.toGeoJSON(8).geometry;
        if (!g) { return; }
        if (g.type === "Polygon") { polygons.push(g.coordinates); }
        else if (g.type === "MultiPolygon") { polygons = polygons.concat(g.coordinates); }
        else if (g.type === "LineString") { lines.push(g.coordinates); }
        else if (g.type === "MultiLineString") { lines = lines.concat(g.coordinates); }
      });
      var geometry = null;
      if (polygons.length) {
        geometry = polygons.length === 1
          ? { type: "Polygon", coordinates: polygons[0] }
          : { type: "MultiPolygon", coordinates: polygons };
      } else if (lines.length) {
        geometry = lines.length === 1
          ? { type: "LineString", coordinates: lines[0] }
          : { type: "MultiLineString", coordinates: lines };
      }
      textarea.value = geometry ? JSON.stringify(geometry) : "";
      setStatus(message || (geometry ? labels.updated : labels.cleared));
    }

    map.on("pm:create", function (event) {
      var created = event.layer;
      var createdType = created.toGeoJSON().geometry.type;
      var mixed = false;
      group.eachLayer(function (layer) {
        if (layer === created) { return; }
        var t = layer.toGeoJSON().geometry.type;
        if ((isPolygonal(t) && isLinear(createdType)) || (isLinear(t) && isPolygonal(createdType))) {
          group.removeLayer(layer);
          mixed = true;
        }
      });
      if (!group.hasLayer(created)) { group.addLayer(created); }
      writeToText(mixed ? labels.mixed : null);
    });
    group.on("pm:edit pm:dragend", function () { writeToText(); });
    map.on("pm:remove pm:cut", function () { writeToText(); });
    map.on("pm:globaleditmodetoggled pm:globaldragmodetoggled", function (event) {
      if (!event.enabled) { writeToText(); }
    });

    var timer = null;
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { loadFromText(false); }, 300);
    });

    if (!loadFromText(true)) {
      var details = container.querySelector("details");
      if (details) { details.open = true; }
    }

    if (config.contextUrl) {
      CM.fetchJson(config.contextUrl).then(function (collection) {
        var context = L.geoJSON(collection, {
          pmIgnore: true,
          interactive: true,
          style: function () { return CONTEXT_STYLE; },
          filter: function (feature) {
            return !config.contextExclude || !feature.properties || feature.properties.code !== config.contextExclude;
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties || {};
            layer.bindTooltip(CM.escapeHtml([p.code, p.name].filter(Boolean).join(" ")), { sticky: true });
          }
        }).addTo(map);
        context.bringToBack();
        if (!group.getLayers().length && context.getLayers().length) {
          map.fitBounds(context.getBounds(), { padding: [12, 12] });
        }
      }).catch(function () { setStatus(labels.load_failed, true); });
    }

    // The admin may render the map while hidden (collapsed fieldsets, tabs): fix the size when seen.
    if (window.IntersectionObserver) {
      new IntersectionObserver(function () { map.invalidateSize(); }).observe(mapEl);
    }
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-geo-widget]"), function (node) {
      if (node.getAttribute("data-geo-ready")) { return; }
      node.setAttribute("data-geo-ready", "1");
      try { init(node); } catch (err) { if (window.console) { console.error(err); } }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
