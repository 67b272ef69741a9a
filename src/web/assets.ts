import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { projectPath } from '../lib/paths.ts';
import { extname, join } from 'node:path';

/** Vigil's own static files (CSS, icon, the small optional script), held in memory: they are a few kilobytes. */
export interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

// Found from the project root, so the same files serve from src/ (tsx) and from the dist/ bundle.
const DIRECTORY = projectPath('src', 'web', 'assets');

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(DIRECTORY)) {
    const type = TYPES[extname(name)];
    if (!type || !/^[a-z0-9][a-z0-9._-]*$/.test(name)) continue;
    const body = readFileSync(join(DIRECTORY, name));
    assets.set(name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) });
  }
  return assets;
}

export const ASSETS: ReadonlyMap<string, Asset> = loadAssets();

/** The URL of an asset, versioned by its content so browsers may keep it for a year. */
export function assetUrl(name: string): string {
  const asset = ASSETS.get(name);
  if (!asset) throw new Error(`no asset named ${name}`);
  return `/assets/${name}?v=${asset.hash}`;
}
