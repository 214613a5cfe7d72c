import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../support/databases.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { type HallFixture, PASSWORD, setUpHall, signIn } from '../support.js';

describe.each(DIALECTS)('staff sign-in and hall admin (%s)', (dialect) => {
  let h: Harness;
  let f: HallFixture;
  beforeAll(async () => {
    h = await startHarness(dialect);
    f = await setUpHall(h);
  });
  afterAll(() => h.close());

  const login = (username: string, password: string, ip = '10.0.0.1') =>
    h.request({ method: 'POST', url: '/v1/staff/login', payload: { username, password }, remoteAddress: ip });

  it('logs in with an HttpOnly SameSite=Strict cookie, answers me with the CSRF token, and logs out', async () => {
    const res = await login('clerk1', PASSWORD);
    expect(res.status).toBe(200);
    const cookie = String(([] as string[]).concat(res.headers['set-cookie'] as string)[0]);
    expect(cookie).toMatch(/^simkeep_staff=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(res.body.staff).toMatchObject({ username: 'clerk1', role: 'clerk', hall: f.hall, operator: 'demo' });
    expect(res.body.halls.map((x: { id: string }) => x.id)).toEqual([f.hall]);
    expect(res.body.halls[0].services.map((s: { ticketPrefix: string }) => s.ticketPrefix)).toEqual(['A', 'B']);

    const session = cookie.split(';')[0] as string;
    const me = await h.request({ method: 'GET', url: '/v1/staff/me', headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(me.body.csrfToken).toBe(res.body.csrfToken);

    const noCsrf = await h.request({ method: 'POST', url: '/v1/staff/logout', headers: { cookie: session } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf_invalid');
    const wrongCsrf = await h.request({ method: 'POST', url: '/v1/staff/logout', headers: { cookie: session, 'x-csrf-token': 'x'.repeat(32) } });
    expect(wrongCsrf.body.error.code).toBe('csrf_invalid');
    const foreign = await h.request({
      method: 'POST',
      url: '/v1/staff/logout',
      headers: { cookie: session, 'x-csrf-token': res.body.csrfToken, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const out = await h.request({ method: 'POST', url: '/v1/staff/logout', headers: { cookie: session, 'x-csrf-token': res.body.csrfToken } });
    expect(out.status).toBe(204);
    expect((await h.request({ method: 'GET', url: '/v1/staff/me', headers: { cookie: session } })).status).toBe(401);
  });

  it('lists every hall of the operator for an operator admin, with each hall’s time zone; one hall for a supervisor', async () => {
    const admin = await signIn(h, 'opadmin');
    const me = await admin.call('GET', '/v1/staff/me');
    expect(me.status).toBe(200);
    expect(me.body.staff).toMatchObject({ username: 'opadmin', displayName: 'Liu Yang', role: 'operator_admin', hall: null });
    expect(me.body.halls.map((x: { id: string }) => x.id).sort()).toEqual([f.hall, f.otherHall].sort());
    expect(me.body.halls.map((x: { timeZone: string }) => x.timeZone)).toEqual(['Asia/Shanghai', 'Asia/Shanghai']);
    const supervisor = await signIn(h, 'northsuper');
    expect((await supervisor.call('GET', '/v1/staff/me')).body.halls.map((x: { id: string }) => x.id)).toEqual([f.otherHall]);
  });

  it('locks a username after 5 wrong passwords for 15 minutes, even for the right one', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await login('clerk2', 'wrong password!', `10.0.1.${i}`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('credentials_invalid');
    }
    const locked = await login('clerk2', PASSWORD, '10.0.1.99');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    h.clock.advance(15 * 60_000 + 1000);
    expect((await login('clerk2', PASSWORD, '10.0.1.99')).status).toBe(200);
  });

  it('answers an unknown username like a wrong password, and audits logins and failures', async () => {
    const unknown = await login('nobody', PASSWORD, '10.0.2.1');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('credentials_invalid');
    const rows = await h.services.db.kysely.selectFrom('audit_log').select(['action', 'ip', 'actor']).where('action', 'like', 'staff.log%').execute();
    expect(rows.some((r) => r.action === 'staff.login' && r.ip === '10.0.0.1' && r.actor.startsWith('staff:'))).toBe(true);
    expect(rows.some((r) => r.action === 'staff.login_failed' && r.actor === 'anonymous')).toBe(true);
    expect(rows.some((r) => r.action === 'staff.logout')).toBe(true);
  });

  it('lets an operator admin manage halls with a session; refuses clerks, supervisors and anonymous callers', async () => {
    const admin = await signIn(h, 'opadmin');
    const created = await admin.call('POST', `/v1/admin/halls/${f.otherHall}/counters`, { name: '2', services: ['renewal'] });
    expect(created.status).toBe(201);
    const noCsrf = await h.request({
      method: 'POST',
      url: `/v1/admin/halls/${f.otherHall}/counters`,
      headers: { cookie: admin.cookie },
      payload: { name: '3', services: [] },
    });
    expect(noCsrf.body.error.code).toBe('csrf_invalid');
    const supervisor = await signIn(h, 'super1');
    const refused = await supervisor.call('POST', `/v1/admin/halls/${f.hall}/counters`, { name: '9', services: [] });
    expect(refused.status).toBe(403);
    expect((await h.request({ method: 'GET', url: `/v1/admin/halls/${f.hall}` })).status).toBe(401);
    const audit = await h.services.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'counter.create')
      .where('hall_id', '=', f.otherHall)
      .execute();
    const me = await admin.call('GET', '/v1/staff/me');
    expect(audit.map((a) => a.actor)).toContain(`staff:${me.body.staff.id}`);
  });

  it('refuses duplicate usernames, prefixes and counter names with stable codes, writing nothing', async () => {
    const dup = await h.admin('POST', '/v1/admin/operators/demo/staff', {
      username: 'clerk1',
      displayName: 'x',
      role: 'clerk',
      hall: f.hall,
      password: PASSWORD,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('staff_exists');
    const prefix = await h.admin('POST', `/v1/admin/halls/${f.hall}/services`, { code: 'other', name: { 'zh-CN': '其他', en: 'Other' }, ticketPrefix: 'A' });
    expect(prefix.body.error.code).toBe('service_exists');
    const badRole = await h.admin('POST', '/v1/admin/operators/demo/staff', { username: 'x1x', displayName: 'x', role: 'clerk', password: PASSWORD });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.details.fields).toEqual(['/hall']);
    const short = await h.admin('POST', '/v1/admin/operators/demo/staff', {
      username: 'x2x',
      displayName: 'x',
      role: 'clerk',
      hall: f.hall,
      password: 'short',
    });
    expect(short.status).toBe(400);
    const zone = await h.admin('POST', '/v1/admin/operators/demo/halls', { name: 'x', address: 'y', timeZone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(await h.services.db.kysely.selectFrom('staff').select('username').where('username', 'in', ['x1x', 'x2x']).execute()).toEqual([]);
  });

  it('disabling a staff account ends its sessions', async () => {
    const clerk = await signIn(h, 'northclerk');
    expect((await clerk.call('GET', '/v1/staff/me')).status).toBe(200);
    const id = (await clerk.call('GET', '/v1/staff/me')).body.staff.id;
    expect((await h.admin('PATCH', `/v1/admin/staff/${id}`, { active: false })).body.active).toBe(false);
    expect((await clerk.call('GET', '/v1/staff/me')).status).toBe(401);
    expect((await login('northclerk', PASSWORD, '10.0.3.1')).status).toBe(401);
    await h.admin('PATCH', `/v1/admin/staff/${id}`, { active: true });
  });
});
