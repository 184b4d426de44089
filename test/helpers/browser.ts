// Debian's Chromium driven by playwright-core (no browser download), the way this machine runs it:
// headless, no sandbox as root, no background networking on a closed network.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const artifactsDirectory = join(process.cwd(), 'test-artifacts');

export async function launchChromium(executablePath: string): Promise<Browser> {
  mkdirSync(artifactsDirectory, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
