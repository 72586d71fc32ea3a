// Drives Frontline's PagerDuty-compatible on-call API (users, schedules with
// their rendered final schedule, schedule users, overrides, on-calls, and
// writing an escalation policy) with the off-the-shelf @pagerduty/pdjs
// client (pinned in package-lock.json), as a script migrating from
// PagerDuty would. Environment: FRONTLINE_URL, TOKEN (an on-call manager's
// API token), SCHEDULE (the CEOC schedule's id), SINCE and UNTIL (a week,
// RFC 3339), USER (a member who may cover CEOC).
'use strict';
const assert = require('node:assert/strict');
const { api } = require('@pagerduty/pdjs');

const base = process.env.FRONTLINE_URL + '/pagerduty';
const pd = api({ token: process.env.TOKEN });
const sched = process.env.SCHEDULE;
const since = process.env.SINCE, until = process.env.UNTIL;

async function main() {
  // Users, two a page, followed with pdjs's next().
  let users = [];
  let r = await pd.get('users', { url: base + '/users', data: { limit: '2', total: 'true' } });
  for (;;) {
    assert.equal(r.status, 200, JSON.stringify(r.data));
    users = users.concat(r.data.users);
    if (!r.next) break;
    r = await r.next();
  }
  assert.equal(users.length, r.data.total);
  assert.equal(new Set(users.map(u => u.id)).size, users.length);
  r = await pd.get(`users/${process.env.USER}`, { url: `${base}/users/${process.env.USER}` });
  assert.equal(r.status, 200);
  assert.equal(r.data.user.type, 'user');
  console.log('users', users.length, 'e.g.', r.data.user.name, r.data.user.time_zone);

  // Schedules, by query, and one rendered for the week.
  r = await pd.get('schedules', { url: base + '/schedules', data: { query: 'CEOC' } });
  assert.equal(r.status, 200);
  assert.ok(r.data.schedules.some(s => s.id === sched), JSON.stringify(r.data.schedules.map(s => s.id)));
  r = await pd.get(`schedules/${sched}`, { url: `${base}/schedules/${sched}`, data: { since, until, time_zone: 'Europe/Amsterdam' } });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  const s = r.data.schedule;
  assert.equal(s.type, 'schedule');
  const final = s.final_schedule.rendered_schedule_entries;
  assert.ok(final.length > 5, `final schedule has ${final.length} entries`);
  for (let i = 1; i < final.length; i++) {
    assert.ok(final[i - 1].start < final[i].start, 'entries in order');
    assert.ok(Date.parse(final[i - 1].end) <= Date.parse(final[i].start), 'entries do not overlap');
  }
  assert.match(final[0].start, /\+01:00$|\+02:00$/, 'times in the time_zone asked for');
  assert.ok(s.schedule_layers.length >= 1);
  console.log('CEOC final schedule', final.length, 'entries, first', final[0].user.summary, final[0].start);

  r = await pd.get(`schedules/${sched}/users`, { url: `${base}/schedules/${sched}/users`, data: { since, until } });
  assert.equal(r.status, 200);
  assert.ok(r.data.users.length >= 2);

  // An override: created, seen in the final schedule and on-calls, deleted.
  const ovStart = new Date(Date.parse(since) + 26 * 3600e3).toISOString();
  const ovEnd = new Date(Date.parse(since) + 28 * 3600e3).toISOString();
  r = await pd.post(`schedules/${sched}/overrides`, { url: `${base}/schedules/${sched}/overrides`,
    data: { override: { start: ovStart, end: ovEnd, user: { id: process.env.USER, type: 'user_reference' } } } });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const ov = r.data.override;
  assert.equal(ov.user.id, process.env.USER);
  r = await pd.get(`schedules/${sched}/overrides`, { url: `${base}/schedules/${sched}/overrides`, data: { since, until } });
  assert.ok(r.data.overrides.some(o => o.id === ov.id));
  const mid = new Date(Date.parse(ovStart) + 3600e3).toISOString();
  r = await pd.get('oncalls', { url: base + '/oncalls', data: { 'schedule_ids[]': [sched], since: mid, until: mid } });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.ok(r.data.oncalls.some(o => o.user.id === process.env.USER), JSON.stringify(r.data.oncalls.map(o => o.user.id)));
  r = await pd.delete(`schedules/${sched}/overrides/${ov.id}`, { url: `${base}/schedules/${sched}/overrides/${ov.id}` });
  assert.ok(r.status === 200 || r.status === 204, String(r.status));
  r = await pd.get(`schedules/${sched}/overrides`, { url: `${base}/schedules/${sched}/overrides`, data: { since, until } });
  assert.ok(!r.data.overrides.some(o => o.id === ov.id));
  console.log('override', ov.id, 'created, on call, deleted');

  // An escalation policy paging the schedule, then one level changed.
  r = await pd.post('escalation_policies', { url: base + '/escalation_policies', data: { escalation_policy: {
    type: 'escalation_policy', name: 'Database on-call', num_loops: 1,
    escalation_rules: [
      { escalation_delay_in_minutes: 15, targets: [{ id: sched, type: 'schedule_reference' }] },
      { escalation_delay_in_minutes: 5, targets: [{ id: process.env.USER, type: 'user_reference' }] },
    ] } } });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  const ep = r.data.escalation_policy;
  assert.equal(ep.escalation_rules[0].targets[0].id, sched);
  const rules = ep.escalation_rules;
  rules[0].escalation_delay_in_minutes = 20;
  r = await pd.put(`escalation_policies/${ep.id}`, { url: `${base}/escalation_policies/${ep.id}`, data: { escalation_policy: { escalation_rules: rules } } });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.escalation_policy.escalation_rules[0].escalation_delay_in_minutes, 20);
  assert.equal(r.data.escalation_policy.name, 'Database on-call');
  r = await pd.post('escalation_policies', { url: base + '/escalation_policies', data: { escalation_policy: {
    name: 'Broken', escalation_rules: [{ escalation_delay_in_minutes: 5, targets: [{ id: '999999', type: 'schedule_reference' }] }] } } });
  assert.equal(r.status, 422, JSON.stringify(r.data));
  assert.match(r.data.error.message + JSON.stringify(r.data.error.errors), /schedule 999999 does not exist/);
  console.log('escalation policy', ep.id, 'created and edited');
}

main().catch((e) => { console.error(e); process.exit(1); });
