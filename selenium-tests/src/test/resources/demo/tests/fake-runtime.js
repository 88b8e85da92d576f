// A stand-in for the host runtime, in the page: answers the site copy's /grant, plays the control
// channel (welcome, listening, and whatever reachability the test pushes) and the address services,
// so tests can give the library any candidates. Every other fetch and WebSocket is real.
(function () {
  var RealWebSocket = window.WebSocket;
  var realFetch = window.fetch;
  var fake = window.fakeRuntime = { sent: [], link: null, candidates: null, addresses: {} };

  function FakeLink() {
    var link = this;
    this.readyState = 0;
    this.bufferedAmount = 0;
    fake.link = this;
    setTimeout(function () { link.readyState = 1; link.onopen(); }, 0);
  }
  FakeLink.prototype.send = function (data) {
    var m = JSON.parse(data);
    fake.sent.push(m);
    if (m.type === 'hello') {
      fake.push({ type: 'welcome', port: 7041, maxMessageBytes: 1048576 });
      if (fake.candidates) fake.push({ type: 'reachability', candidates: fake.candidates });
    }
    if (m.type === 'listen') fake.push({ type: 'listening', listener: m.listener, prefix: '', port: 7041 });
  };
  FakeLink.prototype.close = function () { this.readyState = 3; };

  /** Sends a control message to the page, as the runtime would. */
  fake.push = function (message) {
    var link = fake.link;
    setTimeout(function () { link.onmessage({ data: JSON.stringify(message) }); }, 0);
  };

  window.WebSocket = function (url, protocols) {
    if (String(url).indexOf('ws://runtime.invalid/') === 0) return new FakeLink();
    return protocols === undefined ? new RealWebSocket(url) : new RealWebSocket(url, protocols);
  };

  function json(body) {
    return Promise.resolve(new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } }));
  }

  window.fetch = function (url, init) {
    url = String(url);
    if (url === 'http://runtime.invalid/grant') {
      var prefixes = [];
      for (var i = 0; i < 4; i++) prefixes.push('/prefix' + i + 'AAAAAAAAAAAAAAAA/');
      return json({ control: 'ws://runtime.invalid/control', port: 7041, token: 'token', prefixes: prefixes,
                    maxMessageBytes: 1048576 });
    }
    var service = /^(http:\/\/[a-z0-9]+\.address\.invalid)\/address$/.exec(url);
    if (service) {
      var answer = fake.addresses[service[1]];
      return answer ? json(answer) : Promise.reject(new TypeError('Failed to fetch'));
    }
    return realFetch.call(window, url, init);
  };
})();
