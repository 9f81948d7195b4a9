// The one REST call the client makes: creating a meeting (PROTOCOL.md "HTTP").

export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Resolves with {meetingId, joinCode, facilitatorToken, joinUrl}; throws ApiError with the
// server's code and a message fit to show.
export async function createMeeting({ title, goal }) {
  let res;
  try {
    res = await fetch('/api/meetings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title, goal }),
    });
  } catch {
    throw new ApiError('network', 'Could not reach the server. Check the connection and try again.');
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    // fall through: reported below with the status
  }
  if (!res.ok) {
    const err = body && body.error;
    throw new ApiError(err?.code ?? `http_${res.status}`,
      err?.message ?? `The server answered ${res.status}.`);
  }
  if (!body || !body.meetingId || !body.facilitatorToken) {
    throw new ApiError('bad_response', 'The server gave an unexpected answer.');
  }
  return body;
}
