// Drives Frontline's ticket and search API with the off-the-shelf node-zendesk client.
// Usage: FRONTLINE_URL=http://host:port EMAIL=agent@x TOKEN=flt_... CUSTOMER_ID=N node tickets.js
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

function statusOf(error) {
  return error.statusCode ?? error.status ?? error.response?.status;
}

async function main() {
  const customerId = Number(process.env.CUSTOMER_ID);
  const created = await client.tickets.create({ticket: {
    subject: 'Runner stuck in pending', comment: {body: 'Our CI jobs have been pending for an hour.'},
    requester_id: customerId, priority: 'high', type: 'incident', tags: ['ci', 'runners'],
  }});
  const id = created.result.id;
  assert.ok(id > 0, 'tickets.create returns an id');
  assert.equal(created.result.status, 'new', 'a new ticket is new');

  const second = await client.tickets.create({ticket: {
    subject: 'Invoice question', comment: {body: 'Why was I billed twice?'},
    requester: {name: 'Road Runner', email: 'beep@acme.example'},
  }});
  assert.ok(second.result.requester_id > 0, 'inline requester is created');

  for (let i = 0; i < 4; i++) {
    await client.tickets.create({ticket: {subject: `Bulk ${i}`, comment: {body: `filler ${i}`}, requester_id: customerId}});
  }
  const all = await client.tickets.list();
  assert.equal(all.length, 6, `tickets.list pages through all 6 tickets (got ${all.length})`);
  assert.equal(new Set(all.map(t => t.id)).size, 6, 'tickets.list returns each ticket once');

  const shown = await client.tickets.show(id);
  assert.equal(shown.result.subject, 'Runner stuck in pending', 'tickets.show');
  const many = await client.tickets.showMany([id, second.result.id]);
  assert.equal(many.result.length, 2, 'tickets.showMany');

  const me = await client.users.me();
  const updated = await client.tickets.update(id, {ticket: {
    status: 'open', assignee_id: me.result.id, comment: {body: 'Restarting the runner manager now.', public: true},
  }});
  assert.equal(updated.result.status, 'open', 'tickets.update sets the status');
  assert.equal(updated.result.assignee_id, me.result.id, 'tickets.update assigns');
  await client.tickets.update(id, {ticket: {comment: {body: 'Internal: the autoscaler lost its token.', public: false}}});

  const comments = await client.tickets.getComments(id);
  assert.equal(comments.length, 3, 'getComments lists description, reply and note');
  assert.deepEqual(comments.map(c => c.public), [true, true, false], 'public replies and internal notes are distinct');

  const audits = await client.tickets.exportAudit(id);
  assert.equal(audits.length, 3, 'exportAudit lists one audit per change');
  assert.ok(audits[1].events.some(e => e.field_name === 'status' && e.value === 'open'), 'audits record the status change');

  await client.tickets.addTags(id, {tags: ['urgent-customer']}); // node-zendesk drops a bare array body
  const tagged = await client.tickets.show(id);
  assert.deepEqual(tagged.result.tags, ['ci', 'runners', 'urgent-customer'], 'tickets.addTags');

  const requested = await client.tickets.listByUserRequested(customerId);
  assert.equal(requested.length, 5, 'listByUserRequested');
  const assigned = await client.tickets.listAssigned(me.result.id);
  assert.deepEqual(assigned.map(t => t.id), [id], 'listAssigned');

  const found = await client.search.query('type:ticket autoscaler');
  assert.equal(found.result.length, 1, 'search.query finds text in an internal note');
  assert.equal(found.result[0].result_type, 'ticket', 'results carry result_type');
  assert.equal(found.result[0].id, id, 'search finds the right ticket');
  const byProps = await client.search.queryAll('type:ticket status<solved priority:high tags:runners');
  assert.deepEqual(byProps.map(t => t.id), [id], 'search.queryAll with properties');
  const count = await client.search.showResultsCount('type:ticket filler');
  assert.equal(count.result.count ?? count.result, 4, 'search.showResultsCount');

  const merged = await client.tickets.merge(id, {ids: [second.result.id], target_comment: 'Merged the billing question'});
  assert.ok(merged.result, 'tickets.merge answers');
  const source = await client.tickets.show(second.result.id);
  assert.equal(source.result.status, 'closed', 'merged source is closed');

  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  const exported = await client.ticketexport.exportCursor(hourAgo);
  // node-zendesk hands back either the tickets or the whole page here.
  const rows = Array.isArray(exported.result) ? exported.result : exported.result.tickets;
  assert.equal(rows.length, 6, 'incremental cursor export');
  assert.equal(exported.result.end_of_stream ?? true, true, 'the export ends');
  const incremental = await client.tickets.incremental(hourAgo);
  assert.equal(incremental.length, 6, 'time-based incremental export');

  let refused = false;
  try {
    await client.tickets.update(id, {ticket: {priority: 'critical'}});
  } catch (error) {
    refused = true;
    assert.equal(statusOf(error), 422, 'an invalid priority is a 422');
  }
  assert.ok(refused, 'an invalid priority is refused');
  const unchanged = await client.tickets.show(id);
  assert.equal(unchanged.result.priority, 'high', 'a refused update changes nothing');

  await client.tickets.delete(all[all.length - 1].id);
  let gone = false;
  try {
    await client.tickets.show(all[all.length - 1].id);
  } catch (error) {
    gone = statusOf(error) === 404;
  }
  assert.ok(gone, 'a deleted ticket is a 404');
  console.log('node-zendesk ticket checks passed');
}

main().catch(error => {
  console.error('FAILED:', error && (error.stack || error.message || error));
  process.exit(1);
});
