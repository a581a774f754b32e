// The manager's REST API (docs/openapi.json). The admin token travels only in
// the Authorization header; a 401 from any call signs the dashboard out.

const TOKEN_KEY = 'onair.admin_token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY) || ''; },
  set token(t) {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  onUnauthorized: () => {},
};

const ch = name => `/api/v1/channels/${encodeURIComponent(name)}`;

async function request(method, path, body, { token = session.token, signIn = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', 'The manager cannot be reached');
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (res.status === 401) {
    if (!signIn) session.onUnauthorized();
    throw new ApiError(401, 'unauthorized', 'The admin token was not accepted');
  }
  if (!res.ok) {
    const e = data && data.error;
    throw new ApiError(res.status, e?.code || 'http', e?.message || `${res.status} ${res.statusText}`);
  }
  return data;
}

export const api = {
  // Sign-in: true if the manager accepts this token (throws on other failures).
  async check(token) {
    try {
      await request('GET', '/api/v1/auth/check', undefined, { token, signIn: true });
      return true;
    } catch (e) {
      if (e.status === 401) return false;
      throw e;
    }
  },
  channels: () => request('GET', '/api/v1/channels').then(d => d.channels),
  channel: name => request('GET', ch(name)),
  create: (name, title) => request('POST', '/api/v1/channels', title ? { name, title } : { name }),
  update: (name, fields) => request('PATCH', ch(name), fields),
  remove: name => request('DELETE', ch(name)),
  rotateKey: name => request('POST', `${ch(name)}/rotate-key`),
  kick: name => request('POST', `${ch(name)}/kick`),
  broadcasts: (name, limit = 50) => request('GET', `${ch(name)}/broadcasts?limit=${limit}`).then(d => d.broadcasts),
  // { recordings: [...newest first], retention: {...} | null }
  recordings: (name, limit = 50) => request('GET', `${ch(name)}/recordings?limit=${limit}`),
  deleteRecording: id => request('DELETE', `/api/v1/recordings/${encodeURIComponent(id)}`),
};
