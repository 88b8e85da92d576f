/**
 * TypeScript declarations of the BrowserSocket API, served by the host runtime at
 * http://127.0.0.1:7040/browsersocket.d.ts next to the library itself.
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

/** A listening WebSocket server inside the page. */
declare class BrowserSocket extends EventTarget {
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 3;

  /** Registers a listener; `factory` is called once per incoming connection. */
  constructor(factory: () => BrowserSocketConnectionHandler);

  /** TCP port the runtime listens on for this page. Set synchronously. */
  readonly port: number;
  /** Path prefix routed to this listener ("/…/", ≥128 random bits). Set synchronously. */
  readonly resourcePrefix: string;
  /** CONNECTING until the runtime confirms the listener, then OPEN; CLOSED after stop() or failure. */
  readonly readyState: number;
  /** Resolves when the runtime confirmed the listener; rejects with the reason it failed. */
  readonly ready: Promise<BrowserSocket>;

  onopen: ((event: Event) => void) | null;
  /** Called when the listener fails (runtime unreachable, origin not allowed, listener limit). */
  onerror: ((event: BrowserSocketErrorEvent) => void) | null;
  onclose: ((event: Event) => void) | null;

  /** Closes the listener and every connection it accepted (peers see 1001). */
  stop(): void;

  /**
   * The URLs other machines can reach this listener at, learned from the address service(s).
   * Rejects only when no endpoint answered; failed endpoints are listed in the result's `errors`.
   */
  reachableUrls(endpoints?: BrowserSocketAddressServices): Promise<BrowserSocketReachableUrl[] & { errors: string[] }>;

  /** Default endpoints for `reachableUrls()`. */
  static addressServices: BrowserSocketAddressServices | null;
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
