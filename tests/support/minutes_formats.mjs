// Downloads the minutes of a meeting and reads each export format with a real parser, so the
// tests assert on structure rather than on substrings:
//   Markdown   markdown-it (CommonMark, raw HTML allowed, as a permissive renderer would)
//   HTML       parse5 (the WHATWG parsing algorithm browsers use)
//   CSV        Python's csv module (python3, strict quoting)
//   iCalendar  ical.js
//   JSON       JSON.parse
// Used by the integration tests (real server) and by the golden-file tests (files on disk).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import MarkdownIt from 'markdown-it';
import { parse as parseHtml5 } from 'parse5';
import ICAL from 'ical.js';

export const FORMATS = ['md', 'html', 'json', 'csv', 'ics'];

export const CONTENT_TYPES = {
  md: 'text/markdown',
  html: 'text/html',
  json: 'application/json',
  csv: 'text/csv',
  ics: 'text/calendar',
};

/**
 * GET /api/meetings/{id}/minutes. `token` null sends no Authorization header; `auth` overrides
 * the whole header. Returns {status, headers, buf (Buffer), text, json (error bodies and the
 * json format; undefined otherwise)}.
 */
export async function downloadMinutes(baseUrl, meetingId, { token, auth, format, tz, method = 'GET', query } = {}) {
  const params = new URLSearchParams();
  if (format !== undefined) params.set('format', format);
  if (tz !== undefined) params.set('tz', String(tz));
  let qs = params.toString();
  if (query !== undefined) qs = query;
  const url = `${baseUrl}/api/meetings/${meetingId}/minutes${qs ? `?${qs}` : ''}`;
  const headers = {};
  if (auth !== undefined) headers.authorization = auth;
  else if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = buf.toString('utf8');
  let json;
  if ((res.headers.get('content-type') || '').startsWith('application/json')) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  return { status: res.status, headers: res.headers, buf, text, json };
}

// ---------------------------------------------------------------------------------------
// JSON (protocol/schema/http/minutes.json)

const MINUTES_SCHEMA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'protocol', 'schema', 'http', 'minutes.json');
let minutesValidator = null;

/** Validates JSON minutes against their documented schema: {valid, errors: [string]}. */
export function validateMinutesJson(minutes) {
  if (!minutesValidator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    minutesValidator = ajv.compile(JSON.parse(fs.readFileSync(MINUTES_SCHEMA, 'utf8')));
  }
  const valid = minutesValidator(minutes);
  return { valid, errors: valid ? [] : minutesValidator.errors.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`) };
}

// ---------------------------------------------------------------------------------------
// Markdown (markdown-it)

/** The renderer: CommonMark with raw HTML passed through, so unescaped markup would show. */
export const markdown = new MarkdownIt('commonmark', { html: true });

function treeOf(tokens) {
  const root = { type: 'root', tag: '', children: [] };
  const stack = [root];
  for (const t of tokens) {
    const top = stack[stack.length - 1];
    if (t.nesting === 1) {
      const node = { type: t.type.replace(/_open$/, ''), tag: t.tag, token: t, children: [] };
      top.children.push(node);
      stack.push(node);
    } else if (t.nesting === -1) {
      stack.pop();
    } else {
      top.children.push({ type: t.type, tag: t.tag, token: t, children: t.children ? treeOf(t.children).children : [] });
    }
  }
  return root;
}

/** The text a Markdown node renders to (escapes resolved, breaks as '\n'). */
export function mdText(node) {
  switch (node.type) {
    case 'text':
    case 'text_special':
    case 'code_inline':
    case 'code_block':
    case 'fence':
    case 'html_inline':
    case 'html_block':
      return node.token.content;
    case 'softbreak':
    case 'hardbreak':
      return '\n';
    default:
      return node.children.map(mdText).join('');
  }
}

/** Every node of the tree, depth first. */
export function* mdNodes(node) {
  yield node;
  for (const c of node.children) yield* mdNodes(c);
}

/**
 * Parses Markdown into {tokens, tree, html (rendered), headings: [{level, text}] (at any depth),
 * sections}. `sections` splits the top level at each heading: [{level, title, blocks: [node]}].
 */
export function parseMarkdown(source) {
  const tokens = markdown.parse(source, {});
  const tree = treeOf(tokens);
  const html = markdown.renderer.render(tokens, markdown.options, {});
  const headings = [];
  const sections = [];
  let current = { level: 0, title: '', blocks: [] };
  sections.push(current);
  // Every heading, at any depth (one inside a list item counts too).
  for (const node of mdNodes(tree)) {
    if (node.type === 'heading') headings.push({ level: Number(node.tag.slice(1)), text: mdText(node) });
  }
  for (const block of tree.children) {
    if (block.type === 'heading') {
      const level = Number(block.tag.slice(1));
      current = { level, title: mdText(block), blocks: [] };
      sections.push(current);
    } else {
      current.blocks.push(block);
    }
  }
  return { tokens, tree, html, headings, sections };
}

/** The section titled `title` (throws when there is none). */
export function mdSection(parsed, title) {
  const s = parsed.sections.find((x) => x.title === title);
  if (!s) throw new Error(`no Markdown section '${title}'; headings: ${JSON.stringify(parsed.headings)}`);
  return s;
}

/**
 * The items of the bullet lists of a section (top level only):
 * [{text (its own paragraphs), strong (texts of its <strong>s), sub: [text of nested items], node}].
 */
export function mdListItems(section) {
  const out = [];
  for (const block of section.blocks) {
    if (block.type !== 'bullet_list' && block.type !== 'ordered_list') continue;
    for (const li of block.children) {
      const paragraphs = li.children.filter((c) => c.type === 'paragraph');
      const strong = [];
      for (const p of paragraphs) {
        for (const n of mdNodes(p)) if (n.type === 'strong') strong.push(mdText(n));
      }
      const sub = [];
      for (const c of li.children) {
        if (c.type !== 'bullet_list' && c.type !== 'ordered_list') continue;
        for (const inner of c.children) sub.push(mdText(inner));
      }
      out.push({ text: paragraphs.map(mdText).join('\n'), strong, sub, node: li, list: block.type });
    }
  }
  return out;
}

/** The paragraphs (not inside lists) of a section, as text. */
export function mdParagraphs(section) {
  return section.blocks.filter((b) => b.type === 'paragraph').map(mdText);
}

// ---------------------------------------------------------------------------------------
// HTML (parse5)

export function parseHtml(source) {
  return parseHtml5(source);
}

/** Every element under `node`, in document order. */
export function* htmlElements(node) {
  for (const c of node.childNodes ?? []) {
    if (c.tagName) yield c;
    yield* htmlElements(c.content ?? c); // <template> content too
  }
}

export function htmlText(node) {
  if (node.nodeName === '#text') return node.value;
  return (node.childNodes ?? []).map(htmlText).join('');
}

/** The text of `node`'s own text children (not of its child elements). */
export function htmlOwnText(node) {
  return (node.childNodes ?? []).filter((c) => c.nodeName === '#text').map((c) => c.value).join('');
}

export function htmlAttr(el, name) {
  const a = (el.attrs ?? []).find((x) => x.name === name);
  return a ? a.value : undefined;
}

export function htmlByTag(node, tag) {
  return [...htmlElements(node)].filter((e) => e.tagName === tag);
}

export const htmlHasClass = (el, cls) => (htmlAttr(el, 'class') ?? '').split(/\s+/).includes(cls);

/** The <section> whose <h2> reads `title` (throws when there is none). */
export function htmlSection(doc, title) {
  for (const s of htmlByTag(doc, 'section')) {
    const h2 = htmlByTag(s, 'h2')[0];
    if (h2 && htmlText(h2) === title) return s;
  }
  const found = htmlByTag(doc, 'h2').map(htmlText);
  throw new Error(`no HTML section '${title}'; h2s: ${JSON.stringify(found)}`);
}

/** The rows of a table: [{header: bool (in thead), cells: [element]}]. */
export function htmlTableRows(table) {
  const rows = [];
  for (const tr of htmlByTag(table, 'tr')) {
    const inHead = htmlByTag(table, 'thead').some((h) => htmlByTag(h, 'tr').includes(tr));
    rows.push({ header: inHead, cells: (tr.childNodes ?? []).filter((c) => c.tagName === 'td' || c.tagName === 'th') });
  }
  return rows;
}

/** Body rows of a table as arrays of cell texts. */
export function htmlTableBody(table) {
  return htmlTableRows(table).filter((r) => !r.header).map((r) => r.cells.map(htmlText));
}

/** Head row of a table as cell texts. */
export function htmlTableHead(table) {
  const head = htmlTableRows(table).find((r) => r.header);
  return head ? head.cells.map(htmlText) : [];
}

/** Elements that could run script: <script>, any on* attribute, javascript: URLs, <iframe> etc. */
export function htmlActiveContent(doc) {
  const found = [];
  for (const el of htmlElements(doc)) {
    if (['script', 'iframe', 'object', 'embed', 'img', 'a', 'form', 'base', 'link', 'meta'].includes(el.tagName)) {
      if (el.tagName === 'meta' && (htmlAttr(el, 'charset') !== undefined || htmlAttr(el, 'name') === 'viewport')) continue;
      found.push(`<${el.tagName}>`);
    }
    for (const a of el.attrs ?? []) {
      if (/^on/i.test(a.name)) found.push(`<${el.tagName} ${a.name}>`);
      if (/^\s*javascript:/i.test(a.value)) found.push(`<${el.tagName} ${a.name}=javascript:>`);
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------
// CSV (Python's csv module)

const PY_CSV = [
  'import csv, io, json, sys',
  "text = io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline='')",
  'rows = list(csv.reader(text, strict=True))',
  'sys.stdout.write(json.dumps(rows))',
].join('\n');

/** Rows of an RFC 4180 file as read by Python's csv.reader (strict). Throws on a parse error. */
export function parseCsv(source) {
  const r = spawnSync('python3', ['-c', PY_CSV], { input: Buffer.isBuffer(source) ? source : Buffer.from(source, 'utf8'), encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`python3 csv could not parse the file: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Rows as objects keyed by the header row. */
export function csvRecords(rows) {
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

// ---------------------------------------------------------------------------------------
// iCalendar (ical.js)

/** {calendar (ICAL.Component), name (X-WR-CALNAME), todos: [{uid, summary, description, due, dueIsDate, status, dtstamp}]} */
export function parseIcs(source) {
  const jcal = ICAL.parse(Buffer.isBuffer(source) ? source.toString('utf8') : source);
  const calendar = new ICAL.Component(jcal);
  const todos = calendar.getAllSubcomponents('vtodo').map((c) => {
    const due = c.getFirstPropertyValue('due');
    return {
      uid: c.getFirstPropertyValue('uid'),
      summary: c.getFirstPropertyValue('summary'),
      description: c.getFirstPropertyValue('description'),
      due: due ? due.toString() : null,
      dueIsDate: due ? due.isDate : null,
      status: c.getFirstPropertyValue('status'),
      dtstamp: c.getFirstPropertyValue('dtstamp'),
      component: c,
    };
  });
  return { calendar, name: calendar.getFirstPropertyValue('x-wr-calname'), todos };
}

/** RFC 5545 3.1 line problems: [] when every line ends in CRLF and is at most 75 octets. */
export function icsLineProblems(buf) {
  const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf, 'utf8');
  const problems = [];
  const text = bytes.toString('latin1'); // one char per octet
  if (!text.endsWith('\r\n')) problems.push('the file does not end with CRLF');
  const lines = text.split('\r\n');
  lines.pop();
  lines.forEach((line, i) => {
    if (line.length > 75) problems.push(`line ${i + 1} is ${line.length} octets: ${JSON.stringify(line.slice(0, 40))}…`);
    if (/[\r\n]/.test(line)) problems.push(`line ${i + 1} has a bare CR or LF`);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------
// Expected renderings of times (minutes east of UTC), as the minutes write them.

const pad = (n) => String(n).padStart(2, '0');

export function zoneName(tz) {
  if (tz === 0) return 'UTC';
  const off = Math.abs(tz);
  return `UTC${tz < 0 ? '-' : '+'}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
}

export function fmtDate(ms, tz = 0) {
  const d = new Date(ms + tz * 60000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function fmtClock(ms, tz = 0) {
  const d = new Date(ms + tz * 60000);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export const fmtTime = (ms, tz = 0) => `${fmtDate(ms, tz)} ${fmtClock(ms, tz)} ${zoneName(tz)}`;

/** What a spreadsheet-safe CSV cell holds for `text`: formula starters get an apostrophe. */
export const csvSafe = (text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** "45 s", "4 min 30 s", "1 h 05 min", as the minutes write a duration. */
export function fmtDuration(ms) {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  return `${s} s`;
}
