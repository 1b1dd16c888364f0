// The API client: same origin, JSON in, problem+json errors out.
export interface Member {
  id: string;
  email: string;
  displayName: string;
  locale: string;
  roles: string[];
  suspendedUntil?: string;
  status: string;
  createdAt: string;
}

export class ApiError extends Error {
  constructor(public status: number, public code: string) {
    super(code);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let resp: Response;
  try {
    resp = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (!resp.ok) {
    let code = 'internal';
    try {
      code = (await resp.json()).code ?? code;
    } catch {
      /* not a problem document */
    }
    throw new ApiError(resp.status, code);
  }
  return resp.status === 204 ? (undefined as T) : ((await resp.json()) as T);
}

export interface Provider {
  id: string;
  name: string;
}

export const api = {
  providers: () => call<{ providers: Provider[] }>('GET', '/api/auth/providers'),
  me: () => call<Member>('GET', '/api/me'),
  startEmail: (email: string, locale: string) => call<{ status: string }>('POST', '/api/auth/email/start', { email, locale }),
  logout: () => call<void>('POST', '/api/auth/logout'),
};
