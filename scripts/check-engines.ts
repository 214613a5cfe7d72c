/**
 * Checks that package.json's `engines.node` is true to the installed packages: every Node
 * version the range admits must be one that each installed package says it runs on (so an
 * install on any admitted Node prints no EBADENGINE warning), and the Node running this
 * check must be admitted. Run by `npm run check`; prints what to fix and exits 1 otherwise.
 *
 * Only packages present in node_modules count: npm skips the other platforms' optional
 * builds (a wasm32 binding, say), and does not check their engines either.
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

const repo = path.resolve(import.meta.dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { engines?: { node?: string } };
const lock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

const declared = manifest.engines?.node;
if (!declared || !semver.validRange(declared)) {
  console.error(`package.json: engines.node is ${JSON.stringify(declared)}; it must be a semver range`);
  process.exit(1);
}

const problems: string[] = [];
if (!semver.satisfies(process.version, declared)) {
  problems.push(`this machine's Node ${process.version} is outside engines.node "${declared}"`);
}

for (const [location, entry] of Object.entries(lock.packages)) {
  if (location === '' || !fs.existsSync(path.join(repo, location, 'package.json'))) continue;
  // Old manifests wrote engines as an array; npm ignores that form.
  const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
  if (!wanted || semver.subset(declared, wanted)) continue;
  problems.push(`${location.replace(/^.*node_modules\//, '')}@${entry.version} wants node "${wanted}", which "${declared}" does not imply`);
}

if (problems.length > 0) {
  console.error(`engines.node does not match the installed packages:\n  ${problems.join('\n  ')}`);
  console.error('Narrow engines.node, or pick versions (or npm overrides) that run on every Node it admits.');
  process.exit(1);
}
console.log(`engines.node "${declared}": every installed package runs on it`);
