// A countdown redraws as the server-clock time left crosses a whole second and at zero, not on a
// free-running interval whose phase differs per screen: all screens flip together. No DOM (the
// load tests run it).

// Until the shown second changes (ceil(left / 1000) above zero, floor below).
export function msToNextSecond(remainingMs) {
	const r = remainingMs % 1000;
	return r > 0 ? r : r + 1000;
}

export class Countdown {
	deadline = null;
	timer = null;

	// onTick(remainingMs); now(): the server's time.
	constructor(now, onTick, timers = globalThis) {
		Object.assign(this, { now, onTick, timers });
	}

	// `deadline`: server epoch ms, or null to stop.
	follow(deadline) {
		if (deadline === this.deadline) return;
		this.deadline = deadline;
		this.timers.clearTimeout(this.timer);
		this.timer = null;
		if (deadline !== null) this.tick();
	}

	tick() {
		const remaining = this.deadline - this.now();
		this.onTick(remaining);
		this.timer = this.timers.setTimeout(() => this.tick(), msToNextSecond(remaining));
	}
}
