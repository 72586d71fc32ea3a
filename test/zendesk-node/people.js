// Drives Frontline's people API with the off-the-shelf node-zendesk client.
// Usage: FRONTLINE_URL=http://host:port EMAIL=admin@x TOKEN=flt_... node people.js
// Exits non-zero, naming the failed check, when Frontline answers unlike Zendesk.
'use strict';
const zendesk = require('node-zendesk');
const assert = require('node:assert/strict');

const client = zendesk.createClient({
  username: process.env.EMAIL,
  token: process.env.TOKEN,
  endpointUri: process.env.FRONTLINE_URL + '/api/v2',
  throwOriginalException: true,
  disableGlobalState: true,
});

async function main() {
  const me = await client.users.me();
  assert.equal(me.result.email, process.env.EMAIL, 'users.me');

  const org = await client.organizations.create({organization: {name: 'Acme Rockets', support_plan: 'saas', tier: 'ultimate', domain_names: ['acme.example'], external_id: 'crm-7'}});
  const orgId = org.result.id;
  assert.ok(orgId > 0, 'organizations.create returns an id');

  const created = await client.users.create({user: {name: 'Wile E. Coyote', email: 'wile@acme.example', organization_id: orgId, external_id: 'w-1'}});
  assert.equal(created.result.role, 'end-user', 'users.create defaults to end-user');
  const uid = created.result.id;

  const shown = await client.users.show(uid);
  assert.equal(shown.result.organization_id, orgId, 'users.show');

  const updated = await client.users.update(uid, {user: {phone: '+1 555 0100'}});
  assert.equal(updated.result.phone, '+1 555 0100', 'users.update');

  const upserted = await client.users.createOrUpdate({user: {email: 'wile@acme.example', name: 'Wile E. Coyote, Genius'}});
  assert.equal(upserted.result.id, uid, 'users.createOrUpdate matches by email');

  for (let i = 0; i < 5; i++) {
    await client.users.create({user: {name: `Customer ${i}`, email: `c${i}@acme.example`}});
  }
  // list() follows pagination to the end (cursor or offset, as the client chooses).
  // BASE_USERS is how many users existed before this script ran.
  const all = await client.users.list();
  const want = Number(process.env.BASE_USERS) + 6;
  assert.equal(all.length, want, `users.list pages through all ${want} users (got ${all.length})`);
  assert.equal(new Set(all.map(u => u.id)).size, want, 'users.list returns each user once');

  const found = await client.users.search({query: 'wile'});
  assert.ok(found.some(u => u.id === uid), 'users.search');

  const byOrg = await client.users.listByOrganization(orgId);
  assert.deepEqual(byOrg.map(u => u.id), [uid], 'users.listByOrganization');

  const many = await client.users.showMany([uid, me.result.id]);
  assert.equal(many.result.length, 2, 'users.showMany');

  const orgShown = await client.organizations.show(orgId);
  assert.equal(orgShown.result.support_plan, 'saas', 'organizations.show');

  const group = await client.groups.create({group: {name: 'Support AMER'}});
  const groups = await client.groups.list();
  assert.ok(groups.some(g => g.id === group.result.id), 'groups.list');

  // Errors arrive as Zendesk's: a duplicate email is a 422 RecordInvalid.
  let failed = false;
  try {
    await client.users.create({user: {name: 'Dup', email: 'WILE@acme.example'}});
  } catch (error) {
    failed = true;
    const status = error.statusCode ?? error.status ?? error.response?.status;
    assert.equal(status, 422, 'duplicate email status');
  }
  assert.ok(failed, 'duplicate email is refused');
  console.log('node-zendesk people checks passed');
}

main().catch(error => {
  console.error('FAILED:', error && (error.stack || error.message || error));
  process.exit(1);
});
