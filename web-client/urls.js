// The page's query (?join=CODE, ?meeting=ID), the join link, and the WebSocket beside the page.

export function pageParams() {
  const params = new URLSearchParams(location.search);
  return { joinCode: params.get('join'), meetingId: params.get('meeting') };
}

export const joinUrlFor = (code) => pageWithQuery(`?join=${encodeURIComponent(code)}`);

// Puts ?meeting=ID in the address bar, so a reload comes back to the same meeting.
export function rememberMeetingInUrl(meetingId) {
  history.replaceState(null, '', pageWithQuery(`?meeting=${encodeURIComponent(meetingId)}`));
}

export const clearUrl = () => history.replaceState(null, '', pageWithQuery(''));

// The server serves the client and /ws from the same origin (PROTOCOL.md "HTTP").
export function webSocketUrl() {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

function pageWithQuery(search) {
  const url = new URL(location.href);
  url.search = search;
  url.hash = '';
  return url.href;
}
