export function pageParams() {
	const params = new URLSearchParams(location.search);
	return { joinCode: params.get('join'), meetingId: params.get('meeting'), room: params.get('display') === 'room' };
}

export const joinUrlFor = (code, room) => pageWithQuery(`?join=${encodeURIComponent(code)}${room ? '&display=room' : ''}`);
export const joinQrPath = (code) => `/api/join-qr?code=${encodeURIComponent(code)}`;

export function rememberMeetingInUrl(meetingId) {
	history.replaceState(null, '', pageWithQuery(`?meeting=${encodeURIComponent(meetingId)}`));
}

export const clearUrl = () => history.replaceState(null, '', pageWithQuery(''));

export function webSocketUrl() {
	const url = new URL('/ws', location.href);
	url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
	return url.href;
}

// tz: minutes east of UTC.
export const minutesPath = (meetingId, format, tz = -new Date().getTimezoneOffset()) =>
	`/api/meetings/${encodeURIComponent(meetingId)}/minutes?format=${format}&tz=${tz}`;

// No half emoji.
export function minutesFileName(title, format) {
	const name = [...String(title).replace(/[\\/:*?"<>|\p{Cc}\s]+/gu, ' ').trim()].slice(0, 80).join('').trim();
	return `minutes-${name || 'meeting'}.${format}`;
}

function pageWithQuery(search) {
	const url = new URL(location.href);
	url.search = search;
	url.hash = '';
	return url.href;
}
