// What this browser remembers. The join codes offer the join form again when a token expired.

// Private browsing or a full quota can make localStorage throw: no resume after a reload then.
function read(key) {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

function write(key, value) {
	try {
		if (value == null) localStorage.removeItem(key);
		else localStorage.setItem(key, value);
	} catch {
		// see read()
	}
}

export const session = {
	memberToken: (id) => read(`rt.token.${id}`),
	setMemberToken: (id, token) => write(`rt.token.${id}`, token), // null forgets it
	facilitatorToken: (id) => read(`rt.fac.${id}`),
	setFacilitatorToken: (id, token) => write(`rt.fac.${id}`, token),
	// The room display's pass, by the code it was opened with (it keeps it when the code changes).
	displayToken: (code) => read(`rt.display.${code}`),
	setDisplayToken: (code, token) => write(`rt.display.${code}`, token),
	joinCode: (id) => read(`rt.code.${id}`),
	setJoinCode: (id, code) => write(`rt.code.${id}`, code),
	profile() {
		try {
			return JSON.parse(read('rt.profile')) || {};
		} catch {
			return {};
		}
	},
	setProfile: (p) => write('rt.profile', JSON.stringify(p)),
	muted: () => read('rt.muted') === '1',
	setMuted: (on) => write('rt.muted', on ? '1' : null),
};
