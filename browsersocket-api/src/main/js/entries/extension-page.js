// The BrowserSocket extension's page script (runs in the page's own world at document_start).
// The extension cannot hand the page a runtime-made grant synchronously, so this script mints the
// page's prefixes itself (128 random bits each, from the browser's CSPRNG) and the runtime binds
// them when the extension opens the page's session; the public port is the one the extension was
// built for (the runtime refuses the session, saying so, if it listens elsewhere).

var extensionConfig = /*@EXTENSION_CONFIG@*/{ "publicPort": 7041, "listeners": 16, "maxMessageBytes": 16777216 };
var getRandomValues = crypto.getRandomValues.bind(crypto); // taken before any page script runs
var extensionGrant = null;

function mintPrefix() {
  var bytes = getRandomValues(new Uint8Array(16));
  var text = '';
  for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return '/' + btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') + '/';
}

var pageRuntime = {
  known: function () {
    if (!extensionGrant) {
      var prefixes = [];
      for (var i = 0; i < extensionConfig.listeners; i++) prefixes.push(mintPrefix());
      extensionGrant = { port: extensionConfig.publicPort, prefixes: prefixes, maxMessageBytes: extensionConfig.maxMessageBytes };
    }
    return extensionGrant;
  },
  grant: function () { return Promise.resolve(pageRuntime.known()); },
  connect: function () { return new ExtensionLink(); },
  hello: function (grant) { return { type: 'hello', prefixes: grant.prefixes, port: grant.port }; },
  explainClose: function (event, everOpened) {
    if (event.reason) return event.reason;
    return everOpened ? 'the BrowserSocket extension closed the channel (code ' + event.code + ')'
      : 'the BrowserSocket extension could not reach its host runtime (code ' + event.code + ')';
  },
  channelClosed: function (closed) {
    channelGone(closed);
    extensionGrant = null; // the runtime forgot those prefixes; the next listener gets new ones
  }
};

/** Where this BrowserSocket comes from: 'extension' here ('runtime' or 'site' in the scripts). */
BrowserSocket.provider = 'extension';
