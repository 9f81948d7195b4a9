// As ot-text-unicode; the C++ core matches (protocol/vectors/ot/). N retains, "S" inserts,
// {"d": N} deletes, in code points. Normalized, so ties cannot depend on its form.

const RETAIN = 'retain';
const INSERT = 'insert';
const DELETE = 'delete';

const isHigh = (unit) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit) => unit >= 0xdc00 && unit <= 0xdfff; // false for NaN (past the end)

// The C++ side needs UTF-8.
export const isWellFormed = (str) => typeof str === 'string' && str.isWellFormed();

export function codePointLength(str) {
	let n = 0;
	for (let i = 0; i < str.length; i += 1, n += 1) {
		if (isHigh(str.charCodeAt(i)) && isLow(str.charCodeAt(i + 1))) i += 1;
	}
	return n;
}

// Inside a pair rounds down.
export function toCodePointIndex(str, utf16Index) {
	requireIndex(utf16Index, str.length, 'UTF-16 index');
	const midPair = isHigh(str.charCodeAt(utf16Index - 1)) && isLow(str.charCodeAt(utf16Index));
	return codePointLength(str.slice(0, utf16Index)) - (midPair ? 1 : 0);
}

export function toUtf16Index(str, codePointIndex) {
	requireIndex(codePointIndex, Infinity, 'code point index');
	let i = 0;
	for (let cp = 0; cp < codePointIndex; cp += 1) {
		if (i >= str.length) throw new RangeError(`${codePointIndex} is past the end`);
		i += str.codePointAt(i) > 0xffff ? 2 : 1;
	}
	return i;
}

function requireIndex(index, max, what) {
	if (!Number.isSafeInteger(index) || index < 0 || index > max) throw new RangeError(`${what} ${String(index)} not in 0..${max}`);
}

const kindOf = (c) => (typeof c === 'number' ? RETAIN : typeof c === 'string' ? INSERT : DELETE);
const sizeOf = (c) => (typeof c === 'number' ? c : typeof c === 'string' ? codePointLength(c) : c.d);
const isCount = (n) => Number.isSafeInteger(n) && n > 0;

function componentProblem(c) {
	if (typeof c === 'number') return isCount(c) ? null : `retain must be a positive integer, got ${String(c)}`;
	if (typeof c === 'string') {
		if (c.length === 0) return 'insert must be a non-empty string';
		return isWellFormed(c) ? null : 'insert has a lone surrogate';
	}
	if (c === null || typeof c !== 'object' || Array.isArray(c)) return `not a number, string or {"d": N}: ${describe(c)}`;
	const keys = Object.keys(c);
	if (keys.length !== 1 || keys[0] !== 'd') return `a delete is exactly {"d": N}, not ${JSON.stringify(keys)}`;
	return isCount(c.d) ? null : `delete count must be a positive integer, got ${describe(c.d)}`;
}

function describe(value) {
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return JSON.stringify(value);
	return value && typeof value === 'object' ? 'an object' : String(value);
}

export function check(op) {
	if (!Array.isArray(op)) throw new TypeError(`op must be an array, got ${describe(op)}`);
	op.forEach((c, i) => {
		const problem = componentProblem(c);
		if (problem) throw new TypeError(`component ${i}: ${problem}`);
	});
	return op;
}

class OpBuilder {
	op = [];

	push(component) {
		const kind = kindOf(component);
		if (kind === RETAIN) this.retain(component);
		else if (kind === INSERT) this.insert(component);
		else this.delete(component.d);
	}

	lastIs(kind) {
		return this.op.length > 0 && kindOf(this.op.at(-1)) === kind;
	}

	retain(n) {
		if (n === 0) return;
		if (this.lastIs(RETAIN)) this.op[this.op.length - 1] += n;
		else this.op.push(n);
	}

	insert(s) {
		if (s.length === 0) return;
		const { op } = this;
		// Before an adjacent delete: one order.
		const at = this.lastIs(DELETE) ? op.length - 1 : op.length;
		if (at > 0 && kindOf(op[at - 1]) === INSERT) op[at - 1] += s;
		else op.splice(at, 0, s);
	}

	delete(n) {
		if (n === 0) return;
		if (this.lastIs(DELETE)) this.op[this.op.length - 1] = { d: this.op.at(-1).d + n };
		else this.op.push({ d: n });
	}

	done() {
		if (this.lastIs(RETAIN)) this.op.pop();
		return this.op;
	}
}

export function normalize(op) {
	check(op);
	const out = new OpBuilder();
	for (const c of op) out.push(c);
	return out.done();
}

// Past the end it retains (the rest of the text).
class OpReader {
	index = 0;
	used = 0;
	chars = null;

	constructor(op) {
		this.op = op;
	}

	done() { return this.index >= this.op.length; }
	kind() { return this.done() ? RETAIN : kindOf(this.op[this.index]); }

	take(max = Infinity) {
		if (this.done()) return max;
		const c = this.op[this.index];
		const left = sizeOf(c) - this.used;
		const n = Math.min(left, max);
		let piece;
		if (kindOf(c) !== INSERT) piece = kindOf(c) === RETAIN ? n : { d: n };
		else if (n === left && this.used === 0) piece = c;
		else {
			this.chars ??= Array.from(c);
			piece = this.chars.slice(this.used, this.used + n).join('');
		}
		this.used += n;
		if (this.used === sizeOf(c)) {
			this.index += 1;
			this.used = 0;
			this.chars = null;
		}
		return piece;
	}
}

// A trailing retain past the end means another text.
export function apply(doc, op) {
	if (typeof doc !== 'string') throw new TypeError(`doc must be a string, got ${describe(doc)}`);
	if (!isWellFormed(doc)) throw new TypeError('doc has a lone surrogate');
	check(op);
	const chars = Array.from(doc);
	const parts = [];
	let at = 0;
	for (const c of op) {
		const kind = kindOf(c);
		if (kind === INSERT) {
			parts.push(c);
			continue;
		}
		const n = sizeOf(c);
		if (at + n > chars.length) {
			throw new RangeError(`${kind}s past the end (${at + n} > ${chars.length})`);
		}
		if (kind === RETAIN) parts.push(chars.slice(at, at + n).join(''));
		at += n;
	}
	parts.push(chars.slice(at).join(''));
	return parts.join('');
}

// At one place 'left' inserts first; an insert in a range other deletes survives.
export function transform(op, other, side) {
	if (side !== 'left' && side !== 'right') throw new TypeError(`side must be 'left' or 'right', got ${describe(side)}`);
	const mine = new OpReader(normalize(op));
	const theirs = new OpReader(normalize(other));
	const out = new OpBuilder();
	while (!theirs.done()) {
		const kind = theirs.kind();
		if (kind === INSERT) {
			if (side === 'left' && mine.kind() === INSERT) out.insert(mine.take());
			out.retain(codePointLength(theirs.take()));
			continue;
		}
		let n = sizeOf(theirs.take());
		while (n > 0) {
			if (mine.kind() === INSERT) {
				out.insert(mine.take());
				continue;
			}
			const piece = mine.take(n);
			n -= sizeOf(piece);
			if (kind === RETAIN) out.push(piece);
		}
	}
	while (!mine.done()) out.push(mine.take());
	return out.done();
}

export function compose(a, b) {
	const first = new OpReader(normalize(a));
	const second = new OpReader(normalize(b));
	const out = new OpBuilder();
	while (!second.done()) {
		const kind = second.kind();
		if (kind === INSERT) {
			out.insert(second.take());
			continue;
		}
		let n = sizeOf(second.take());
		while (n > 0) {
			if (first.kind() === DELETE) {
				// Not in a's result: b never sees it.
				out.push(first.take());
				continue;
			}
			const piece = first.take(n);
			n -= sizeOf(piece);
			if (kind === RETAIN) out.push(piece);
			else if (kindOf(piece) === RETAIN) out.delete(piece);
			// else b deletes a's insert: neither happens.
		}
	}
	while (!first.done()) out.push(first.take());
	return out.done();
}

// Inserts at pos go after it unless isOwn (the owner's typing).
export function transformPosition(pos, op, isOwn = false) {
	requireIndex(pos, Number.MAX_SAFE_INTEGER, 'caret position');
	let at = 0; // in the old text
	let moved = pos;
	for (const c of normalize(op)) {
		const kind = kindOf(c);
		const n = sizeOf(c);
		if (kind === INSERT) {
			if (at < pos || (at === pos && isOwn)) moved += n;
			else break;
		} else if (kind === DELETE) {
			moved -= Math.min(n, Math.max(0, pos - at));
			at += n;
		} else {
			// An insert at the caret may follow.
			if (at + n > pos) break;
			at += n;
		}
	}
	return moved;
}

// One replaced range. In repeats ("aa" → "aaa") the kept tail is at most what follows caret.
export function diff(before, after, caret) {
	const a = Array.from(before);
	const b = Array.from(after);
	const maxCommon = Math.min(a.length, b.length);
	let suffixLimit = maxCommon;
	if (caret !== undefined) {
		requireIndex(caret, b.length, 'caret');
		suffixLimit = Math.min(suffixLimit, b.length - caret);
	}
	let suffix = 0;
	while (suffix < suffixLimit && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1;
	let prefix = 0;
	while (prefix < maxCommon - suffix && a[prefix] === b[prefix]) prefix += 1;
	const out = new OpBuilder();
	out.retain(prefix);
	out.insert(b.slice(prefix, b.length - suffix).join(''));
	out.delete(a.length - suffix - prefix);
	return out.done();
}
