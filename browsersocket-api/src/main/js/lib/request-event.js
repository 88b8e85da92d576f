// request-event.js: how a listener picks the answer to an HTTP request. Its 'request' event is
// shaped like a Service Worker's FetchEvent: a listener answers by calling respondWith() while the
// event is dispatched; one that does not leaves the request to the next, then to `onrequest`.

var eventAnswers = new WeakMap(); // BrowserSocketRequestEvent -> {dispatching, answered, answer}

/** The 'request' event: `request` (a Request), `remoteAddress`, and `respondWith()`. */
class BrowserSocketRequestEvent extends Event {
  constructor(request) {
    super('request');
    Object.defineProperty(this, 'request', { value: request, enumerable: true });
    Object.defineProperty(this, 'remoteAddress', { value: request.remoteAddress, enumerable: true });
    eventAnswers.set(this, { dispatching: false, answered: false, answer: undefined });
  }

  /**
   * Answers the request with a Response or a promise of one. Callable once, and only while the
   * event is dispatched (synchronously in a listener); it stops the event there.
   */
  respondWith(response) {
    var state = eventAnswers.get(this);
    if (!state.dispatching) throw new DOMException('respondWith() must be called while the request event is dispatched', 'InvalidStateError');
    if (state.answered) throw new DOMException('respondWith() was already called for this request', 'InvalidStateError');
    state.answered = true;
    state.answer = response;
    this.stopImmediatePropagation();
  }
}

/**
 * Asks the page for the answer to `request`: the 'request' event's listeners first, then
 * `target.onrequest(request)`. Returns `{answer}` (a Response, a promise of one, or whatever a
 * handler gave, checked later), or null when nobody answered.
 */
function answerRequest(target, request) {
  var event = new BrowserSocketRequestEvent(request);
  var state = eventAnswers.get(event);
  state.dispatching = true;
  try {
    target.dispatchEvent(event);
  } finally {
    state.dispatching = false;
  }
  if (state.answered) return { answer: state.answer };
  if (typeof target.onrequest !== 'function') return null;
  try {
    return { answer: target.onrequest.call(target, request) };
  } catch (e) {
    return { answer: Promise.reject(e) };
  }
}

/**
 * The 'request' listeners a BrowserSocket has, which an EventTarget does not tell: a listener with
 * none and no `onrequest` takes WebSocket connections only. Keyed like addEventListener's own
 * list (listener and capture); `once` listeners are gone after a dispatch, `signal`'s on abort.
 */
function RequestListeners() {
  this.entries = []; // {listener, capture, once}
}

RequestListeners.prototype.add = function (listener, options) {
  var capture = captureOf(options), self = this;
  if (!listener || (options && options.signal && options.signal.aborted)) return;
  if (this.entries.some(function (e) { return e.listener === listener && e.capture === capture; })) return;
  this.entries.push({ listener: listener, capture: capture, once: !!(options && options.once) });
  if (options && options.signal) {
    options.signal.addEventListener('abort', function () { self.remove(listener, options); });
  }
};

RequestListeners.prototype.remove = function (listener, options) {
  var capture = captureOf(options);
  this.entries = this.entries.filter(function (e) { return e.listener !== listener || e.capture !== capture; });
};

/** After a dispatch: `once` listeners have run and are gone. */
RequestListeners.prototype.dispatched = function () {
  this.entries = this.entries.filter(function (e) { return !e.once; });
};

RequestListeners.prototype.any = function () {
  return this.entries.length > 0;
};

function captureOf(options) {
  return typeof options === 'boolean' ? options : !!(options && options.capture);
}
