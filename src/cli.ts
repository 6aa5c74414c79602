import { loadEntry, saveCodeCache } from './bundle-loader';

/** Runs one admin command: JSON on stdout, a message on stderr and exit 1 on failure (see cli/run.ts). */
export async function runCli(argv: string[]): Promise<number> {
  // The CLI's modules are loaded on the first command, from the bundle when `npm run build` made one.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when there is no bundle
  const cli = loadEntry('cli', () => require('./cli/run') as typeof import('./cli/run'));
  const code = await cli.runCli(argv);
  saveCodeCache();
  return code;
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
