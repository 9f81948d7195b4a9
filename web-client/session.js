// What this browser remembers in localStorage: member and facilitator tokens, join codes (to
// offer the join form again when a token expired), the last profile, the beep's mute.

const key = {
  token: (id) => `rt.token.${id}`,
  facilitator: (id) => `rt.fac.${id}`,
  code: (id) => `rt.code.${id}`,
  profile: 'rt.profile',
  muted: 'rt.muted',
};

// Private browsing or a full quota can make localStorage throw: no resume after a reload then.
function read(k) {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
}

function write(k, v) {
  try {
    if (v == null) localStorage.removeItem(k);
    else localStorage.setItem(k, v);
  } catch {
    // see read()
  }
}

export const session = {
  memberToken: (id) => read(key.token(id)),
  setMemberToken: (id, token) => write(key.token(id), token),
  dropMemberToken: (id) => write(key.token(id), null),
  facilitatorToken: (id) => read(key.facilitator(id)),
  setFacilitatorToken: (id, token) => write(key.facilitator(id), token),
  joinCode: (id) => read(key.code(id)),
  setJoinCode: (id, code) => write(key.code(id), code),
  profile() {
    try {
      return JSON.parse(read(key.profile)) || {};
    } catch {
      return {};
    }
  },
  setProfile: (p) => write(key.profile, JSON.stringify(p)),
  muted: () => read(key.muted) === '1',
  setMuted: (on) => write(key.muted, on ? '1' : null),
};
