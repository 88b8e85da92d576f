// The runtime's own browsersocket.js: the runtime minted this page's grant (control URL, public
// port, page token, one prefix per listener) into the script, so `port` and `resourcePrefix` are
// known synchronously.

var config = /*@RUNTIME_CONFIG@*/null;

var pageRuntime = {
  known: function () { return config; },
  grant: function () {
    return Promise.reject(new Error('browsersocket.js must be loaded from a BrowserSocket host runtime'
      + ' (e.g. http://127.0.0.1:7040/browsersocket.js)'));
  },
  connect: function (grant) { return new WebSocket(grant.control); },
  hello: function (grant) { return { type: 'hello', token: grant.token }; },
  explainClose: function (event, everOpened) {
    return everOpened ? 'the host runtime closed the control channel (code ' + event.code + ')'
      : 'the BrowserSocket host runtime at ' + config.control + ' is unreachable';
  },
  channelClosed: channelGone
};

/** Where this BrowserSocket comes from: 'runtime' here ('site' or 'extension' in the others). */
BrowserSocket.provider = 'runtime';

// Claim the grant at once: a claimed grant lives as long as this page, while an unclaimed one
// may expire or be crowded out by other tabs fetching the script before this page listens.
if (config) channelFor(config);
