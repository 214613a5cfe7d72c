/**
 * `npm run docs:settings`: writes the README's Configuration table from src/settings.ts
 * (test/config/readme-settings.test.ts fails until it has been run after a change there).
 */
import fs from 'node:fs';
import { withSettingsBlock } from '../src/settings-report.js';

const readme = fs.readFileSync('README.md', 'utf8');
const updated = withSettingsBlock(readme);
fs.writeFileSync('README.md', updated);
console.log(updated === readme ? 'README.md: the settings table was up to date' : 'README.md: settings table written');
