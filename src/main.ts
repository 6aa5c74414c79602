import { loadEntry, saveCodeCache } from './bundle-loader';

// The server's modules are loaded here, from the bundle when `npm run build` made one (see bundle-loader.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when there is no bundle
const server = loadEntry('server', () => require('./server') as typeof import('./server'));
void server.startServer().then(saveCodeCache);
