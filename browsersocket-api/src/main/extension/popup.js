// popup.js: the BrowserSocket extension's popup (also usable as a tab at
// chrome-extension://<id>/popup.html): the active tab's site, the sites waiting for an answer,
// the allowed sites. The service worker holds the state; this page asks it and renders.
'use strict';

var shown = null;       // the state last rendered, as JSON
var thisOrigin = null;  // the active tab's origin, when it is an http(s) page

function ask(message) {
  return chrome.runtime.sendMessage(message).then(function (answer) {
    if (!answer || answer.error) throw new Error((answer && answer.error) || 'no answer from the BrowserSocket extension');
    return answer;
  });
}

function refresh() {
  return ask({ type: 'state' }).then(render, showError);
}

function act(message) {
  document.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
  return ask(message).then(function (state) {
    shown = null; // redraw: the buttons are enabled again
    render(state);
  }, function (e) {
    showError(e);
    shown = null;
    return refresh();
  });
}

function showError(e) {
  var error = document.getElementById('error');
  error.textContent = String((e && e.message) || e);
  error.hidden = false;
}

function button(className, label, title, onClick) {
  var b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

function render(state) {
  var json = JSON.stringify(state) + '|' + thisOrigin;
  if (json === shown) return; // unchanged: keep the elements (and whatever is being clicked)
  shown = json;
  document.getElementById('error').hidden = true;

  var pendingList = document.getElementById('pending-list');
  pendingList.replaceChildren.apply(pendingList, state.pending.map(function (p) {
    var li = document.createElement('li');
    li.className = 'pending';
    li.dataset.origin = p.origin;
    var box = document.createElement('span');
    box.className = 'origin-box';
    var origin = document.createElement('span');
    origin.className = 'origin';
    origin.textContent = p.origin;
    origin.title = p.origin;
    var count = document.createElement('span');
    count.className = 'count';
    count.textContent = p.waiting === 1 ? '1 page waits' : p.waiting + ' pages wait';
    box.append(origin, count);
    li.append(box,
      button('allow', 'Allow', 'Allow this site from now on', function () {
        act({ type: 'decide', origin: p.origin, decision: 'allow' });
      }),
      button('once', 'Allow once', 'Allow only the pages waiting now', function () {
        act({ type: 'decide', origin: p.origin, decision: 'once' });
      }),
      button('deny', 'Deny', 'Refuse the pages waiting now', function () {
        act({ type: 'decide', origin: p.origin, decision: 'deny' });
      }));
    return li;
  }));
  document.getElementById('pending-empty').hidden = state.pending.length > 0;

  var allowedList = document.getElementById('allowed-list');
  allowedList.replaceChildren.apply(allowedList, state.allowed.map(function (o) {
    var li = document.createElement('li');
    li.className = 'allowed';
    li.dataset.origin = o;
    var origin = document.createElement('span');
    origin.className = 'origin';
    origin.textContent = o;
    origin.title = o;
    li.append(origin, button('revoke', 'Revoke', 'Stop allowing this site (its open pages stop accepting connections)', function () {
      act({ type: 'revoke', origin: o });
    }));
    return li;
  }));
  document.getElementById('allowed-empty').hidden = state.allowed.length > 0;

  var section = document.getElementById('this-site');
  section.hidden = !thisOrigin;
  if (thisOrigin) {
    var isAllowed = state.allowed.indexOf(thisOrigin) >= 0;
    document.getElementById('this-origin').textContent = thisOrigin;
    document.getElementById('this-origin').title = thisOrigin;
    var allowThis = document.getElementById('allow-this');
    allowThis.hidden = isAllowed;
    allowThis.disabled = false;
    document.getElementById('this-allowed').hidden = !isAllowed;
  }
}

document.getElementById('allow-this').addEventListener('click', function () {
  if (thisOrigin) act({ type: 'allow', origin: thisOrigin });
});

chrome.runtime.onMessage.addListener(function (m, sender) {
  if (sender.id === chrome.runtime.id && m && m.type === 'changed') refresh();
});

chrome.tabs.query({ active: true, currentWindow: true }).then(function (tabs) {
  var url = tabs[0] && tabs[0].url;
  try {
    var parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') thisOrigin = parsed.origin;
  } catch (e) { /* no URL: a chrome:// page, an extension page, or no access */ }
}).finally(function () {
  shown = null;
  refresh();
});

refresh();
setInterval(refresh, 500);
