import { rmSync } from 'node:fs';

/** Removes the build global-setup.ts made for this run. */
export default function globalTeardown(): void {
  if (process.env.TOLLGATE_TEST_BUILD) rmSync(process.env.TOLLGATE_TEST_BUILD, { recursive: true, force: true });
}
