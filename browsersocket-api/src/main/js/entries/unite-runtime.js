// The runtime's unite.js: browsersocket.js (runtime-script.js, the page's grant minted in) plus
// Opera Unite's web server API on one listener of the page. opera.io.webserver is defined as the
// script runs: Unite pages look for it in their onload.

if (config) {
  var uniteListener = new BrowserSocket(function () {
    return { onhandshake: function (request, response) { response.reject(404, 'this Unite service answers HTTP only'); } };
  });
  uniteListener.onpending = function (event) {
    if (global.console) console.warn('opera.io.webserver: ' + event.message + (event.consentUrl ? ' (' + event.consentUrl + ')' : ''));
  };
  uniteListener.onerror = function (event) {
    if (global.console) console.error('opera.io.webserver: not serving: ' + event.message);
  };
  global.opera = global.opera || {};
  global.opera.io = global.opera.io || {};
  global.opera.io.webserver = new UniteWebServer(uniteListener);
} else if (global.console) {
  console.error('unite.js must be loaded from a BrowserSocket host runtime (e.g. http://127.0.0.1:7040/unite.js)');
}
