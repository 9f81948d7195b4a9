// The server's clock as estimated here, so that all screens count down alike. A `clock` answer
// was read between sending (t) and receipt (t2): the midpoint is off by at most half the round
// trip, so the shortest round trip wins.

const KEEP = 5; // recent samples only: the local clock drifts, or is reset

export class ServerClock {
	samples = []; // {rtt, offset}, oldest first
	seeded = 0; // from the welcome's serverTime, until samples come

	constructor(localNow = () => Date.now()) {
		this.localNow = localNow;
	}

	seed(serverTime, receivedAt = this.localNow()) {
		if (Number.isFinite(serverTime)) this.seeded = serverTime - receivedAt;
	}

	sample(t, serverTime, t2 = this.localNow()) {
		if (![t, serverTime, t2].every(Number.isFinite) || t2 < t) return false;
		this.samples = [...this.samples, { rtt: t2 - t, offset: serverTime - (t + t2) / 2 }].slice(-KEEP);
		return true;
	}

	// Server minus local time, ms.
	offset() {
		return this.samples.length ? this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset : this.seeded;
	}

	now() {
		return this.localNow() + this.offset();
	}
}
