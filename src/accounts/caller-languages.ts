/**
 * The languages callers chose, for the answers that name none (the order is in
 * src/http/language.ts): a subscriber's reminder language for the account's own number's
 * card, else the default of that card's operator; an operator's `default_language`.
 *
 * The reminder language is the one language choice a subscriber makes ("My cards"), so it
 * stands for the account's: the account keeps no language of its own. (An opt-out through a
 * reminder link, before any choice, stores Chinese, the reminders' own default.)
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import type { Language } from '../shared/errors.js';
import { accountLanguages } from './account-repository.js';

export class CallerLanguages {
  constructor(
    private readonly db: Db,
    private readonly catalog: Pick<Catalog, 'operatorById' | 'operatorByCode'>,
  ) {}

  async ofAccount(accountId: string): Promise<Language | undefined> {
    const found = await accountLanguages(this.db.kysely, accountId);
    return found ? (found.locale ?? found.default_language) : undefined;
  }

  /** From the catalog's cache: no query on most answers. */
  async ofOperator(operator: { id: string } | { code: string }): Promise<Language | undefined> {
    const found = 'id' in operator ? await this.catalog.operatorById(operator.id) : await this.catalog.operatorByCode(operator.code);
    return found?.defaultLanguage;
  }
}
