/**
 * Invoice requests for counter renewals: the customer's title, tax id and email, recorded
 * `pending` for the operator's e-invoice provider, with a PDF document printable at once.
 * One request per order.
 */
import { instantIn } from '../../cards/calendar.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { OrderService } from '../../renewal/order-service.js';
import type { Clock } from '../../shared/clock.js';
import { DomainError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { audit } from '../audit.js';
import { assertInHall, type HallActor, staffOf } from '../hall-access.js';
import { findHall } from '../hall-repository.js';
import { hallOfCounterPayment } from '../shifts/shift-repository.js';
import { invoicedOrder } from './counter-renewal-repository.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import { findInvoiceRequest, insertInvoiceRequest, pendingInvoiceRequests } from './invoice-repository.js';

export interface InvoiceInput {
  title: string;
  taxId?: string | undefined;
  email: string;
}

export class InvoiceService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly clock: Clock,
  ) {}

  /** The hall of a counter renewal, checked against the staff member. */
  async counterOrder(actor: HallActor, orderId: string) {
    const hallId = await hallOfCounterPayment(this.db.kysely, orderId);
    if (!hallId) throw new DomainError('order_not_found', { 'zh-CN': '没有这个订单号的柜台续费。', en: 'No counter renewal has this order id.' });
    const hall = await findHall(this.db.kysely, hallId);
    assertInHall(staffOf(actor), { id: hall.id, operatorId: hall.operator_id });
    return hall;
  }

  async order(actor: HallActor, orderId: string) {
    await this.counterOrder(actor, orderId);
    return this.orders.get(orderId);
  }

  async request(actor: HallActor, orderId: string, input: InvoiceInput) {
    const hall = await this.counterOrder(actor, orderId);
    const order = await invoicedOrder(this.db.kysely, orderId);
    if (order.status !== 'fulfilled')
      throw new DomainError('order_not_pending', { 'zh-CN': '只有已续费的订单才能开具发票。', en: 'Only a fulfilled renewal can be invoiced.' });
    const now = this.clock.now();
    const id = newId('inv');
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        await insertInvoiceRequest(trx, {
          id,
          order_id: orderId,
          operator_id: order.operator_id,
          hall_id: hall.id,
          title: input.title,
          tax_id: input.taxId ?? null,
          email: input.email,
          amount: order.total,
          currency: order.currency,
          status: 'pending',
          requested_by: staffOf(actor).id,
          created_at: now.toISOString(),
          submitted_at: null,
          provider_reference: null,
        });
        await audit(
          trx,
          actor,
          actor.ip,
          { operatorId: order.operator_id, hallId: hall.id, action: 'invoice.request', subject: id, detail: { order: orderId, title: input.title } },
          now,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('invoice_exists');
      throw error;
    }
    return this.view(id);
  }

  private async load(id: string) {
    const row = await findInvoiceRequest(this.db.kysely, id);
    if (!row) throw new DomainError('invoice_not_found');
    return row;
  }

  async view(id: string) {
    const row = await this.load(id);
    return {
      id: row.id,
      order: row.order_id,
      title: row.title,
      taxId: row.tax_id,
      email: row.email,
      amount: row.amount,
      currency: row.currency,
      status: row.status,
      createdAt: row.created_at,
      pdfUrl: `/v1/console/invoices/${row.id}/invoice.pdf`,
    };
  }

  async pdf(actor: HallActor, id: string): Promise<Buffer> {
    const row = await this.load(id);
    await this.order(actor, row.order_id);
    const { order, operator, planName } = await this.orders.receipt(row.order_id);
    return renderInvoicePdf({
      id: row.id,
      operatorName: operator.displayName,
      title: row.title,
      taxId: row.tax_id,
      email: row.email,
      planName: `${planName['zh-CN']} / ${planName.en}`,
      amount: row.amount,
      currency: row.currency,
      receiptNumber: order.receipt_number ?? '',
      requestedAtLocal: instantIn(operator.timeZone, row.created_at),
      status: row.status === 'pending' ? '待开具电子发票 / e-invoice pending' : '已提交 / submitted',
    });
  }

  /** What the operator's e-invoice integration picks up. */
  async pending(operatorId: string) {
    return pendingInvoiceRequests(this.db.kysely, operatorId);
  }
}
