// The project file's reader (www/src/project.js) on its own, in Node: every wrong, corrupt or newer
// file is refused with the field and what to do; a good one reads back as written.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeProject, readProject, projectRows, sameCentroids, toBase64, fromBase64, ProjectError } from '../../www/src/project.js';

const model = { format: 'hcp-segments-model', version: 1, centroids: [[0.5, -1], [2, 3.25]], segments: [{ id: 0, name: 'A' }, { id: 1, name: 'B' }], checksum: 'x' };
const data = { name: 'hcps.csv', kind: 'file', sheet: null, fingerprint: { sha256: 'ab'.repeat(32), rows: 800, columns: 31 }, sample: null, rows: null };
const good = () => JSON.parse(writeProject({ data, model, names: new Map([[1, 'Portal learners']]), panels: { run: { k: '4' }, plan: { budget: '1000' } } }));
const refused = (value, code, re) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  assert.throws(() => readProject(text), (e) => e instanceof ProjectError && e.code === code && re.test(`${e.where ?? ''} ${e.message}`) && !!e.hint);
};

describe('project file', () => {
  it('reads back what it wrote', () => {
    const p = readProject(JSON.stringify(good()));
    assert.equal(p.format, 'hcp-segments-project');
    assert.equal(p.version, 1);
    assert.deepEqual(p.names, new Map([[1, 'Portal learners']]));
    assert.deepEqual(p.model, model);
    assert.deepEqual(p.panels.run, { k: '4' });
    assert.equal(projectRows(p.data), null, 'no rows unless included');
  });

  it('refuses a wrong, corrupt or newer file, naming the field', () => {
    refused('{"format": "hcp-segments-project", "version": 1,', 'PROJECT_JSON', /not valid JSON/);
    refused(model, 'PROJECT_FORMAT', /field “format”.*a saved model, not a project/);
    refused([1, 2], 'PROJECT_FORMAT', /not an hcp-segments project/);
    refused({ ...good(), version: 2 }, 'PROJECT_VERSION', /field “version”.*version 2/);
    refused({ ...good(), version: '1' }, 'PROJECT_FIELD', /field “version”/);
    refused({ ...good(), data: undefined }, 'PROJECT_FIELD', /field “data”/);
    refused({ ...good(), data: { ...data, kind: 'xml' } }, 'PROJECT_FIELD', /field “data.kind”/);
    refused({ ...good(), data: { ...data, fingerprint: { sha256: 'zz', rows: 1, columns: 1 } } }, 'PROJECT_FIELD', /field “data.fingerprint”/);
    refused({ ...good(), data: { ...data, rows: 'HCP1,3' } }, 'PROJECT_FIELD', /field “data.rows”/);
    refused({ ...good(), model: { format: 'hcp-segments-model' } }, 'PROJECT_FIELD', /field “model”/);
    refused({ ...good(), names: { first: 'A' } }, 'PROJECT_FIELD', /field “names”/);
    refused({ ...good(), panels: { plan: 3 } }, 'PROJECT_FIELD', /field “panels.plan”/);
  });

  it('keeps the rows as base64 or records, and compares centroids exactly', () => {
    const bytes = new Uint8Array(70000).map((_, i) => (i * 7) % 256);
    assert.deepEqual(fromBase64(toBase64(bytes), 'x'), bytes);
    assert.equal(toBase64(new TextEncoder().encode('hcp_id\n')), Buffer.from('hcp_id\n').toString('base64'), 'the same base64 as Node\'s');
    const p = readProject(JSON.stringify({ ...good(), data: { ...data, rows: { base64: toBase64(bytes) } } }));
    assert.deepEqual(projectRows(p.data), bytes);
    const r = readProject(JSON.stringify({ ...good(), data: { ...data, kind: 'json', rows: { records: [{ hcp_id: 'a' }] } } }));
    assert.deepEqual(projectRows(r.data), [{ hcp_id: 'a' }]);
    assert.throws(() => fromBase64('***', 'data.rows.base64'), /field “data.rows.base64”|not base64/);
    assert.equal(sameCentroids(model.centroids, structuredClone(model.centroids)), true);
    assert.equal(sameCentroids(model.centroids, [[0.5, -1], [2, 3.2500000000000004]]), false, 'one ulp apart is not the same');
    assert.equal(sameCentroids(model.centroids, [[0.5, -1]]), false);
  });
});
