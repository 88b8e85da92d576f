/**
 * TypeScript declarations of the BrowserSocket API: the same for the runtime's script
 * (http://127.0.0.1:7040/browsersocket.js, declarations at /browsersocket.d.ts), the site's own copy
 * (the npm package @browsersocket/client) and the BrowserSocket browser extension.
 */

/** What a peer asked for when it connected; passed to `onhandshake`. */
interface BrowserSocketRequest {
  /** Request path and query, starting with the listener's resource prefix. */
  readonly resource: string;
  /** The peer's Origin header, if it sent one (browsers do). */
  readonly origin: string | null;
  /** Subprotocols the peer offered, in its order. */
  readonly protocols: string[];
  /** Request headers, names in lower case. */
  readonly headers: Record<string, string>;
  /** The peer's address as the runtime sees it, e.g. "203.0.113.7:53122" or "[2001:db8::1]:40000". */
  readonly remoteAddress: string;
}

/** The answer `onhandshake` builds: leave `status` at 101 to accept. */
interface BrowserSocketResponse {
  /** 101 accepts; any 4xx/5xx refuses the peer with that HTTP status. */
  status: number;
  /** Text of a refusal. */
  reason: string;
  /** Subprotocol to select; must be one the peer offered. */
  protocol: string | null;
  /** Extra response headers (handshake headers themselves cannot be overridden). */
  headers: Record<string, string>;
  /** Refuses the peer (default status 403). */
  reject(status?: number, reason?: string): void;
}

interface BrowserSocketCloseEvent {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/**
 * A connection handler: an object the page's factory returns, one per incoming connection.
 * The library adds `send`, `close`, `readyState`, `bufferedAmount` and `protocol` to it before any
 * callback runs; the page defines the `on…` callbacks it needs.
 */
interface BrowserSocketConnectionHandler {
  send?(data: string | ArrayBuffer | ArrayBufferView): void;
  close?(code?: number, reason?: string): void;
  readonly readyState?: number;
  readonly bufferedAmount?: number;
  protocol?: string;
  onhandshake?(request: BrowserSocketRequest, response: BrowserSocketResponse): boolean | void;
  onopen?(event: { type: 'open' }): void;
  onmessage?(event: { type: 'message'; data: string | ArrayBuffer }): void;
  onclose?(event: BrowserSocketCloseEvent): void;
  /** Called right before `onclose` when an open connection closes uncleanly (`wasClean` false), as on a WebSocket. */
  onerror?(event: { type: 'error' }): void;
}

/**
 * An HTTP request to a listener (anything but a WebSocket handshake): a fetch Request whose body,
 * if any, streams in as the client sends it, and whose `signal` aborts when the client goes away.
 */
interface BrowserSocketHttpRequest extends Request {
  /**
   * Every request header as the client sent it, names fetch forbids a page to set (Host, Cookie,
   * Origin, Content-Length…) included. Cookie and Authorization only with `credentialHeaders`.
   */
  readonly headers: Headers;
  /** The client's address as the runtime sees it, e.g. "203.0.113.7:53122". */
  readonly remoteAddress: string;
  /** The resource after the listener's prefix, from "/", with the query: e.g. "/notes?id=3". */
  readonly path: string;
}

/**
 * The 'request' event, like a Service Worker's FetchEvent: a listener answers by calling
 * `respondWith()` while the event is dispatched; one that does not leaves the request to the next
 * listener, then to `onrequest`. Nobody answering gets the client a 404.
 */
interface BrowserSocketRequestEvent extends Event {
  readonly request: BrowserSocketHttpRequest;
  readonly remoteAddress: string;
  /** Answers with a Response or a promise of one; once, synchronously in the listener. */
  respondWith(response: Response | PromiseLike<Response>): void;
}

/** The runtime's answer to `publish()` and `purge()`. */
interface BrowserSocketPublished {
  /** How many agents (relays routing the listener) took it. */
  readonly agents: number;
  /** Why none did, when `agents` is 0 (may be empty). */
  readonly reason: string;
}

/**
 * What `onrequest` returns (or a 'request' listener passes to `respondWith`). A body that ends
 * within 50 ms per read (up to 16 MiB), or one whose Content-Length the response sets itself, is
 * sent with its length, serves `Range` requests (206/416) and gets `Accept-Ranges: bytes`; any
 * other streams (chunked). Hop-by-hop headers are the runtime's and are not sent. A Response's own
 * Headers drop Set-Cookie: to send one, give the Response a Headers of its own
 * (`Object.defineProperty(response, 'headers', { value: new Headers([...]) })`).
 */
type BrowserSocketHttpAnswer = Response | PromiseLike<Response>;

interface BrowserSocketErrorEvent extends Event {
  readonly message: string;
  readonly error: Error;
}

/** The listener waits for the user to allow the page's site (on the runtime's status page, or in the extension). */
interface BrowserSocketPendingEvent extends Event {
  /** What the page waits for, in words it can show. */
  readonly message: string;
  /** Where the user answers (the runtime's status page), or null (the extension's toolbar button). */
  readonly consentUrl: string | null;
}

/** A listening WebSocket server inside the page. */
declare class BrowserSocket extends EventTarget {
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 3;

  /**
   * Registers a listener; `factory` is called once per incoming connection. With
   * `options.credentialHeaders`, `onhandshake` sees peers' Cookie and Authorization headers
   * (withheld by default).
   */
  constructor(factory: () => BrowserSocketConnectionHandler, options?: {
    credentialHeaders?: boolean;
    /**
     * A named listener (1-64 letters, digits, '.', '_', '-') has the same prefix on every visit of
     * this site and after the runtime restarts; its `resourcePrefix` is set when it opens.
     */
    name?: string;
  });

  /**
   * TCP port the runtime listens on for this page. Set synchronously by the runtime's script and
   * the extension; the site's own copy sets it when `ready` resolves (undefined until then).
   */
  readonly port: number;
  /** Path prefix routed to this listener ("/…/", ≥128 random bits). Set like `port`. */
  readonly resourcePrefix: string;
  /** CONNECTING until the runtime confirms the listener, then OPEN; CLOSED after stop() or failure. */
  readonly readyState: number;
  /** Resolves when the runtime confirmed the listener; rejects with the reason it failed. */
  readonly ready: Promise<BrowserSocket>;

  onopen: ((event: Event) => void) | null;
  /**
   * Called when the listener fails: runtime unreachable, the browser's permission refused, the
   * user denied or revoked the site, listener limit. `event.message` says what to do.
   */
  onerror: ((event: BrowserSocketErrorEvent) => void) | null;
  onclose: ((event: Event) => void) | null;
  /** Called while the listener waits for the user to allow the site; `ready` settles afterwards. */
  onpending: ((event: BrowserSocketPendingEvent) => void) | null;
  /**
   * Called when the listener opens if the runtime already named its ways in, and whenever they
   * change (a gateway mapping made or lost, a relay joined): `event.urls` are this listener's URLs
   * on the runtime's candidates, best first. Also dispatched as a 'reachability' event.
   */
  onreachability: ((event: BrowserSocketReachabilityEvent) => void) | null;
  /**
   * Answers HTTP requests to this listener's prefix: returns a Response or a promise of one. If it
   * throws, rejects or returns something else, the error goes to the console and the client gets a
   * 500 (or, once the response began, a cut connection). 'request' event listeners come first. A
   * listener with neither answers 426 (it takes WebSocket connections only).
   */
  onrequest: ((this: BrowserSocket, request: BrowserSocketHttpRequest) => BrowserSocketHttpAnswer) | null;

  addEventListener<K extends keyof BrowserSocketEventMap>(type: K,
      listener: (this: BrowserSocket, event: BrowserSocketEventMap[K]) => void,
      options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
      options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof BrowserSocketEventMap>(type: K,
      listener: (this: BrowserSocket, event: BrowserSocketEventMap[K]) => void,
      options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
      options?: boolean | EventListenerOptions): void;

  /** Closes the listener and every connection it accepted (peers see 1001). */
  stop(): void;

  /**
   * Hands `response` (its body read whole) to the relays that route this listener, to be served at
   * `resourcePrefix + path` while the page is away. Resolves to how many took it (and why none
   * did); rejects only when the listener is not open or closes meanwhile, or on wrong arguments.
   */
  publish(path: string, response: Response): Promise<BrowserSocketPublished>;
  /** Asks the relays to forget what was published at `path`, or everything without one. */
  purge(path?: string | null): Promise<BrowserSocketPublished>;

  /**
   * Every way other machines can reach this listener, best first: the runtime's candidates
   * (`confirmed: true`, kinds in the order public, mapped, ipv6, teredo, relay), and what the
   * address services (`endpoints`, default `BrowserSocket.addressServices`) saw that the runtime did
   * not name (`confirmed: false`, before the relays). Never loopback, link-local or private
   * addresses. Failed services and left-out answers are listed in the result's `errors`; rejects
   * only when there is no way in at all.
   */
  reachableUrls(endpoints?: BrowserSocketAddressServices): Promise<BrowserSocketReachableUrl[] & { errors: string[] }>;

  /** Default endpoints for `reachableUrls()`. */
  static addressServices: BrowserSocketAddressServices | null;

  /**
   * Opens a WebSocket to the first of `candidates` that answers, Happy Eyeballs style: the same
   * function as `BrowserSocketConnect.connect`.
   */
  static connect: typeof BrowserSocketConnect.connect;

  /** Where this BrowserSocket comes from: the runtime's script, the site's own copy, or the extension. */
  static readonly provider: 'runtime' | 'site' | 'extension';
  /** The site's own copy only: the runtime to reach (default http://127.0.0.1:7040, or the script tag's data-runtime). */
  static runtime?: string | null;
  /** The site's own copy only: how long to wait for the runtime and the permission prompt, in ms (default 30000). */
  static connectTimeout?: number;
}

/** One value stored under a name in the discovery service. */
interface BrowserSocketDiscoveryValue {
  readonly value: string;
  readonly base64: string;
  readonly hash: string;
  readonly ttl: number;
  readonly removable: boolean;
}

/** A client of the discovery service (OpenLookup-like): many values per name, TTLs, removal by secret, signed values. */
declare class BrowserSocketDiscovery {
  constructor(serviceUrl: string);
  readonly service: string;
  /** Stores `value` under `name` for `options.ttl` seconds (default 3600); with `options.secret` it can be withdrawn. */
  advertise(name: string, value: string, options?: { ttl?: number; secret?: string }): Promise<unknown>;
  /** All live values under `name`, following placemarks. */
  lookup(name: string, options?: { max?: number }): Promise<BrowserSocketDiscoveryValue[]>;
  /** Calls `onValue` for every live value now and as new ones arrive, `onGone` when one goes. */
  watch(name: string, onValue: (value: BrowserSocketDiscoveryValue) => void,
        onGone?: (gone: { hash: string }) => void): { close(): void; source: EventSource };
  /** Removes the value advertised under `name` with `secret`. */
  withdraw(name: string, value: string, secret: string, options?: { keepalive?: boolean }): Promise<unknown>;
  /** A new ECDSA P-256 key pair for signed values. */
  static generateKey(): Promise<CryptoKeyPair>;
  /** Hex SHA-1 of the key pair's public key (SubjectPublicKeyInfo). */
  static principalOf(keyPair: CryptoKeyPair): Promise<string>;
  /** Sets the signed value of (this key's principal, `label`); `sequence` must rise. */
  putSigned(keyPair: CryptoKeyPair, label: string, value: string, sequence: number): Promise<unknown>;
  /** The signed value of `label` whose principal starts with `principalPrefix`. */
  getSigned(principalPrefix: string, label: string): Promise<string>;
}

/** Address-service base URLs, e.g. `{ ipv4: 'http://198.51.100.7:7050', ipv6: 'http://[2001:db8::7]:7050' }`. */
interface BrowserSocketAddressServices {
  ipv4?: string;
  ipv6?: string;
}

/** The decoded parts of a Teredo address (RFC 4380). */
interface BrowserSocketTeredo {
  readonly server: string;
  readonly client: string;
  readonly port: number;
  readonly cone: boolean;
  readonly flags: string;
}

/** How a way in reaches the machine (best first in this order). */
type BrowserSocketReachabilityKind = 'public' | 'mapped' | 'ipv6' | 'teredo' | 'relay';

/** One URL a peer elsewhere may use to reach the listener; a candidate for `connect()`. */
interface BrowserSocketReachableUrl extends BrowserSocketCandidate {
  /** `ws[s]://host:port` + the listener's resource prefix. */
  readonly url: string;
  /**
   * public: the machine's own global address; mapped: a mapping on the gateway (UPnP-IGD, NAT-PMP,
   * PCP); ipv6: a native global IPv6 address; teredo: a Teredo address; relay: through a relay.
   */
  readonly kind: BrowserSocketReachabilityKind;
  readonly family: 4 | 6;
  /** The URL's host: an address (IPv6 without brackets) or, for a relay, possibly a name. */
  readonly host: string;
  readonly port: number;
  /** true for wss:// */
  readonly secure: boolean;
  /** How the runtime got this way in (e.g. "NAT-PMP, 7200 s"), or which address service saw it. */
  readonly detail: string;
  /** true when the runtime named it; false for an address only an address service saw. */
  readonly confirmed: boolean;
  /** The decoded parts of a Teredo address an address service saw (unconfirmed ones only). */
  readonly teredo?: BrowserSocketTeredo | null;
  /** The address-service endpoint that saw it (unconfirmed ones only). */
  readonly service?: string;
}

/** The runtime named other ways in: this listener's URLs on them, best first. */
interface BrowserSocketReachabilityEvent extends Event {
  readonly urls: BrowserSocketReachableUrl[];
}

interface BrowserSocketEventMap {
  open: Event;
  error: BrowserSocketErrorEvent;
  close: Event;
  pending: BrowserSocketPendingEvent;
  reachability: BrowserSocketReachabilityEvent;
  request: BrowserSocketRequestEvent;
}

// @connect-declarations-begin
/** A way to try: a ws:// or wss:// URL, or an object with one (such as `reachableUrls()` gives). */
interface BrowserSocketCandidate {
  readonly url: string;
}

interface BrowserSocketConnectOptions {
  /** How long an attempt has before the next one starts, in ms (default 250); a failure starts the next at once. */
  stagger?: number;
  /** When to give up on every attempt, in ms (default 10000). */
  timeout?: number;
  /** Cancels the attempts still running (the promise rejects). */
  signal?: AbortSignal;
}

/** The WebSocket `connect()` opened, with the candidate that won. */
type BrowserSocketConnectedWebSocket<C extends BrowserSocketCandidate = BrowserSocketCandidate> = WebSocket & {
  readonly candidate: C;
};

/** Why one candidate failed: its message starts with the URL. */
interface BrowserSocketAttemptError extends Error {
  readonly url: string;
  readonly candidate: BrowserSocketCandidate;
}

/** `connect()` failed: one error per candidate, in the candidates' order. */
interface BrowserSocketConnectError extends Error {
  readonly errors: BrowserSocketAttemptError[];
}

/**
 * The peer's side of a listener's many ways in (also in browsersocket-connect.js, for pages that
 * do not load the runtime's script).
 */
declare var BrowserSocketConnect: {
  /**
   * Opens a WebSocket to the first of `candidates` (best first) that answers: starts the first,
   * the next after `options.stagger` ms or as soon as one fails; the first to open wins and every
   * other attempt is closed (1000) or aborted. Resolves to the open WebSocket, whose `candidate`
   * tells which one won; rejects with a `BrowserSocketConnectError` (an AggregateError) listing
   * each candidate's failure when all fail, on `options.timeout` (default 10 s) or when cancelled.
   */
  connect<C extends BrowserSocketCandidate>(candidates: ReadonlyArray<string | C>, protocols?: string | string[],
                                            options?: BrowserSocketConnectOptions): Promise<BrowserSocketConnectedWebSocket<C>>;
};
// @connect-declarations-end
