// Drives Frontline's PagerDuty-compatible incident API with the
// off-the-shelf @pagerduty/pdjs client (pinned in package-lock.json).
// pdjs builds https://api.pagerduty.com/... URLs unless given a full `url`,
// so every call passes Frontline's. Environment: FRONTLINE_URL, TOKEN (an
// API token, sent by pdjs as "Authorization: Token token=..."), EMAIL (the
// From header), KEY (the service's integration key), INCIDENTS (how many
// open incidents the Go test made).
'use strict';
const assert = require('node:assert/strict');
const { api } = require('@pagerduty/pdjs');

const base = process.env.FRONTLINE_URL + '/pagerduty';
const pd = api({ token: process.env.TOKEN });
const want = Number(process.env.INCIDENTS);

async function main() {
  // Services with their Events API v2 integration key.
  let r = await pd.get('services', { url: base + '/services', data: { 'include[]': ['integrations'] } });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.services.length, 1);
  const svc = r.data.services[0];
  assert.equal(svc.type, 'service');
  assert.equal(svc.integrations[0].integration_key, process.env.KEY);
  console.log('service', svc.name, 'escalation policy', svc.escalation_policy.summary);

  r = await pd.get('escalation_policies', { url: base + '/escalation_policies' });
  assert.equal(r.status, 200);
  const ep = r.data.escalation_policies[0];
  assert.equal(ep.escalation_rules[0].escalation_delay_in_minutes, 10);
  assert.equal(ep.escalation_rules[0].targets[0].type, 'user_reference');

  // Who is on call for that policy, level by level.
  r = await pd.get('oncalls', { url: base + '/oncalls', data: { 'escalation_policy_ids[]': [ep.id] } });
  assert.equal(r.status, 200);
  assert.ok(r.data.oncalls.length >= 1);
  for (const oc of r.data.oncalls) {
    assert.equal(oc.escalation_policy.id, ep.id);
    assert.ok(oc.escalation_level >= 1);
  }
  assert.equal(r.data.oncalls[0].escalation_level, 1);
  console.log('on call for', ep.summary || ep.name, r.data.oncalls.map((o) => `${o.user.summary} (level ${o.escalation_level})`).join(', '));

  // Open incidents, two a page, followed with pdjs's own next().
  let seen = [];
  r = await pd.get('incidents', { url: base + '/incidents', data: { 'statuses[]': ['triggered', 'acknowledged'], limit: '2', total: 'true' } });
  for (;;) {
    assert.equal(r.status, 200, JSON.stringify(r.data));
    assert.equal(r.data.total, want);
    seen = seen.concat(r.data.incidents);
    if (!r.next) break;
    r = await r.next();
  }
  assert.equal(seen.length, want);
  assert.equal(new Set(seen.map(i => i.id)).size, want);
  const inc = seen[0];
  assert.equal(inc.type, 'incident');
  assert.ok(inc.incident_key);
  console.log('incidents', seen.map(i => `#${i.incident_number} ${i.status}`).join(', '));

  // Acknowledge with a From header, a note, resolve.
  r = await pd.put(`incidents/${inc.id}`, { url: `${base}/incidents/${inc.id}`, headers: { From: process.env.EMAIL },
    data: { incident: { type: 'incident', status: 'acknowledged' } } });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  assert.equal(r.data.incident.status, 'acknowledged');
  r = await pd.post(`incidents/${inc.id}/notes`, { url: `${base}/incidents/${inc.id}/notes`, headers: { From: process.env.EMAIL },
    data: { note: { content: 'Failover to the replica started' } } });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  assert.equal(r.data.note.content, 'Failover to the replica started');
  r = await pd.put(`incidents/${inc.id}`, { url: `${base}/incidents/${inc.id}`, headers: { From: process.env.EMAIL },
    data: { incident: { type: 'incident', status: 'resolved' } } });
  assert.equal(r.data.incident.status, 'resolved');

  r = await pd.get(`incidents/${inc.id}/log_entries`, { url: `${base}/incidents/${inc.id}/log_entries` });
  const types = r.data.log_entries.map(l => l.type);
  for (const t of ['trigger_log_entry', 'acknowledge_log_entry', 'annotate_log_entry', 'resolve_log_entry']) {
    assert.ok(types.includes(t), `${t} in ${types}`);
  }
  r = await pd.get('log_entries', { url: base + '/log_entries', data: { limit: '100' } });
  assert.ok(r.data.log_entries.length >= 4);

  r = await pd.get('incidents', { url: base + '/incidents', data: { 'statuses[]': ['resolved'] } });
  assert.equal(r.data.incidents.length, 1);

  // PagerDuty's error body for an unknown incident.
  r = await pd.get('incidents/999999', { url: base + '/incidents/999999' });
  assert.equal(r.status, 404);
  assert.equal(r.data.error.code, 2100);
  console.log('pdjs: services, escalation policies, incidents (paged), acknowledge, notes, resolve, log entries: ok');
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
