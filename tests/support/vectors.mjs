// Loads protocol/vectors/*.json (format: protocol/vectors/README.md).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const VECTOR_DIR = path.resolve(here, '..', '..', 'protocol', 'vectors');

/** [{file, vector}] sorted by file name. */
export function loadVectors() {
  return fs.readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(fs.readFileSync(path.join(VECTOR_DIR, file), 'utf8')) }));
}

/** The raw text a step sends, or null when it sends a JSON object. */
export function rawOf(step) {
  if (typeof step.sendRaw === 'string') return step.sendRaw;
  if (typeof step.send === 'string') return step.send;
  return null;
}

/** The cid the answer to a step carries: the send's cid if it is a string, else null. */
export function answerCidOf(step) {
  if (rawOf(step) !== null) return null;
  const cid = step.send && step.send.cid;
  return typeof cid === 'string' ? cid : null;
}

/** The join message the replayers build for a vector participant. */
export function joinMessageFor(p, { joinCode, facilitatorToken }, cid) {
  const msg = { type: 'join', v: 1, cid };
  if (p.role === 'facilitator') msg.facilitatorToken = facilitatorToken;
  else { msg.code = joinCode; msg.role = p.role; }
  msg.name = p.name;
  msg.attendance = p.attendance;
  msg.organisation = p.organisation ?? '';
  return msg;
}

/** Reject codes that mean "this message is not valid against its schema". */
export const SCHEMA_REJECT_CODES = new Set([
  'bad_json', 'bad_message', 'unknown_type', 'too_long', 'invalid_value', 'unsupported_version',
]);
