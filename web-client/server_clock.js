// The server's clock as this page estimates it (PROTOCOL.md "The client's clock"), so that every
// screen counts down to the same deadline. A `clock` exchange brackets the server's reading
// between sending (t) and receipt (t2); taking it at the midpoint is off by at most half the
// round trip, so of the recent samples the one with the shortest round trip is the best.
// No DOM and no I/O: the local clock is passed in, so node tests it with a fake one.

// Recent samples only: the local clock drifts (or is reset), so old samples go stale.
const KEEP = 5;

export class ServerClock {
  constructor(localNow = () => Date.now()) {
    this.localNow = localNow;
    this.samples = []; // {rtt, offset}, oldest first
    this.seeded = 0;
  }

  // A first guess from the welcome's serverTime, used until clock answers arrive.
  seed(serverTime, receivedAt = this.localNow()) {
    if (Number.isFinite(serverTime)) this.seeded = serverTime - receivedAt;
  }

  // A clock answer: `t` our time when sent, `serverTime`, `t2` our time on receipt.
  sample(t, serverTime, t2 = this.localNow()) {
    const rtt = t2 - t;
    if (![t, serverTime, t2].every(Number.isFinite) || rtt < 0) return false;
    this.samples.push({ rtt, offset: serverTime - (t + t2) / 2 });
    if (this.samples.length > KEEP) this.samples.shift();
    return true;
  }

  // Server time minus local time, in ms.
  offset() {
    if (!this.samples.length) return this.seeded;
    return this.samples.reduce((best, s) => (s.rtt < best.rtt ? s : best)).offset;
  }

  now() {
    return this.localNow() + this.offset();
  }
}
