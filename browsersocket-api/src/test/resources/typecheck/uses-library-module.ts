// A page importing the site's own copy as a module: must compile under tsc --strict.
import { BrowserSocket, BrowserSocketConnect, type BrowserSocketReachabilityKind } from './browsersocket.mjs';

const bs = new BrowserSocket(() => ({}));
bs.ready.then(() => bs.reachableUrls()).then((urls) => BrowserSocketConnect.connect(urls)).then((ws) => ws.candidate.kind);
const kind: BrowserSocketReachabilityKind = 'relay';
console.log(kind);
