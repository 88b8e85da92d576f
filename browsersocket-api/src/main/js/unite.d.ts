/**
 * TypeScript declarations of the runtime's unite.js (http://127.0.0.1:7040/unite.js): Opera Unite's
 * web server API on BrowserSocket. Use with browsersocket.d.ts.
 */

/** Request items (query, form fields, headers): name -> values, in order. */
type UniteItems = Record<string, string[]>;

/** The request of a Unite connection; its body was read whole (at most 1 MiB) before the event. */
interface UniteWebServerRequest {
  readonly connection: UniteWebServerConnection;
  /** The method as the client sent it. */
  readonly method: string;
  /** Path and query as requested, starting with the service path. */
  readonly uri: string;
  /** Request headers: lower-case name -> values. */
  readonly headers: UniteItems;
  readonly queryItems: UniteItems;
  /** Fields of an application/x-www-form-urlencoded or multipart/form-data body. */
  readonly bodyItems: UniteItems;
  /** Files of a multipart/form-data body. */
  readonly files: File[];
  /** The body as text, or null without one. */
  readonly body: string | null;
  /** The client's address, without its port. */
  readonly ip: string;
  /** The Host header's value. */
  readonly host: string;
  /** 'http' or 'https'. */
  readonly protocol: string;
  /** The values of a request header (any case), or null. */
  getRequestHeader(name: string): string[] | null;
  /** The values of a query item, body item, or (without `method`) both; null without any. */
  getItem(name: string, method?: 'GET' | 'POST'): string[] | null;
}

/**
 * The response of a Unite connection. Status and headers are fixed by the first write or close()
 * (setting them later throws InvalidStateError); writes are sent as they come.
 */
interface UniteWebServerResponse {
  readonly connection: UniteWebServerConnection;
  readonly closed: boolean;
  chunked: boolean;
  implicitFlush: boolean;
  /** 200..599 (`text` is not sent). */
  setStatusCode(code: number | string, text?: string): void;
  /** Sets a header; Set-Cookie adds one more. Default Content-Type: text/html; charset=utf-8. */
  setResponseHeader(name: string, value: string): void;
  write(data: string): void;
  writeLine(data?: string): void;
  writeBytes(data: ArrayBuffer | ArrayBufferView | ArrayLike<number>): void;
  flush(callback?: () => void): void;
  close(callback?: () => void): void;
}

interface UniteWebServerConnection {
  readonly id: number;
  readonly request: UniteWebServerRequest;
  readonly response: UniteWebServerResponse;
  /** Always false: nobody is the owner here. */
  readonly isOwner: boolean;
  /** Whether the client is on this machine (a loopback address). */
  readonly isLocal: boolean;
  readonly isProxied: boolean;
  readonly closed: boolean;
}

interface UniteWebServerRequestEvent {
  /** The event name: the request's first path segment after the service path, or '_index'. */
  readonly type: string;
  readonly id: number;
  readonly connection: UniteWebServerConnection;
}

/** opera.io.webserver: this page's Unite service, on one BrowserSocket listener. */
interface UniteWebServer {
  /**
   * Calls `handler` for requests whose first path segment after the service path is `name`;
   * '_index' is the service root, '_request' every request (after the specific handlers).
   * A request nobody handles gets a 404.
   */
  addEventListener(name: string, handler: (this: UniteWebServer, event: UniteWebServerRequestEvent) => void,
                   useCapture?: boolean): void;
  removeEventListener(name: string, handler: (this: UniteWebServer, event: UniteWebServerRequestEvent) => void,
                      useCapture?: boolean): void;
  /** The service path: the listener's resource prefix, e.g. "/kq1…/", with its trailing slash. */
  readonly currentServicePath: string;
  /** The port the runtime serves the page's listeners on. */
  readonly port: number;
  /** The listener beneath (its `ready`, `onpending`, `reachableUrls()`…). */
  readonly browserSocket: BrowserSocket;
}

/** Opera's namespace: `opera.io.webserver` is defined when unite.js came from a host runtime. */
declare var opera: { io: { webserver?: UniteWebServer } };
