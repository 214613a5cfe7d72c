/**
 * The admin group's one guard (src/routes/admin/guard.ts): every admin route takes an admin
 * bearer token or an operator admin's staff session — with its CSRF token on writes, and only
 * for that admin's operator — and refuses a clerk's or a supervisor's session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaffClient, setUpHall, signIn } from '../hall/support.js';
import { DIALECTS } from '../support/databases.js';
import { type Harness, newOperator, startHarness } from '../support/harness.js';

describe.each(DIALECTS)('who may call the admin routes, on %s', (dialect) => {
  let h: Harness;
  let admin: StaffClient;
  let supervisor: StaffClient;
  beforeAll(async () => {
    h = await startHarness(dialect);
    await setUpHall(h);
    await newOperator(h, { code: 'north', name: 'North Mobile' });
    admin = await signIn(h, 'opadmin');
    supervisor = await signIn(h, 'super1');
  });
  afterAll(() => h.close());

  it("lets an operator admin's session run the catalog of its own operator, writes with the CSRF token", async () => {
    expect((await admin.call('GET', '/v1/admin/operators/demo/plans')).status).toBe(200);
    const renamed = await admin.call('PATCH', '/v1/admin/operators/demo/plans/m1', { name: { 'zh-CN': '一个月', en: 'One month' } });
    expect(renamed).toMatchObject({ status: 200, body: { name: { en: 'One month' } } });
    const noCsrf = await h.request({
      method: 'PATCH',
      url: '/v1/admin/operators/demo/plans/m1',
      headers: { cookie: admin.cookie },
      payload: { name: { 'zh-CN': '1个月', en: '1 month' } },
    });
    expect(noCsrf).toMatchObject({ status: 403, body: { error: { code: 'csrf_invalid' } } });
  });

  it("refuses that session another operator's resources, and creating operators", async () => {
    expect((await admin.call('GET', '/v1/admin/operators/north/plans')).body.error.code).toBe('forbidden');
    expect((await admin.call('GET', '/v1/admin/operators/north/plans')).status).toBe(403);
    expect((await admin.call('POST', '/v1/admin/operators', { code: 'west', name: 'West' })).status).toBe(403);
  });

  it("refuses a supervisor's session on every admin route, and a caller without credentials", async () => {
    for (const url of ['/v1/admin/operators/demo/plans', '/v1/admin/operators/demo/halls', '/v1/admin/orders?operator=demo']) {
      expect((await supervisor.call('GET', url)).status, url).toBe(403);
      expect((await h.request({ method: 'GET', url })).status, url).toBe(401);
    }
  });
});
