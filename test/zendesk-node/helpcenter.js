// Drives Frontline's Help Center API with the off-the-shelf node-zendesk client's help-center calls.
// Usage: FRONTLINE_URL=http://host:port EMAIL=agent@x TOKEN=flt_... node helpcenter.js
// Exits non-zero, naming the failed check, when Frontline answers unlike Zendesk Guide.
'use strict';
const zendesk = require('node-zendesk');
const assert = require('node:assert/strict');

const client = zendesk.createClient({
  username: process.env.EMAIL,
  token: process.env.TOKEN,
  endpointUri: process.env.FRONTLINE_URL + '/api/v2/help_center',
  apiType: ['helpcenter'],
  throwOriginalException: true,
  disableGlobalState: true,
});
const hc = client.helpcenter;

async function main() {
  const cat = await hc.categories.create({category: {name: 'Self-managed', description: 'Run it yourself'}});
  const catId = cat.result.id;
  assert.ok(catId > 0, 'categories.create returns an id');
  const sec = await hc.sections.create(catId, {section: {name: 'Backups'}});
  const secId = sec.result.id;
  assert.equal(sec.result.category_id, catId, 'sections.create in the category');

  const art = await hc.articles.create(secId, {article: {title: 'Restore a backup', body: '<p>Run <code>backup restore</code>.</p>', label_names: ['backup'], draft: false}});
  const artId = art.result.id;
  assert.equal(art.result.section_id, secId, 'articles.create in the section');
  assert.equal(art.result.draft, false, 'articles.create publishes with draft=false');

  const shown = await hc.articles.show(artId);
  assert.equal(shown.result.title, 'Restore a backup', 'articles.show');

  const updated = await hc.articles.update(artId, {article: {title: 'Restore a backup to a new server'}});
  assert.equal(updated.result.title, 'Restore a backup to a new server', 'articles.update');

  const all = await hc.articles.list();
  assert.ok(all.some(a => a.id === artId), 'articles.list');
  const bySection = await hc.articles.listBySection(secId);
  assert.equal(bySection.length, 1, 'articles.listBySection');
  const byCategory = await hc.articles.listByCategory(catId);
  assert.equal(byCategory.length, 1, 'articles.listByCategory');
  const cats = await hc.categories.list();
  assert.ok(cats.some(c => c.id === catId), 'categories.list');
  const secs = await hc.sections.list();
  assert.ok(secs.some(s => s.id === secId), 'sections.list');

  const found = await hc.search.searchArticles('backup');
  const results = found.result.results || found.result;
  assert.ok(Array.isArray(results) && results.some(r => r.id === artId), 'search.searchArticles');

  await hc.articles.delete(artId);
  let gone = false;
  try { await hc.articles.show(artId); } catch (e) { gone = true; }
  assert.ok(gone, 'articles.delete');
  console.log('node-zendesk help center: categories, sections, articles CRUD, lists by section and category, search: ok');
}

main().catch(err => { console.error(err && err.stack || err); process.exit(1); });
