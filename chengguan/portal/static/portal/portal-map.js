/* Portal maps: pick a point (report, petition) and show vending zones. Leaflet is vendored; the map
   draws the city's outline from GeoJSON and uses background tiles only when the server set some. */
(function () {
  "use strict";

  function config() {
    var node = document.getElementById("map-config");
    return node ? JSON.parse(node.textContent) : {};
  }

  function baseMap(elementId, cfg) {
    var map = L.map(elementId, { zoomSnap: 0.25, attributionControl: !!cfg.tileUrl });
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution || "", maxZoom: 20 }).addTo(map);
    }
    map.setView([30, 115], 4);
    return map;
  }

  function drawCity(map, cfg, fit) {
    return fetch(cfg.cityUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          interactive: false,
          style: function (feature) {
            var level = feature.properties.level;
            return { color: level === "city" ? "#0b6e4f" : "#5f6b66", weight: level === "city" ? 3 : 1,
                     fill: level === "city", fillOpacity: 0.04, dashArray: level === "street" ? "4 4" : null };
          }
        }).addTo(map);
        if (fit && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
        return layer;
      });
  }

  function picker(mapId, lonId, latId, buttonId, pickedId, text) {
    var cfg = config();
    var lonInput = document.getElementById(lonId);
    var latInput = document.getElementById(latId);
    var picked = document.getElementById(pickedId);
    var map = baseMap(mapId, cfg);
    var marker = null;
    function place(lat, lon, label) {
      lonInput.value = lon.toFixed(6);
      latInput.value = lat.toFixed(6);
      if (marker) { marker.setLatLng([lat, lon]); } else { marker = L.marker([lat, lon]).addTo(map); }
      picked.textContent = (label ? label + ": " : "") + lat.toFixed(5) + ", " + lon.toFixed(5);
    }
    drawCity(map, cfg, true).then(function () {
      if (lonInput.value && latInput.value) {
        place(parseFloat(latInput.value), parseFloat(lonInput.value));
        map.setView([parseFloat(latInput.value), parseFloat(lonInput.value)], 16);
      }
    });
    map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); });
    var button = document.getElementById(buttonId);
    if (!navigator.geolocation) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        place(pos.coords.latitude, pos.coords.longitude, text.located);
        map.setView([pos.coords.latitude, pos.coords.longitude], 16);
      }, function () { picked.textContent = text.denied; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  function zones(mapId, text) {
    var cfg = config();
    var map = baseMap(mapId, cfg);
    drawCity(map, cfg, true).then(function () {
      return fetch(cfg.zonesUrl, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); });
    }).then(function (collection) {
      L.geoJSON(collection, {
        style: function (f) { return { color: f.properties.open_now ? "#0b6e4f" : "#b00020", weight: 2, fillOpacity: 0.25 }; },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          var box = document.createElement("div");
          var title = document.createElement("strong");
          title.textContent = p.name;
          box.appendChild(title);
          [[text.hours, p.hours + " " + p.days], [text.goods, p.goods], [text.stalls, p.stalls],
           ["", p.open_now ? text.open : text.closed]].forEach(function (row) {
            if (row[1] === "" || row[1] === null || row[1] === undefined) { return; }
            var line = document.createElement("div");
            line.textContent = (row[0] ? row[0] + ": " : "") + row[1];
            box.appendChild(line);
          });
          layer.bindPopup(box);
        }
      }).addTo(map);
    });
  }

  window.PortalMap = { picker: picker, zones: zones };
})();
