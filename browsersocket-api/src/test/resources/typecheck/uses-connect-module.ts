// A page that only connects, importing the standalone module: must compile under tsc --strict.
import { connect, BrowserSocketConnect, type BrowserSocketCandidate } from './browsersocket-connect.mjs';

const candidates: BrowserSocketCandidate[] = [{ url: 'ws://203.0.113.11:7041/p/' }];
connect(candidates).then((ws) => ws.close(1000, ws.candidate.url));
BrowserSocketConnect.connect(['ws://[2001:db8::5]:7041/p/'], undefined, { timeout: 5000 }).then((ws) => ws.send('hi'));
