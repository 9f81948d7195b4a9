// On server-clock seconds: all screens flip together. No DOM: load tests use it.

// Shown: ceil(left / 1000) above zero, floor below.
export function msToNextSecond(remainingMs) {
	const r = remainingMs % 1000;
	return r > 0 ? r : r + 1000;
}

export class Countdown {
	deadline = null;
	timer = null;

	constructor(now, onTick, timers = globalThis) {
		Object.assign(this, { now, onTick, timers });
	}

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
