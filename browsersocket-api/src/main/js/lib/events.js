// events.js: how the library calls page code: `on…` properties and EventTarget listeners, with
// the page's exceptions reported (never thrown into the library).

/** Fires `type` on a BrowserSocket: its `on<type>` property first, then its listeners. */
function emit(target, type, fields) {
  var event = new Event(type);
  Object.keys(fields).forEach(function (k) { Object.defineProperty(event, k, { value: fields[k] }); });
  var handler = target['on' + type];
  if (typeof handler === 'function') {
    try { handler.call(target, event); } catch (e) { reportError(e); }
  }
  target.dispatchEvent(event);
}

/** Calls a connection handler's callback, if it has one. */
function call(handler, name, event) {
  if (typeof handler[name] !== 'function') return;
  try { handler[name](event); } catch (e) { reportError(e); }
}

function later(fn, arg) { setTimeout(function () { fn(arg); }, 0); }

function reportError(e) {
  if (typeof global.reportError === 'function') global.reportError(e);
  else if (global.console) console.error(e);
}
