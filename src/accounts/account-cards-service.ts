/**
 * What a signed-in subscriber does with their account: list their cards ("My cards"), add
 * one by proving it (number and SIM serial, through `RenewalService.findCard`, so the
 * anti-probing limits apply), remove one, read the orders of their cards with receipts, and
 * choose how reminders reach them. Every card is reached through the account's links: a
 * card of another account answers `card_not_found`, like a card that does not exist.
 */
import { todayIn } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Operator } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import type { PaymentTable } from '../db/schema.js';
import type { ReceiptLinker } from '../receipts/receipt-links.js';
import type { ContactChoice } from '../reminders/contact-repository.js';
import { assertContactChange, type ContactView, storeContact } from '../reminders/contact-service.js';
import type { OrderService } from '../renewal/order-service.js';
import { type OrderView, orderView } from '../renewal/order-view.js';
import type { CardProof, RenewalService } from '../renewal/renewal-service.js';
import type { Clock } from '../shared/clock.js';
import { cardNotFound } from '../shared/errors.js';
import { type AccountRow, accountCards, accountOrders, isLinked, linkCard, paymentsOfOrders, unlinkCard } from './account-repository.js';
import { byOwnThenAdded, type MyCard, myCardView } from './my-card-view.js';

export const ORDERS_DEFAULT_LIMIT = 50;
export const ORDERS_MAX_LIMIT = 200;

export class AccountCardsService {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly renewal: Pick<RenewalService, 'findCard'>,
    private readonly orderService: Pick<OrderService, 'numberPendingReceipts'>,
    private readonly receiptLinks: ReceiptLinker,
    private readonly clock: Clock,
  ) {}

  async me(account: AccountRow): Promise<{ msisdn: string; cards: MyCard[] }> {
    return { msisdn: account.msisdn, cards: await this.cards(account) };
  }

  /**
   * Adds the card the proof opens. Adding a card the account already holds changes nothing
   * and answers the same entry (`created: false`).
   */
  async addCard(account: AccountRow, proof: CardProof, ip: string): Promise<{ created: boolean; card: MyCard }> {
    const { card } = await this.renewal.findCard(proof, ip);
    const created = await linkCard(this.db.kysely, account.id, card.id, this.clock.now().toISOString());
    const [entry] = await this.cards(account, card.id);
    if (!entry) throw cardNotFound();
    return { created, card: entry };
  }

  async removeCard(account: AccountRow, cardId: string): Promise<void> {
    if (!(await unlinkCard(this.db.kysely, account.id, cardId))) throw cardNotFound();
  }

  async updateContact(account: AccountRow, cardId: string, choice: ContactChoice): Promise<ContactView> {
    assertContactChange(choice);
    if (!(await isLinked(this.db.kysely, account.id, cardId))) throw cardNotFound();
    return storeContact(this.db.kysely, cardId, choice, this.clock.now());
  }

  /** The orders of the account's cards, newest first: three queries (and the catalog's, per operator) whatever their number. */
  async orders(account: AccountRow, limit = ORDERS_DEFAULT_LIMIT): Promise<{ orders: OrderView[] }> {
    const newest = Math.min(Math.max(1, limit), ORDERS_MAX_LIMIT);
    let rows = await accountOrders(this.db.kysely, account.id, newest);
    if (rows.some((r) => r.fulfilled_at !== null && r.receipt_number === null)) {
      // Fulfilled, but the numbering after its commit did not run (a crash, say): run it now, as GET /v1/orders/{id} does.
      await this.orderService.numberPendingReceipts();
      rows = await accountOrders(this.db.kysely, account.id, newest);
    }
    const ids = rows.map((r) => r.id);
    const payments = await paymentsOfOrders(this.db.kysely, ids);
    const latestPayment = new Map<string, PaymentTable>();
    for (const payment of payments) if (!latestPayment.has(payment.order_id)) latestPayment.set(payment.order_id, payment);
    const operators = await this.operators(rows.map((r) => r.operator_id));
    const plans = new Map((await Promise.all([...operators.keys()].map((id) => this.catalog.plansOf(id)))).flat().map((plan) => [plan.id, plan]));
    const now = this.clock.now();
    return {
      orders: rows.flatMap(({ msisdn, ...order }) => {
        const operator = operators.get(order.operator_id);
        if (!operator) return [];
        const receipt = order.receipt_number ? this.receiptLinks.links(order.id, order.receipt_number) : undefined;
        return [orderView(order, latestPayment.get(order.id), operator, msisdn, now, receipt, plans.get(order.plan_id)?.name)];
      }),
    };
  }

  /** The account's cards (or the one card `onlyCardId`) in one query, with their contact choices. */
  private async cards(account: AccountRow, onlyCardId?: string): Promise<MyCard[]> {
    const rows = await accountCards(this.db.kysely, account.id, onlyCardId);
    const operators = await this.operators(rows.map((r) => r.operator_id));
    const now = this.clock.now();
    return rows.sort(byOwnThenAdded(account.msisdn)).flatMap((row) => {
      const operator = operators.get(row.operator_id);
      return operator ? [myCardView(row, operator, todayIn(operator.timeZone, now))] : [];
    });
  }

  /** The operators by id, each read once (and usually from the catalog's cache). */
  private async operators(ids: string[]): Promise<Map<string, Operator>> {
    const unique = [...new Set(ids)];
    const found = await Promise.all(unique.map((id) => this.catalog.operatorById(id)));
    return new Map(found.flatMap((operator) => (operator ? [[operator.id, operator] as const] : [])));
  }
}
