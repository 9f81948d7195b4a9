// The English in the code is each string's id, as in gettext: another language is one file,
// lang/<code>.tsv, a line per string: the English, a tab, the translation. The top-level await
// loads it before any module that imports t() runs.

const LANGUAGES = ['en', 'es'];
const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt'];

const wanted = (globalThis.navigator?.languages ?? []).map((tag) => tag.slice(0, 2).toLowerCase())
	.find((code) => LANGUAGES.includes(code)) ?? 'en';

export const parseCatalog = (text) => Object.fromEntries(text.split('\n').filter(Boolean).map((line) => line.split('\t')));

// No file: English, not a blank page.
async function load(code) {
	try {
		const res = await fetch(new URL(`lang/${code}.tsv`, import.meta.url));
		if (res.ok) return parseCatalog(await res.text());
	} catch {}
	return null;
}

const catalog = (wanted !== 'en' && await load(wanted)) || {};
export const lang = Object.keys(catalog).length ? wanted : 'en';

export const t = (text, vars = {}) => (catalog[text] ?? text).replace(/\{(\w+)\}/g, (m, name) => vars[name] ?? m);

// tn(n, '{n} vote', '{n} votes')
const plural = new Intl.PluralRules(lang);
export const tn = (n, one, other, vars) => t(plural.select(n) === 'one' ? one : other, { n, ...vars });

// index.html's text, spaces collapsed, and attributes.
function translatePage(root) {
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
	while (walker.nextNode()) {
		const node = walker.currentNode;
		const text = catalog[node.data.replace(/\s+/g, ' ').trim()];
		if (text) node.data = node.data.replace(/^(\s*)[\s\S]*?(\s*)$/, (_, before, after) => before + text + after);
	}
	for (const el of root.querySelectorAll(ATTRIBUTES.map((name) => `[${name}]`).join())) {
		for (const name of ATTRIBUTES) {
			const text = catalog[el.getAttribute(name)];
			if (text) el.setAttribute(name, text);
		}
	}
}

if (lang !== 'en') {
	document.documentElement.lang = lang;
	translatePage(document.body);
}
