/**
 * The service hall's day in Chromium, on the demo hall: a kiosk ticket; the board (another
 * tab, never reloaded) shows it waiting; the phone page follows it; a clerk signs in, opens
 * a shift and calls it, and the board and the phone page update live; the counter renewal
 * by a scanned serial, paid in cash with change (a double click renews once); the receipt
 * PDF; a priority ticket called before a plain one; the shift closed with a difference; a
 * supervisor approves it under the clerk's name. Then an operator admin picks among the
 * operator's halls on the console and the statistics page, whose dates are each hall's own.
 * Screenshots of the kiosk, phone ticket, board, console and statistics at 360 and 1280 px.
 */
import fs from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { todayIn } from '../../src/cards/calendar.js';
import { DEMO_STAFF } from '../../src/platform/demo-hall-seed.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import { cents, definition, expectHeaderFits, expectNoRawCodes, expectVisibleFocus, tabTo, visibleText } from './pages.js';
import { type DemoServer, demoHall, describeBrowser, launchBrowser, openProfile, openTab, shoot, startDemoServer, WIDTHS } from './support.js';
import { DEMO } from './texts.js';

const [PHONE, DESKTOP] = WIDTHS;
const [CLERK, SUPERVISOR] = DEMO_STAFF as [(typeof DEMO_STAFF)[number], (typeof DEMO_STAFF)[number]];
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const OPERATOR_ADMIN = { username: 'demo.admin', password: 'demo-admin-pass' };
/**
 * Two more halls, far east and far west of UTC: at any hour one of them is on another
 * calendar day than UTC, so a "today" taken from UTC shows on one of them.
 */
const FAR_HALLS = [
  { name: '东端营业厅 Kiritimati hall', timeZone: 'Pacific/Kiritimati' },
  { name: '西端营业厅 Pago Pago hall', timeZone: 'Pacific/Pago_Pago' },
] as const;

/** A POST of the admin API with the test's admin token; answers the created object. */
async function adminPost(server: DemoServer, path: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`setup ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as { id: string };
}

/** Through the admin API, as an operator would: an operator admin and the far halls, each with a counter. */
async function setUpOperatorAdmin(server: DemoServer): Promise<void> {
  const admin = (path: string, body: unknown) => adminPost(server, path, body);
  await admin('/v1/admin/operators/demo/staff', { ...OPERATOR_ADMIN, displayName: '刘总 Liu Yang', role: 'operator_admin' });
  for (const far of FAR_HALLS) {
    const hall = await admin('/v1/admin/operators/demo/halls', { name: far.name, address: '1 Far Road', timeZone: far.timeZone });
    await admin(`/v1/admin/halls/${hall.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费保号', en: 'Renewal' }, ticketPrefix: 'A' });
    await admin(`/v1/admin/halls/${hall.id}/counters`, { name: '9', services: ['renewal'] });
  }
}

/** The page at both widths: a phone-sized picture, then the desktop one. */
async function shootBoth(page: Page, name: string): Promise<void> {
  for (const viewport of [PHONE, DESKTOP]) {
    await page.setViewportSize(viewport);
    await expectNoSeriousA11yViolations(page);
    await expectHeaderFits(page);
    await shoot(page, name);
  }
}

async function signIn(page: Page, staff: { username: string; password: string }): Promise<void> {
  await page.goto('/staff/login');
  await page.getByLabel('用户名', { exact: true }).fill(staff.username);
  await page.getByLabel('密码', { exact: true }).fill(staff.password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(/\/staff\/console$/);
  await page.getByLabel('选择窗口').waitFor();
}

describeBrowser('the service hall day in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('kiosk ticket, live board and phone page, call, cash renewal with change, receipt, shift difference approved', async () => {
    const server = await startDemoServer();
    const contexts: BrowserContext[] = [];
    const errors: string[][] = [];
    const tab = async (viewport: (typeof WIDTHS)[number]) => {
      const context = await openProfile(browser, server, viewport, 'zh-CN');
      contexts.push(context);
      const opened = await openTab(context);
      errors.push(opened.pageErrors);
      return opened.page;
    };
    try {
      const hall = await demoHall(server);

      // The kiosk: a renewal ticket with its QR code, people ahead and wait.
      const kiosk = await tab(DESKTOP);
      await kiosk.goto(`/halls/${hall}/kiosk`);
      await kiosk.getByRole('heading', { level: 1, name: '请选择业务取号' }).waitFor();
      const renewal = kiosk.getByRole('button', { name: /续费保号/ });
      await expect.poll(() => visibleText(renewal)).toContain('0 人等候');
      await shootBoth(kiosk, 'hall-1-kiosk');
      await renewal.click();
      const number = kiosk.getByRole('status').filter({ hasText: /^A\d{3}$/ });
      await number.waitFor();
      expect(await visibleText(number)).toBe('A001');
      expect(await visibleText(kiosk.locator('.kiosk-ticket'))).toContain('前面还有 0 人');
      const qr = kiosk.getByRole('img', { name: /二维码/ });
      await expect.poll(() => qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      const token = /\/v1\/tickets\/([^/]+)\/qr\.svg$/.exec((await qr.getAttribute('src')) ?? '')?.[1];
      expect(token).toMatch(/^tt_/);
      await shootBoth(kiosk, 'hall-2-kiosk-ticket');

      // The board shows it waiting; a marker proves it is never reloaded afterwards.
      const board = await tab(DESKTOP);
      await board.goto(`/halls/${hall}/board`);
      const renewalQueue = board.locator('.board-queue li').filter({ hasText: '续费保号' });
      await expect.poll(() => visibleText(renewalQueue)).toContain('1 人等候');
      await board.evaluate(() => Object.assign(globalThis, { boardNotReloaded: true }));

      // The phone page the QR code opens.
      const phone = await tab(PHONE);
      await phone.goto(`/tickets/${token}`);
      await phone.getByText('您排第 1 位').waitFor();
      await expectNoSeriousA11yViolations(phone);
      await shoot(phone, 'hall-3-ticket-waiting');

      // A clerk signs in, opens a shift with a CNY 100 float and calls the next ticket.
      const clerk = await tab(DESKTOP);
      await signIn(clerk, CLERK);
      await clerk.getByLabel('备用金（元）').fill('100');
      await clerk.getByRole('button', { name: '开班', exact: true }).click();
      await clerk.getByLabel('实点现金（元）').waitFor();
      await clerk.getByRole('button', { name: '叫下一位' }).click();
      const current = clerk.getByRole('region', { name: '当前号码' });
      await current.getByText('A001').waitFor();

      // The board and the phone page follow within a second or two, without reloading.
      const calling = board.locator('.board-calling');
      await expect.poll(() => visibleText(calling), { timeout: 3_000 }).toMatch(/A001\s*→?\s*1 号窗口/);
      await expect.poll(() => visibleText(renewalQueue)).toContain('0 人等候');
      expect(await board.evaluate(() => (globalThis as { boardNotReloaded?: boolean }).boardNotReloaded)).toBe(true);
      await shootBoth(board, 'hall-4-board-calling');
      await phone.getByText('请到 1 号窗口').waitFor({ timeout: 3_000 });
      await expectNoSeriousA11yViolations(phone);
      await shoot(phone, 'hall-5-ticket-called');

      // The renewal: the serial typed by a barcode scanner ends with Enter.
      await current.getByRole('button', { name: '开始办理' }).click();
      const iccid = clerk.getByLabel('SIM 卡序列号（ICCID）', { exact: true });
      await iccid.fill(DEMO.expiringSoon.iccid);
      await iccid.press('Enter');
      await clerk.getByText(DEMO.expiringSoon.msisdn).waitFor();
      await clerk.getByLabel('证件类型').selectOption('resident_id');
      await clerk.getByLabel('证件号码后 4 位', { exact: true }).fill('123x');
      await clerk.getByRole('radio', { name: /^1个月/ }).check();
      const quote = clerk.getByLabel('报价');
      await expect.poll(() => visibleText(quote)).toContain('8.00');
      await clerk.getByLabel('实收金额（元）').fill('10');
      await expect.poll(() => visibleText(clerk.locator('.console-change'))).toMatch(/找零[:：]\s*¥2\.00/);
      await shootBoth(clerk, 'hall-6-console-renewal');
      // A double click sends one attempt's key twice: one renewal, whatever arrives.
      await clerk.getByRole('button', { name: /^确认续费/ }).dblclick();
      const done = clerk.getByRole('status').filter({ hasText: '续费成功' });
      await done.waitFor();
      expect(cents(await visibleText(done.locator('.console-change-due')))).toBe(200);
      // The shift panel counts it at once, without a reload: one renewal, ¥10.00 taken, ¥2.00 change.
      const shiftPanel = clerk.getByRole('region', { name: '收银班次' });
      await expect.poll(() => visibleText(definition(shiftPanel, '续费笔数')), { timeout: 3_000 }).toBe('1');
      expect(await visibleText(definition(shiftPanel, '现金收入'))).toBe('¥10.00');

      const [download] = await Promise.all([clerk.waitForEvent('download'), done.getByRole('link', { name: '打印收据 (PDF)' }).click()]);
      const pdf = await fs.readFile(await download.path());
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await shootBoth(clerk, 'hall-7-console-renewed');
      await current.getByRole('button', { name: '办理完毕' }).click();
      await clerk.getByRole('button', { name: '叫下一位' }).waitFor();
      await phone.getByText('业务已办理完毕，谢谢光临。').waitFor();

      // At a second kiosk: a plain renewal ticket, then one for a disabled customer, who
      // is called first.
      const kiosk2 = await tab(DESKTOP);
      await kiosk2.goto(`/halls/${hall}/kiosk`);
      await kiosk2.getByRole('heading', { level: 1, name: '请选择业务取号' }).waitFor();
      await kiosk2.getByRole('button', { name: /续费保号/ }).click();
      await kiosk2.getByRole('status').filter({ hasText: 'A002' }).waitFor();
      await kiosk2.getByRole('button', { name: '完成', exact: true }).click();
      const priorities = kiosk2.getByRole('group', { name: '需要优先服务？' });
      for (const kind of ['老年人', '残障人士', '已预约'])
        expect(await priorities.getByRole('button', { name: kind }).getAttribute('aria-pressed')).toBe('false');
      const disabled = priorities.getByRole('button', { name: '残障人士' });
      await disabled.click();
      expect(await disabled.getAttribute('aria-pressed')).toBe('true');
      await priorities.getByText('已选“残障人士”优先').waitFor();
      await shootBoth(kiosk2, 'hall-11-kiosk-priority');
      await kiosk2.getByRole('button', { name: /续费保号/ }).click();
      await kiosk2.getByRole('status').filter({ hasText: 'A003' }).waitFor();
      const priorityTicket = await visibleText(kiosk2.locator('.kiosk-ticket'));
      expect(priorityTicket).toContain('优先号：残障人士');
      expect(priorityTicket).toContain('前面还有 0 人');
      await shootBoth(kiosk2, 'hall-12-kiosk-priority-ticket');
      await clerk.getByRole('button', { name: '叫下一位' }).click();
      await current.getByText('A003').waitFor();
      await current.getByText('优先：残障人士').waitFor();
      await expect.poll(() => visibleText(clerk.locator('.console-waiting'))).toContain('续费保号：1 人等候');
      await current.getByRole('button', { name: '开始办理' }).click();
      await current.getByRole('button', { name: '办理完毕' }).click();
      await clerk.getByRole('button', { name: '叫下一位' }).waitFor();

      // Closing the shift one yuan short: expected 100 + 10 − 2 (one renewal, not two).
      const shift = clerk.getByRole('region', { name: '收银班次' });
      await expect.poll(() => visibleText(shift)).toContain('¥108.00');
      await clerk.getByLabel('实点现金（元）').fill('107');
      await clerk.getByRole('button', { name: '结班' }).click();
      const figures = shift.locator('.shift-figures');
      await expect.poll(() => visibleText(figures)).toContain('待主管审批');
      expect(await visibleText(figures.locator('.shift-difference'))).toBe('−¥1.00');
      await shootBoth(clerk, 'hall-8-console-shift-closed');
      await clerk.getByRole('button', { name: '退出' }).click();
      await clerk.waitForURL(/\/staff\/login$/);

      // The supervisor approves the difference.
      await signIn(clerk, SUPERVISOR);
      const approvals = clerk.getByRole('region', { name: '待审批' });
      await approvals.getByText('−¥1.00').waitFor();
      expect(await visibleText(approvals.locator('.approval-clerk'))).toBe('王小明 Wang Xiaoming');
      await shootBoth(clerk, 'hall-9-console-approvals');
      await approvals.getByRole('button', { name: '审批通过' }).click();
      await approvals.getByText('没有待审批事项。').waitFor();

      // The day's statistics name the service and the clerk, and write the day out, in both languages.
      await clerk.getByRole('link', { name: '统计' }).click();
      await clerk.getByRole('heading', { level: 1, name: '营业厅统计' }).waitFor();
      await clerk.getByRole('button', { name: '查看', exact: true }).click();
      const byService = clerk.getByRole('table', { name: '按业务' });
      await byService.getByRole('rowheader', { name: '续费保号' }).waitFor();
      await clerk.getByRole('table', { name: '按柜员' }).getByRole('rowheader', { name: '王小明 Wang Xiaoming' }).waitFor();
      await clerk.getByRole('table', { name: '按窗口' }).getByRole('rowheader', { name: '1 号窗口' }).waitFor();
      await clerk
        .getByRole('table', { name: '按日期' })
        .getByRole('rowheader', { name: /^\d{4}年\d{1,2}月\d{1,2}日$/ })
        .waitFor();
      await expectNoRawCodes(clerk, 'zh-CN');
      await shootBoth(clerk, 'hall-9b-stats-zh-CN');
      await clerk.getByRole('button', { name: 'English', exact: true }).click();
      await clerk.getByRole('table', { name: 'By service' }).getByRole('rowheader', { name: 'Renewal' }).waitFor();
      await expectNoRawCodes(clerk, 'en');
      await shootBoth(clerk, 'hall-9c-stats-en');
      await clerk.getByRole('button', { name: '中文', exact: true }).click();
      await clerk.getByRole('heading', { level: 1, name: '营业厅统计' }).waitFor();

      // Joining from a phone before arriving, then its ticket page.
      await phone.goto(`/halls/${hall}/join`);
      await phone.getByRole('radio', { name: /业务咨询/ }).check();
      await expectNoSeriousA11yViolations(phone);
      await shoot(phone, 'hall-10-join');
      await phone.getByRole('button', { name: '取号', exact: true }).click();
      await phone.waitForURL(/\/tickets\/tt_/);
      await phone.getByText('C001').waitFor();
      await phone.getByText('您排第 1 位').waitFor();
      await phone.getByRole('button', { name: '不排了，离开队列' }).click();
      await phone.getByRole('button', { name: '确定离开' }).click();
      await phone.getByText('该号码已取消。').waitFor();

      // The board's sound takes a click (the gesture browsers ask for).
      const chimeToggle = board.getByRole('button', { name: /^提示音/ });
      await chimeToggle.click();
      expect(await chimeToggle.getAttribute('aria-pressed')).toBe('true');
      // The kiosk went back to its start by itself, 20 s after the ticket.
      await kiosk.getByRole('heading', { level: 1, name: '请选择业务取号' }).waitFor({ timeout: 25_000 });
      await kiosk.getByRole('button', { name: 'English', exact: true }).click();
      await kiosk.getByRole('heading', { level: 1, name: 'Choose a service to take a number' }).waitFor();
      await kiosk.getByRole('button', { name: /Enquiries.*0 waiting/ }).waitFor();
      const priorityKinds = kiosk.getByRole('group', { name: 'Need priority service?' }).getByRole('button');
      expect(await priorityKinds.allTextContents()).toEqual(['Elderly', 'Disabled', 'Appointment']);

      for (const pageErrors of errors) expect(pageErrors).toEqual([]);
    } finally {
      for (const context of contexts) await context.close();
      await server.stop();
    }
  }, 120_000);

  test('a closed hall’s join page says when it opens and offers no join; its kiosk still issues, and a priority ticket’s page says so', async () => {
    const server = await startDemoServer({ SIMKEEP_ADMIN_TOKEN: ADMIN_TOKEN });
    const context = await openProfile(browser, server, PHONE, 'zh-CN');
    try {
      // Open only on the weekday after tomorrow (in Shanghai): closed now, whatever the hour.
      const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
      const inTwoDays = new Date(`${todayIn('Asia/Shanghai', new Date())}T12:00:00Z`);
      inTwoDays.setUTCDate(inTwoDays.getUTCDate() + 2);
      const day = weekdays[(inTwoDays.getUTCDay() + 6) % 7] as string;
      const hall = await adminPost(server, '/v1/admin/operators/demo/halls', {
        name: '夜间关闭营业厅 Office hours hall',
        address: '2 Office Road',
        timeZone: 'Asia/Shanghai',
        openingHours: { [day]: ['09:00', '18:00'] },
      });
      await adminPost(server, `/v1/admin/halls/${hall.id}/services`, { code: 'renewal', name: { 'zh-CN': '续费保号', en: 'Renewal' }, ticketPrefix: 'A' });
      const { page, pageErrors } = await openTab(context);
      await page.goto(`/halls/${hall.id}/join`);
      const notice = page.getByRole('status').filter({ hasText: '营业厅现在不在营业时间' });
      await notice.waitFor();
      expect(await visibleText(notice)).toMatch(/^营业厅现在不在营业时间，将于 .*09:00 开门。$/);
      expect(await page.getByRole('button', { name: '取号', exact: true }).isDisabled()).toBe(true);
      await expectNoSeriousA11yViolations(page);
      await shoot(page, 'hall-15-join-closed');

      // The kiosk inside still issues; a priority ticket's phone page says which priority it has.
      const response = await fetch(`${server.url}/v1/halls/${hall.id}/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'renewal', priority: 'elderly' }),
      });
      expect(response.status).toBe(201);
      const { token } = (await response.json()) as { token: string };
      await page.goto(`/tickets/${token}`);
      await page.getByText('优先号：老年人').waitFor();
      await expectNoSeriousA11yViolations(page);
      await shoot(page, 'hall-16-ticket-priority');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  });

  test('an operator admin picks the hall in the console and on the statistics page; the dates are the hall’s own', async () => {
    const server = await startDemoServer({ SIMKEEP_ADMIN_TOKEN: ADMIN_TOKEN });
    const context = await openProfile(browser, server, DESKTOP, 'zh-CN');
    try {
      await setUpOperatorAdmin(server);
      const { page, pageErrors } = await openTab(context);
      await signIn(page, OPERATOR_ADMIN);

      // The picker is in the tab order, labelled; an arrow key picks the next hall.
      const hallPick = page.getByLabel('选择营业厅');
      expect(await hallPick.locator('option').allTextContents()).toEqual(['示例营业厅 Demo hall', ...FAR_HALLS.map((h) => h.name)]);
      expect(await hallPick.inputValue()).toBe(await hallPick.locator('option').first().getAttribute('value'));
      await tabTo(page, hallPick, 40);
      await expectVisibleFocus(hallPick);
      await page.keyboard.press('ArrowDown');
      const brand = page.locator('.staff-bar .brand');
      await expect.poll(() => visibleText(brand)).toBe(FAR_HALLS[0].name);
      const counterPick = page.getByLabel('选择窗口');
      await expect.poll(() => counterPick.locator('option').allTextContents()).toEqual(['9 号窗口 (关闭)']);
      await page.getByRole('region', { name: '待审批' }).getByText('没有待审批事项。').waitFor();
      await shootBoth(page, 'hall-13-console-operator-admin');

      // Remembered in this browser, on the console and on the statistics page alike.
      await page.reload();
      await expect.poll(() => visibleText(brand)).toBe(FAR_HALLS[0].name);
      await page.getByRole('link', { name: '统计' }).click();
      await page.getByRole('heading', { level: 1, name: '营业厅统计' }).waitFor();
      const statsPick = page.getByLabel('选择营业厅');
      const from = page.getByLabel('开始日期');
      const to = page.getByLabel('结束日期');
      for (const far of FAR_HALLS) {
        await statsPick.selectOption({ label: far.name });
        await expect.poll(() => visibleText(brand)).toBe(far.name);
        const today = todayIn(far.timeZone, new Date());
        await expect.poll(() => from.inputValue()).toBe(today);
        expect(await to.inputValue()).toBe(today);
        const [y, m, d] = today.split('-').map(Number);
        await page.getByText(`营业厅今天是 ${y}年${m}月${d}日`).waitFor();
      }
      await statsPick.selectOption({ label: '示例营业厅 Demo hall' });
      await expect.poll(() => from.inputValue()).toBe(todayIn('Asia/Shanghai', new Date()));
      await page.getByRole('button', { name: '查看', exact: true }).click();
      await page.getByRole('table', { name: '合计' }).waitFor();
      await page.getByRole('region', { name: '按柜员' }).getByText('这段时间没有记录。').waitFor();
      await shootBoth(page, 'hall-14-stats');
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  }, 60_000);
});
