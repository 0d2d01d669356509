// What every browser test file starts with: the repository served over
// HTTP and one headless Chromium, started before its tests and closed
// after them. Not a test file.
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launchChromium } from '../packaging/browser.mjs';

/** Registers the file's before/after; the returned object's `server` and `browser` are set once started. */
export function servedChromium() {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const running = { server: undefined, browser: undefined };
  before(async () => {
    running.server = await serve(root);
    running.browser = await launchChromium();
  });
  after(async () => {
    await running.browser?.close();
    await running.server?.close();
  });
  return running;
}
