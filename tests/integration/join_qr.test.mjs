// GET /api/join-qr?code=…: the room display's QR code. Decoded with jsQR (as a phone reads
// it), it is the join link for the code at the address the request came to; a malformed code
// or another method gets a JSON error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import { startRedis, startServer, createMeeting, join, cleanup, httpRequest } from '../support/harness.mjs';
import { decodeQr, rasteriseQrSvg } from '../support/qr.mjs';

let server;

before(async () => {
	const redis = await startRedis();
	server = await startServer({ redisUrl: redis.url });
});
after(cleanup);

// A GET with the given headers (fetch may not set Host).
function get(path, headers = {}) {
	const url = new URL(path, server.baseUrl);
	return new Promise((resolve, reject) => {
		http.get(url, { headers }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk) => { body += chunk; });
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
		}).on('error', reject);
	});
}

const readQr = (svg) => {
	const { rgba, width } = rasteriseQrSvg(svg);
	return decodeQr(rgba, width, width);
};

test('the QR code of a meeting\'s join code decodes to its join link, which joins', async () => {
	const meeting = await createMeeting(server.baseUrl);
	const res = await get(`/api/join-qr?code=${meeting.joinCode}`);
	assert.equal(res.status, 200, res.body);
	assert.equal(res.headers['content-type'], 'image/svg+xml');
	assert.match(res.headers['content-security-policy'], /script-src 'self'/);
	const link = readQr(res.body);
	assert.equal(link, meeting.joinUrl, 'the same link as the facilitator is given');
	const code = new URL(link).searchParams.get('join');
	const member = await join(server.wsUrl, { code, name: 'From the projector' });
	assert.equal(member.welcome.meeting.id, meeting.meetingId);
});

test('the link follows the address the display reached, https behind a TLS proxy', async () => {
	const res = await get('/api/join-qr?code=WXYZ-2345', { host: 'meet.example.org', 'x-forwarded-proto': 'https' });
	assert.equal(res.status, 200, res.body);
	assert.equal(readQr(res.body), 'https://meet.example.org/?join=WXYZ-2345');
});

test('a malformed code, a host too long for a QR code, and a POST get JSON errors', async () => {
	for (const query of ['', '?code=', '?code=abcd-efgh', '?code=ABCD-EFG0', '?code=ABCD-EFGH%3Cs%3E', '?join=ABCD-EFGH']) {
		const res = await httpRequest(`${server.baseUrl}/api/join-qr${query}`);
		assert.equal(res.status, 400, query);
		assert.equal(res.json?.error?.code, 'bad_code', `${query}: ${res.text}`);
		assert.match(res.json.error.message, /XXXX-XXXX/);
	}
	const long = await get('/api/join-qr?code=ABCD-EFGH', { host: `${'h'.repeat(3000)}.example` });
	assert.equal(long.status, 400, long.body.slice(0, 200));
	assert.equal(JSON.parse(long.body).error.code, 'too_long');
	const post = await httpRequest(`${server.baseUrl}/api/join-qr?code=ABCD-EFGH`, { method: 'POST' });
	assert.equal(post.status, 405);
	assert.equal(post.json?.error?.code, 'method_not_allowed');
});
