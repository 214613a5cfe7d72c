/**
 * Sealing stored secrets (src/platform/sealed.ts) and reading the master keys
 * (src/platform/master-key.ts): round trips, and every way a value must not open.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { keyringOf, newMasterKey } from '../../src/platform/master-key.js';
import { Keyring, keyIdOf, sealedKeyId, UnreadableSecret } from '../../src/platform/sealed.js';
import { DEMO_MASTER_KEY } from '../../src/settings.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const PLACE = 'webhook_endpoints/we_1/secret';

function refusal(run: () => unknown): UnreadableSecret {
  try {
    run();
  } catch (error) {
    if (error instanceof UnreadableSecret) return error;
    throw error;
  }
  throw new Error('it opened');
}

describe('sealed values', () => {
  it('open to what was sealed, under a fresh IV each time, naming their key id', () => {
    const keyring = new Keyring(keyA);
    const plaintext = '-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----\n密钥';
    const first = keyring.seal(plaintext, PLACE);
    const second = keyring.seal(plaintext, PLACE);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^sk1:[0-9a-f]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(first).not.toContain('PRIVATE');
    expect(keyring.open(first, PLACE)).toBe(plaintext);
    expect(keyring.open(second, PLACE)).toBe(plaintext);
    expect(sealedKeyId(first)).toBe(createHash('sha256').update(keyA).digest('hex').slice(0, 8));
    expect(keyring.currentId).toBe(keyIdOf(keyA));
  });

  it('do not open under another key, and say which key they need', () => {
    const sealed = new Keyring(keyA).seal('whsec_abc', PLACE);
    const error = refusal(() => new Keyring(keyB).open(sealed, PLACE));
    expect(error).toMatchObject({ reason: 'unknown_key', keyId: keyIdOf(keyA) });
    expect(error.message).toContain('SIMKEEP_MASTER_KEY_PREVIOUS');
  });

  it('open under an older key of the keyring, which never seals', () => {
    const sealed = new Keyring(keyA).seal('whsec_abc', PLACE);
    const rotated = new Keyring(keyB, [keyA]);
    expect(rotated.open(sealed, PLACE)).toBe('whsec_abc');
    expect(rotated.needsSealing(sealed)).toBe(true);
    const resealed = rotated.seal('whsec_abc', PLACE);
    expect(sealedKeyId(resealed)).toBe(keyIdOf(keyB));
    expect(rotated.needsSealing(resealed)).toBe(false);
    expect(refusal(() => new Keyring(keyA).open(resealed, PLACE)).reason).toBe('unknown_key');
  });

  it('refuse a changed ciphertext, IV or tag, and a value moved to another place', () => {
    const keyring = new Keyring(keyA);
    const sealed = keyring.seal('smtp-password', PLACE);
    const [prefix, keyId, iv, body] = sealed.split(':') as [string, string, string, string];
    const flip = (text: string, at: number) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[at] = (bytes[at] ?? 0) ^ 1;
      return bytes.toString('base64url');
    };
    const altered = [
      [prefix, keyId, iv, flip(body, 0)], // ciphertext
      [prefix, keyId, iv, flip(body, Buffer.from(body, 'base64url').length - 1)], // tag
      [prefix, keyId, flip(iv, 0), body],
      [prefix, keyId, iv, body.slice(0, 8)], // cut short
    ].map((parts) => parts.join(':'));
    for (const value of altered) expect(refusal(() => keyring.open(value, PLACE)).reason).toBe('tampered');
    expect(refusal(() => keyring.open(sealed, 'webhook_endpoints/we_2/secret')).reason).toBe('tampered');
  });

  it('take a value stored in clear before sealing as it is, and mark it for sealing', () => {
    const keyring = new Keyring(keyA);
    expect(keyring.open('whsec_from_before', PLACE)).toBe('whsec_from_before');
    expect(keyring.open('{"kind":"smtp","password":"p"}', PLACE)).toBe('{"kind":"smtp","password":"p"}');
    expect(sealedKeyId('whsec_from_before')).toBeNull();
    expect(keyring.needsSealing('whsec_from_before')).toBe(true);
  });
});

describe('master keys', () => {
  const settings = (env: Record<string, string>, demo = false) => loadConfig(env, { demo });

  it('come from SIMKEEP_MASTER_KEY in base64url or base64, with older ones that only open', () => {
    const current = newMasterKey();
    expect(current).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const older = randomBytes(32).toString('base64');
    const keyring = keyringOf(settings({ SIMKEEP_MASTER_KEY: current, SIMKEEP_MASTER_KEY_PREVIOUS: ` ${older} ,` }));
    expect(keyring.ids).toEqual([keyIdOf(Buffer.from(current, 'base64url')), keyIdOf(Buffer.from(older, 'base64'))]);
  });

  it('come from the file SIMKEEP_MASTER_KEY_FILE names, which wins over the demo key', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'simkeep-key-')), 'master.key');
    const key = newMasterKey();
    fs.writeFileSync(file, `${key}\n`);
    expect(keyringOf(settings({ SIMKEEP_MASTER_KEY_FILE: file })).currentId).toBe(keyIdOf(Buffer.from(key, 'base64url')));
    expect(keyringOf(settings({ SIMKEEP_MASTER_KEY_FILE: file }, true)).currentId).toBe(keyIdOf(Buffer.from(key, 'base64url')));
    expect(() => keyringOf(settings({ SIMKEEP_MASTER_KEY_FILE: file, SIMKEEP_MASTER_KEY: newMasterKey() }))).toThrow(/both set/);
    fs.writeFileSync(file, 'short');
    expect(() => keyringOf(settings({ SIMKEEP_MASTER_KEY_FILE: file }))).toThrow(/simkeep secrets new-key/);
    expect(() => keyringOf(settings({ SIMKEEP_MASTER_KEY_FILE: `${file}.missing` }))).toThrow(/cannot read it \(ENOENT\)/);
  });

  it('are required, except by the demo, and the refusal says how to make one', () => {
    expect(() => keyringOf(settings({}))).toThrow(ConfigError);
    expect(() => keyringOf(settings({}))).toThrow(/simkeep secrets new-key.*SIMKEEP_MASTER_KEY_FILE/s);
    expect(keyringOf(settings({}, true)).currentId).toBe(keyIdOf(Buffer.from(DEMO_MASTER_KEY, 'base64url')));
  });

  it('refuse a value that is not 32 bytes, without repeating it', () => {
    for (const bad of ['too-short', randomBytes(31).toString('base64url'), `${randomBytes(32).toString('base64url')}xx`]) {
      let problem = '';
      try {
        settings({ SIMKEEP_MASTER_KEY: bad });
      } catch (error) {
        problem = (error as Error).message;
      }
      expect(problem).toContain('SIMKEEP_MASTER_KEY: expected 32 random bytes');
      expect(problem).not.toContain(bad);
    }
    expect(() => settings({ SIMKEEP_MASTER_KEY_PREVIOUS: `${newMasterKey()},nope` })).toThrow(/SIMKEEP_MASTER_KEY_PREVIOUS: expected 32 random bytes/);
  });
});
