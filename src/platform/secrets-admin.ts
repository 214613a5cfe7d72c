/**
 * The master key through the admin API: how many stored secrets sit under each key id, and
 * rotation with the server's own keyring (the same as `simkeep secrets status` and
 * `rotate`). The master key belongs to the whole deployment, so only an unscoped admin
 * token may ask; never a key or a secret is answered.
 */
import type { AdminPrincipal } from '../catalog/catalog-service.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { type Keyring, UnreadableSecret, unreadableSecret } from './sealed.js';
import { type KindRotation, type KindStatus, rotateSecrets, secretsStatus } from './secret-rotation.js';

export interface KeyringView {
  /** The key id new secrets are sealed under. */
  currentKeyId: string;
  /** The key ids of SIMKEEP_MASTER_KEY_PREVIOUS, which only open. */
  openingKeyIds: string[];
}

export class SecretsAdmin {
  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly clock: Clock,
  ) {}

  async status(principal: AdminPrincipal): Promise<KeyringView & { kinds: KindStatus[] }> {
    deploymentWide(principal);
    return { ...this.view(), kinds: await secretsStatus(this.db) };
  }

  async rotate(principal: AdminPrincipal, ip: string): Promise<KeyringView & { kinds: KindRotation[] }> {
    deploymentWide(principal);
    try {
      return { ...this.view(), kinds: await rotateSecrets(this.db, this.keyring, this.clock.now(), { actor: `admin:${principal.tokenId}`, ip }) };
    } catch (error) {
      if (error instanceof UnreadableSecret) throw unreadableSecret(error, 'a stored secret');
      throw error;
    }
  }

  private view(): KeyringView {
    return { currentKeyId: this.keyring.currentId, openingKeyIds: this.keyring.ids.slice(1) };
  }
}

function deploymentWide(principal: AdminPrincipal): void {
  if (principal.operatorId !== null) {
    throw new DomainError('forbidden', {
      'zh-CN': '主密钥属于整个部署：只有不限运营商的管理员令牌可以查看或轮换。',
      en: 'The master key belongs to the whole deployment: only an admin token not limited to one operator may see or rotate it.',
    });
  }
}
