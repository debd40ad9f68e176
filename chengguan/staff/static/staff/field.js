/* Field pages: the phone's position for a report, and positions posted while a patrol runs. */
(function () {
  "use strict";

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function reportPage() {
    var status = document.getElementById("geo-status");
    var button = document.getElementById("geo-locate");
    var lon = document.getElementById("r-lon"), lat = document.getElementById("r-lat");
    if (!status || !lon) { return; }
    function say(key) { status.textContent = status.getAttribute("data-" + key); }
    function locate() {
      if (!navigator.geolocation) { say("denied"); return; }
      say("locating");
      navigator.geolocation.getCurrentPosition(function (pos) {
        lon.value = pos.coords.longitude.toFixed(6);
        lat.value = pos.coords.latitude.toFixed(6);
        say("found");
        document.dispatchEvent(new CustomEvent("staff:located",
          { detail: { lon: pos.coords.longitude, lat: pos.coords.latitude } }));
      }, function () { say("denied"); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
    button.addEventListener("click", locate);
    document.addEventListener("staff:picked", function () { say("picked"); });
    if (!lon.value) { locate(); }
  }

  function patrolPage() {
    var status = document.getElementById("patrol-status");
    if (!status || !navigator.geolocation) { return; }
    var url = status.getAttribute("data-patrol-url");
    var sent = 0, last = 0;
    navigator.geolocation.watchPosition(function (pos) {
      var now = Date.now();
      if (now - last < 10000) { return; }  // at most one position every 10 s
      last = now;
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy })
      }).then(function (r) {
        if (r.ok) { sent += 1; status.textContent = status.getAttribute("data-sent") + " " + sent; }
      }).catch(function () {});
    }, function () { status.textContent = status.getAttribute("data-denied"); },
    { enableHighAccuracy: true, maximumAge: 5000 });
  }

  function start() { reportPage(); patrolPage(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
