// The one REST call the client makes: creating a meeting (PROTOCOL.md "HTTP").

// Resolves with {meetingId, joinCode, facilitatorToken, joinUrl}; throws an Error whose message
// is fit to show.
export async function createMeeting({ title, goal }) {
  let res;
  try {
    res = await fetch('/api/meetings', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title, goal }),
    });
  } catch {
    throw new Error('Could not reach the server. Check the connection and try again.');
  }
  const body = await res.json().catch(() => null); // reported below with the status
  if (!res.ok) throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
  if (!body?.meetingId || !body.facilitatorToken) throw new Error('The server gave an unexpected answer.');
  return body;
}
