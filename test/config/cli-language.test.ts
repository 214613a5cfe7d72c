/** The CLI reports a domain error in the terminal's language: Chinese for a zh locale, else English. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '../support/harness.js';

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-cli-language-'));

/** `simkeep hall list` of an operator nobody created, under the locale `env`. */
function listHallsOfNobody(env: Record<string, string>) {
  const { LANG: _lang, LC_ALL: _all, LC_MESSAGES: _messages, ...rest } = process.env;
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'hall', 'list', '--operator', 'nobody'], {
    env: { ...rest, SIMKEEP_DATA_DIR: dataDir, SIMKEEP_MASTER_KEY: TEST_MASTER_KEY, LOG_LEVEL: 'warn', ...env },
  });
}

describe('the CLI’s error messages', () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('are in Chinese under a zh locale and in English under any other', async () => {
    await expect(listHallsOfNobody({ LANG: 'zh_CN.UTF-8' })).rejects.toMatchObject({ code: 1, stderr: 'error: 找不到代码为“nobody”的运营商。\n' });
    await expect(listHallsOfNobody({ LANG: 'en_US.UTF-8', LC_ALL: 'C.UTF-8' })).rejects.toMatchObject({
      code: 1,
      stderr: 'error: No operator has the code "nobody".\n',
    });
  }, 60_000); // two cold `tsx` starts of the whole CLI
});
