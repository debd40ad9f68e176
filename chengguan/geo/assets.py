"""Static paths of the vendored map libraries (see static/geo/vendor/README.md), in one place."""

from __future__ import annotations

LEAFLET_DIR = "geo/vendor/leaflet-1.9.4"
GEOMAN_DIR = "geo/vendor/leaflet-geoman-free-2.20.2"

LEAFLET_JS = f"{LEAFLET_DIR}/leaflet.js"
LEAFLET_CSS = f"{LEAFLET_DIR}/leaflet.css"
GEOMAN_JS = f"{GEOMAN_DIR}/leaflet-geoman.min.js"
GEOMAN_CSS = f"{GEOMAN_DIR}/leaflet-geoman.css"
MAPS_CSS = "geo/maps.css"
MAPS_COMMON_JS = "geo/maps-common.js"
GEOMETRY_WIDGET_JS = "geo/geometry-widget.js"
CITY_MAP_JS = "geo/city-map.js"
