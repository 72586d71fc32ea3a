// Drives Frontline's Zendesk-compatibility API (CCs, custom fields, bulk
// jobs, identities) with the off-the-shelf node-zendesk client.
// Usage: FRONTLINE_URL=http://host:port EMAIL=admin@x TOKEN=flt_... CUSTOMER_ID=N node zendesk.js
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

async function job(promise) {
  const started = await promise;
  const id = (started.result.job_status ?? started.result).id;
  assert.ok(id, 'a bulk call answers a job status id');
  const done = await client.jobstatuses.watch(id, 100, 100);
  assert.equal(done.status, 'completed', `job ${id} completes`);
  return done;
}

async function main() {
  const customerId = Number(process.env.CUSTOMER_ID);
  const created = await client.tickets.create({ticket: {
    subject: 'CC me', comment: {body: 'Please copy my colleagues.'}, requester_id: customerId,
    collaborators: ['cc.one@acme.example', {name: 'CC Two', email: 'cc.two@acme.example'}],
  }});
  assert.equal(created.result.collaborator_ids.length, 2, 'collaborators by email and {name, email} become CCs');
  // node-zendesk reads the answer under "tickets" and, not finding it,
  // returns each page's body: the users are in its "users" (as in Zendesk).
  const pages = await client.tickets.listCollaborators(created.result.id);
  const collaborators = pages.flatMap(p => p.users ?? [p]);
  assert.equal(collaborators.length, 2, 'tickets.listCollaborators');

  const field = await client.ticketfields.create({ticket_field: {type: 'tagger', title: 'Tier',
    custom_field_options: [{name: 'Gold', value: 'tier_gold'}, {name: 'Silver', value: 'tier_silver'}]}});
  assert.ok(field.result.id > 0, 'ticketfields.create');
  const fields = await client.ticketfields.list();
  assert.equal(fields.length, 1, 'ticketfields.list');
  await client.userfields.create({user_field: {type: 'text', key: 'plan', title: 'Plan'}});

  const made = await job(client.tickets.createMany({tickets: [
    {subject: 'Bulk one', comment: {body: 'one'}, requester_id: customerId, custom_fields: [{id: field.result.id, value: 'tier_gold'}]},
    {subject: 'Bulk two', comment: {body: 'two'}, requester_id: customerId},
  ]}));
  assert.equal(made.results.length, 2, 'create_many has a result per ticket');
  const ids = made.results.map(r => r.id);
  const first = await client.tickets.show(ids[0]);
  assert.ok(first.result.tags.includes('tier_gold'), 'a tagger value tags the ticket');

  await job(client.tickets.updateMany(ids, {ticket: {status: 'open', additional_tags: ['bulk']}}));
  const updated = await client.tickets.showMany(ids);
  assert.ok(updated.result.every(t => t.status === 'open' && t.tags.includes('bulk')), 'update_many');

  const users = await job(client.users.createMany({users: [{name: 'Bulk User', email: 'bulk.user@acme.example'}]}));
  assert.equal(users.results[0].status, 'Created', 'users.createMany');

  await client.useridentities.create(customerId, {type: 'email', value: 'second.address@acme.example'});
  const identities = await client.useridentities.list(customerId);
  assert.equal(identities.length, 2, 'useridentities.list has the primary and the new email');

  await job(client.tickets.deleteMany([ids[1]]));
  const left = await client.tickets.list();
  assert.ok(!left.some(t => t.id === ids[1]), 'tickets.deleteMany');

  // Deleted tickets: the deleted ticket is listed (cursor pages, as
  // node-zendesk asks them) and restored under its id.
  const deletedPages = await client.tickets.getAll(['deleted_tickets']);
  const deleted = deletedPages.flatMap(p => p.deleted_tickets);
  assert.ok(deleted.some(t => t.id === ids[1] && t.subject === 'Bulk two'), 'deleted_tickets lists the deleted ticket');
  await client.tickets.put(['deleted_tickets', ids[1], 'restore']);
  const restored = await client.tickets.show(ids[1]);
  assert.equal(restored.result.subject, 'Bulk two', 'deleted_tickets restore brings the ticket back under its id');

  // Ticket import keeps the history's times.
  const imported = await client.ticketimport.import({ticket: {subject: 'Imported', requester_id: customerId,
    created_at: '2020-05-01T10:00:00Z', updated_at: '2020-05-03T10:00:00Z',
    comments: [{author_id: customerId, value: 'old question', created_at: '2020-05-01T10:00:00Z'},
      {value: 'old answer', created_at: '2020-05-02T10:00:00Z'}]}});
  assert.equal(imported.result.ticket.created_at, '2020-05-01T10:00:00Z', 'ticketimport.import keeps created_at');
  const importedComments = await client.tickets.getComments(imported.result.ticket.id);
  assert.deepEqual(importedComments.map(c => c.created_at), ['2020-05-01T10:00:00Z', '2020-05-02T10:00:00Z'], 'imported comments keep their times');
  const bulk = await job(client.ticketimport.bulkImport([
    {subject: 'Imported two', requester_id: customerId, description: 'two', created_at: '2020-06-01T10:00:00Z'}]));
  assert.equal(bulk.results[0].status, 'Created', 'ticketimport.bulkImport');

  // The search export pages by cursor.
  const exported = await client.search.exportResults('Bulk', 'ticket', 1);
  assert.deepEqual(exported.map(r => r.id).sort((a, b) => a - b), [...ids].sort((a, b) => a - b), 'search.exportResults pages through every match');

  // The incremental ticket events include the comments when asked.
  const events = await client.ticketevents.incrementalInclude(0, 'comment_events');
  assert.ok(events.some(e => e.ticket_id === imported.result.ticket.id && e.child_events.some(c => c.event_type === 'Comment' && c.body.includes('old answer'))),
    'ticketevents.incrementalInclude has the comment events');
  console.log('node-zendesk: CCs, fields, bulk jobs, identities, deleted tickets, imports, search export and ticket events behave like Zendesk');
}

main().catch(error => {
  console.error(error.stack || error);
  if (error.result) console.error(JSON.stringify(error.result));
  process.exit(1);
});
