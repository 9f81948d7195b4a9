// Loads protocol/schema/*.json into ajv (draft 2020-12) and validates protocol messages.
//   validateClientMessage(msg) -> {valid, errors, schema}  (schema: `<type>.json`)
//   validateServerMessage(msg) -> {valid, errors, schema}  (schema: `server.<type>.json`)
// A message whose type has no schema is invalid.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCHEMA_DIR = path.resolve(here, '..', '..', 'protocol', 'schema');

let cache = null;

function load() {
  if (cache) return cache;
  const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictNumbers: true, strictTypes: true, strictTuples: false, strictRequired: false });
  const client = new Map();
  const server = new Map();
  const files = fs.existsSync(SCHEMA_DIR) ? fs.readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort() : [];
  for (const file of files) {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8'));
    let validate;
    try {
      validate = ajv.compile(schema);
    } catch (e) {
      throw new Error(`schema ${file} does not compile: ${e.message}`);
    }
    const m = /^server\.(.+)\.json$/.exec(file);
    if (m) server.set(m[1], { file, validate });
    else client.set(file.replace(/\.json$/, ''), { file, validate });
  }
  cache = { ajv, client, server, files };
  return cache;
}

export function schemaFiles() {
  return load().files;
}

export function clientTypes() {
  return [...load().client.keys()];
}

export function serverTypes() {
  return [...load().server.keys()];
}

function run(table, prefix, msg) {
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    return { valid: false, errors: ['not a JSON object'], schema: null };
  }
  const entry = typeof msg.type === 'string' ? table.get(msg.type) : undefined;
  if (!entry) return { valid: false, errors: [`no ${prefix}schema for type ${JSON.stringify(msg.type)}`], schema: null };
  const valid = entry.validate(msg);
  const errors = valid ? [] : entry.validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}` +
    (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''));
  return { valid, errors, schema: entry.file };
}

export function validateClientMessage(msg) {
  return run(load().client, '', msg);
}

export function validateServerMessage(msg) {
  return run(load().server, 'server ', msg);
}

/** The snapshot schema (server.welcome.json#/$defs/snapshot) as a validator. */
export function validateSnapshot(snapshot) {
  const { ajv } = load();
  const v = ajv.getSchema('https://roundtable.invalid/protocol/v1/schema/server.welcome.json#/$defs/snapshot');
  const valid = v(snapshot);
  return { valid, errors: valid ? [] : v.errors.map((e) => `${e.instancePath || '/'} ${e.message}`), schema: 'snapshot' };
}
