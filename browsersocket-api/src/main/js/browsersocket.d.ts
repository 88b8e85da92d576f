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
  onerror?(event: unknown): void;
}

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
  constructor(factory: () => BrowserSocketConnectionHandler, options?: { credentialHeaders?: boolean });

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

  /** Closes the listener and every connection it accepted (peers see 1001). */
  stop(): void;

  /**
   * The URLs other machines can reach this listener at, learned from the address service(s).
   * Rejects only when no endpoint answered; failed endpoints are listed in the result's `errors`.
   */
  reachableUrls(endpoints?: BrowserSocketAddressServices): Promise<BrowserSocketReachableUrl[] & { errors: string[] }>;

  /** Default endpoints for `reachableUrls()`. */
  static addressServices: BrowserSocketAddressServices | null;

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
  withdraw(name: string, value: string, secret: string): Promise<unknown>;
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

/** One URL a peer elsewhere may use to reach the listener. */
interface BrowserSocketReachableUrl {
  readonly url: string;
  readonly family: 4 | 6;
  readonly address: string;
  /** Non-null when the address is a Teredo address. */
  readonly teredo: BrowserSocketTeredo | null;
  /** The address-service endpoint that answered. */
  readonly service: string;
}
