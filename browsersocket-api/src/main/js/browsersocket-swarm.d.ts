/// <reference path="./browsersocket.d.ts" />
/** TypeScript declarations of browsersocket-swarm.js: a site's static files from its visitors' pages. */

/** Options of `BrowserSocketSwarm.start`. */
interface BrowserSocketSwarmOptions {
  /** The site's raw Ed25519 public key, unpadded base64url (what `swarm-manifest keygen` prints). Required. */
  publicKey: string;
  /** The manifest's URL (default '/swarm/manifest.json'); the files are at the parent of its directory. */
  manifest?: string;
  /** The signature's URL (default: the manifest's, ending .sig). */
  signature?: string;
  /** The discovery service's URL; without one, no peers: the origin serves. */
  discovery?: string | null;
  /** A service worker script (same origin) that answers the page's own requests through the swarm. */
  worker?: string | null;
  /** Serve the verified files this page holds to other peers (default true). */
  serve?: boolean;
  /** Requests served to peers at once; more are answered 503 (default 8). */
  maxPeers?: number;
  /** Upload bytes per second to peers; 0 = no limit (default). */
  uploadBytesPerSecond?: number;
  /** Seconds between looks for a new manifest (default 60; 0 = never). */
  pollSeconds?: number;
  /** A peer or origin that sends nothing for this long is given up (ms, default 4000). */
  stallMs?: number;
  /** Pieces fetched at once (default 4). */
  parallel?: number;
  /** Larger files are not fetched through the swarm (default 64 MiB). */
  maxFileBytes?: number;
  /** Seconds an advert lives in the discovery service, renewed at half (default 120). */
  advertiseTtl?: number;
  /** The URLs to advertise for this page's listener (default: its reachable URLs, then loopback). */
  urls?: (listener: BrowserSocket) => string[] | Promise<string[]>;
  /** Fetch these paths (true: every file) as soon as the manifest is verified (default false: when asked for). */
  prefetch?: boolean | string[];
  /** The class to listen with (default: the global BrowserSocket of browsersocket.js). */
  BrowserSocket?: typeof BrowserSocket;
}

/** Something the swarm refused: a peer's wrong bytes, or a manifest (then `peer` and `path` are null). */
interface BrowserSocketSwarmRejection {
  readonly peer: string | null;
  readonly path: string | null;
  readonly piece: number | null;
  readonly reason: string;
}

/** What a page (and its service worker) got and gave, in bytes. */
interface BrowserSocketSwarmStats {
  /** The manifest version in use. */
  readonly version: number | null;
  readonly fromOrigin: number;
  readonly fromPeers: number;
  /** Bytes from peers that did not match the manifest (thrown away). */
  readonly discarded: number;
  /** Bytes served to other peers. */
  readonly served: number;
  /** Requests to peers that failed (no such file, busy, stalled, short or long answers). */
  readonly peerFailures: number;
  /** The last (at most 100) refusals. */
  readonly rejected: BrowserSocketSwarmRejection[];
}

/** A verified, parsed manifest. */
interface BrowserSocketSwarmManifest {
  readonly site: string;
  readonly version: number;
  readonly published: string;
  readonly pieceSize: number;
  readonly totalBytes: number;
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number; readonly type: string;
                                  readonly sha256: Uint8Array; readonly pieces: Uint8Array[] | null }>;
  readonly byPath: ReadonlyMap<string, BrowserSocketSwarmManifest['files'][number]>;
}

/** A page's part in its site's swarm. */
declare class BrowserSocketSwarm extends EventTarget {
  /** Joins the swarm of this page's site. */
  static start(options: BrowserSocketSwarmOptions): BrowserSocketSwarm;
  /** In a service worker script: answers the site's manifest paths through the swarm. */
  static worker(): void;
  constructor(options: BrowserSocketSwarmOptions);
  /** Resolves once the manifest is verified (rejects when it cannot be: bad signature, bad manifest, no origin). */
  readonly ready: Promise<BrowserSocketSwarm>;
  /** The verified manifest in use (null before `ready`). */
  readonly manifest: BrowserSocketSwarmManifest | null;
  readonly stats: BrowserSocketSwarmStats;
  /** The URLs this page serves peers at (after it advertised). */
  readonly urls?: string[];
  /** A manifest path's verified bytes (from the store, peers or the origin); any other path from the origin. */
  fetch(path: string): Promise<Response>;
  /** Looks for a newer signed manifest now; true when the page moved to it. */
  checkForUpdate(): Promise<boolean>;
  /** Stops serving and withdraws this page's advert. */
  stop(): void;
  onstats: ((event: Event & { readonly stats: BrowserSocketSwarmStats }) => void) | null;
  onversion: ((event: Event & { readonly version: number; readonly previous: number }) => void) | null;
  onrejected: ((event: Event & BrowserSocketSwarmRejection) => void) | null;
  onerror: ((event: Event & { readonly message: string; readonly error: Error }) => void) | null;
}
