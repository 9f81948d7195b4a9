const KEEP = 5; // the local clock drifts or is reset

export class ServerClock {
	samples = [];
	seeded = 0;

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

	// Off by at most half its round trip: the shortest wins.
	offset() {
		return this.samples.length ? this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset : this.seeded;
	}

	now() {
		return this.localNow() + this.offset();
	}
}
