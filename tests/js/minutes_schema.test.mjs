// The JSON minutes of the scripted meeting (the golden file the C++ unit test renders) agree
// with their documented schema, protocol/schema/http/minutes.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (...p) => JSON.parse(fs.readFileSync(path.join(root, ...p), 'utf8'));

test('the golden JSON minutes agree with protocol/schema/http/minutes.json', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(read('protocol', 'schema', 'http', 'minutes.json'));
  const minutes = read('tests', 'golden', 'minutes', 'scripted.json');
  assert.ok(validate(minutes), JSON.stringify(validate.errors, null, 2));
  // The schema can fail: an unknown field or a wrong type is caught.
  assert.equal(validate({ ...minutes, extra: 1 }), false);
  assert.equal(validate({ ...minutes, final: 'yes' }), false);
});
