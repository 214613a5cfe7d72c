/**
 * Admin bearer tokens. The CLI creates them (shown once, stored as SHA-256 hashes) and may
 * scope one to an operator; SIMKEEP_ADMIN_TOKEN is accepted besides them. Tokens are
 * compared by hash in constant time and never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { operatorIdByCode } from '../catalog/catalog-repository.js';
import type { AdminPrincipal } from '../catalog/catalog-service.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, operatorNotFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { insertAdminToken, listAdminTokens, liveTokenByHash, revokeAdminToken } from './admin-token-repository.js';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export class AdminTokens {
  private readonly configuredHash: Buffer | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    configuredToken: string | undefined,
  ) {
    this.configuredHash = configuredToken ? sha256(configuredToken) : undefined;
  }

  async create(name: string, operatorCode?: string): Promise<{ id: string; token: string }> {
    let operatorId: string | null = null;
    if (operatorCode) {
      const found = await operatorIdByCode(this.db.kysely, operatorCode);
      if (!found) throw operatorNotFound(operatorCode);
      operatorId = found;
    }
    const token = `sk_admin_${randomBytes(32).toString('base64url')}`;
    const id = newId('tok');
    await insertAdminToken(this.db.kysely, {
      id,
      name,
      token_hash: sha256(token).toString('hex'),
      operator_id: operatorId,
      created_at: this.clock.now().toISOString(),
      revoked_at: null,
    });
    return { id, token };
  }

  list() {
    return listAdminTokens(this.db.kysely);
  }

  revoke(id: string): Promise<boolean> {
    return revokeAdminToken(this.db.kysely, id, this.clock.now().toISOString());
  }

  /** The principal a bearer token stands for; `unauthorized` when there is none. */
  async authenticate(authorization: string | undefined): Promise<AdminPrincipal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1])
      throw new DomainError('unauthorized', {
        'zh-CN': '需要管理员令牌（Authorization: Bearer <令牌>）。',
        en: 'An admin bearer token is required (Authorization: Bearer <token>).',
      });
    const hash = sha256(match[1]);
    if (this.configuredHash && timingSafeEqual(hash, this.configuredHash)) return { tokenId: 'env', operatorId: null };
    const row = await liveTokenByHash(this.db.kysely, hash.toString('hex'));
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), hash))
      throw new DomainError('unauthorized', { 'zh-CN': '该管理员令牌无效或已被吊销。', en: 'This admin token is not known or was revoked.' });
    return { tokenId: row.id, operatorId: row.operator_id };
  }
}
