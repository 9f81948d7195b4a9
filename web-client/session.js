// Private browsing or a full quota make localStorage throw.
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
	setMemberToken: (id, token) => write(`rt.token.${id}`, token),
	facilitatorToken: (id) => read(`rt.fac.${id}`),
	setFacilitatorToken: (id, token) => write(`rt.fac.${id}`, token),
	displayToken: (code) => read(`rt.display.${code}`),
	setDisplayToken: (code, token) => write(`rt.display.${code}`, token),
	// Leads an expired token back to the join form.
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
