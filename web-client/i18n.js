// The English in the code is each string's id (as in gettext); lang/<code>.tsv maps it to another
// language. The top-level await loads that before any module that imports t() runs.

export const LANGUAGES = ['en', 'es'];
const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt'];

const wanted = (globalThis.navigator?.languages ?? []).map((tag) => tag.split('-')[0].toLowerCase())
	.find((code) => LANGUAGES.includes(code)) ?? 'en';

export const parseCatalog = (text) => new Map(text.split(/\r?\n/).filter(Boolean).map((line) => line.split('\t')));

// No file (or none in 5 s): English, not a blank page.
async function load(code) {
	try {
		const res = await fetch(new URL(`lang/${code}.tsv`, import.meta.url), { signal: AbortSignal.timeout(5000) });
		if (res.ok) return parseCatalog(await res.text());
	} catch {}
	return null;
}

const catalog = (wanted !== 'en' && await load(wanted)) || new Map();
export const lang = catalog.size ? wanted : 'en';

export const t = (text, vars = {}) => (catalog.get(text) ?? text).replace(/\{(\w+)\}/g, (m, name) => vars[name] ?? m);

// tn(n, '{n} vote', '{n} votes')
const plural = new Intl.PluralRules(lang);
export const tn = (n, one, other, vars) => t(plural.select(n) === 'one' ? one : other, { n, ...vars });

// index.html's text, spaces collapsed, and attributes.
function translatePage(root) {
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
	while (walker.nextNode()) {
		const node = walker.currentNode;
		const text = catalog.get(node.data.replace(/\s+/g, ' ').trim());
		if (text) node.data = node.data.replace(/^(\s*)[\s\S]*?(\s*)$/, (_, before, after) => before + text + after);
	}
	for (const el of root.querySelectorAll('*')) {
		for (const name of ATTRIBUTES) {
			const text = catalog.get(el.getAttribute(name));
			if (text) el.setAttribute(name, text);
		}
	}
}

if (lang !== 'en') {
	document.documentElement.lang = lang;
	translatePage(document.body);
}
