// The API client: same origin, JSON in, problem+json errors out.
export interface Profile {
  displayName: string;
  bio: string;
  expertise: string[];
  interests: string[];
  company: string;
  location: string;
  links: string[];
  locale: string;
}

export interface Member extends Profile {
  id: string;
  email: string;
  roles: string[];
  status: string;
  suspendedUntil?: string;
  hasAvatar: boolean;
  createdAt: string;
}

export interface PublicProfile extends Profile {
  id: string;
  roles: string[];
  hasAvatar: boolean;
  createdAt: string;
}

export interface DirectoryEntry {
  id: string;
  displayName: string;
  expertise: string[];
  hasAvatar: boolean;
}

export interface StaffFields {
  crmRef: string;
  leadStatus: string;
  notes: string;
  updatedAt?: string;
}

export interface Provider {
  id: string;
  name: string;
}

export interface Session {
  id: string;
  device: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

export interface Invitation {
  id: string;
  kind: 'email' | 'link';
  email?: string;
  roles: string[];
  message?: string;
  inviterName: string;
  maxUses: number;
  uses: number;
  createdAt: string;
  validUntil: string;
}

export interface InvitationPublic {
  inviterName: string;
  message?: string;
  email?: string;
  validUntil: string;
  state: 'pending' | 'used' | 'expired' | 'revoked';
}

export interface Settings {
  accessMode: 'open' | 'invite' | 'hybrid';
  hybridRegistration?: 'open' | 'invite';
}

export interface Space {
  id: string;
  name: string;
  description: string;
  icon: string;
  visibility: 'public' | 'closed' | 'hidden';
  kind: string;
  members: number;
}

export interface SpaceMembership {
  spaceId: string;
  memberId: string;
  role: string;
  status: 'active' | 'pending';
  spaceName: string;
  spaceVisibility: string;
}

export interface PostSummary {
  id: string;
  spaceId: string;
  spaceName: string;
  kind: 'status' | 'discussion' | 'question';
  title: string;
  excerpt: string;
  authorId: string;
  authorName: string;
  createdAt: string;
}

export interface Post extends PostSummary {
  body: string;
  html: string;
  comments: number;
  acceptedAnswer?: string;
}

export interface Comment {
  id: string;
  postId: string;
  parentId?: string;
  html: string;
  authorId: string;
  authorName: string;
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

export const api = {
  providers: () => call<{ providers: Provider[] }>('GET', '/api/auth/providers'),
  me: () => call<Member>('GET', '/api/me'),
  startEmail: (email: string, locale: string, invitation?: string) =>
    call<{ status: string }>('POST', '/api/auth/email/start', { email, locale, ...(invitation ? { invitation } : {}) }),
  logout: () => call<void>('POST', '/api/auth/logout'),
  sessions: () => call<{ sessions: Session[] }>('GET', '/api/me/sessions'),
  revokeSession: (id: string) => call<void>('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`),
  signOutEverywhere: () => call<void>('POST', '/api/me/sessions/revoke-all'),
  community: () => call<Settings>('GET', '/api/community'),
  saveAccess: (s: Settings) => call<Settings>('PUT', '/api/community/access', s),
  invitation: (code: string) => call<InvitationPublic>('GET', `/api/invitations/code/${encodeURIComponent(code)}`),
  inviteFriend: (email: string, message: string, locale: string) => call<Invitation>('POST', '/api/invitations/friend', { email, message, locale }),
  inviteBulk: (emails: string[], roles: string[], message: string, validDays: number, locale: string) =>
    call<{ invitations: Invitation[] }>('POST', '/api/invitations', { emails, roles, message, validDays, locale }),
  createLink: (maxUses: number, validDays: number, roles: string[]) =>
    call<{ invitation: Invitation; code: string; link: string }>('POST', '/api/invitations/links', { maxUses, validDays, roles }),
  pending: () => call<{ invitations: Invitation[] }>('GET', '/api/invitations'),
  revokeInvitation: (id: string) => call<Invitation>('POST', `/api/invitations/${encodeURIComponent(id)}/revoke`),
  resendInvitation: (id: string) => call<Invitation>('POST', `/api/invitations/${encodeURIComponent(id)}/resend`),
  saveProfile: (p: Profile) => call<Member>('PUT', '/api/me/profile', p),
  profile: (id: string) => call<PublicProfile>('GET', `/api/members/${encodeURIComponent(id)}`),
  directory: (q: { q?: string; tag?: string; cursor?: string }) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
    return call<{ members: DirectoryEntry[]; next?: string }>('GET', `/api/members?${params}`);
  },
  staff: (id: string) => call<StaffFields>('GET', `/api/members/${encodeURIComponent(id)}/staff`),
  saveStaff: (id: string, f: StaffFields) => call<StaffFields>('PUT', `/api/members/${encodeURIComponent(id)}/staff`, f),
  setRoles: (id: string, roles: string[]) => call<Member>('PUT', `/api/members/${encodeURIComponent(id)}/roles`, { roles }),
  moderate: (id: string, action: 'suspend' | 'ban' | 'reinstate', days?: number) =>
    call<Member>('POST', `/api/members/${encodeURIComponent(id)}/${action}`, action === 'reinstate' ? undefined : { days, reason: '' }),
  avatarUpload: (contentType: string, size: number) =>
    call<{ uploadUrl: string; key: string; contentType: string }>('POST', '/api/me/avatar/upload', { contentType, size }),
  confirmAvatar: (key: string) => call<Member>('PUT', '/api/me/avatar', { key }),
  exportUrl: '/api/me/export',
  mySpaces: () => call<{ memberships: SpaceMembership[] }>('GET', '/api/spaces/mine'),
  createSpace: (name: string, visibility: string, description: string) =>
    call<Space>('POST', '/api/spaces', { name, visibility, description }),
  space: (id: string) =>
    call<{ space: Space; membership?: SpaceMembership; canPost: boolean; canModerate: boolean }>('GET', `/api/spaces/${encodeURIComponent(id)}`),
  joinSpace: (id: string) => call<SpaceMembership>('POST', `/api/spaces/${encodeURIComponent(id)}/join`),
  leaveSpace: (id: string) => call<void>('POST', `/api/spaces/${encodeURIComponent(id)}/leave`),
  spacePosts: (id: string, cursor?: string) =>
    call<{ posts: PostSummary[]; next?: string }>('GET', `/api/spaces/${encodeURIComponent(id)}/posts${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
  createPost: (spaceId: string, kind: string, title: string, body: string) =>
    call<Post>('POST', `/api/spaces/${encodeURIComponent(spaceId)}/posts`, kind === 'status' ? { kind, body } : { kind, title, body }),
  post: (id: string) => call<Post>('GET', `/api/posts/${encodeURIComponent(id)}`),
  comments: (id: string) => call<{ comments: Comment[] }>('GET', `/api/posts/${encodeURIComponent(id)}/comments`),
  addComment: (id: string, body: string, parentId?: string) =>
    call<Comment>('POST', `/api/posts/${encodeURIComponent(id)}/comments`, parentId ? { body, parentId } : { body }),
  acceptAnswer: (id: string, commentId: string) =>
    call<Post>('POST', `/api/posts/${encodeURIComponent(id)}/comments/${encodeURIComponent(commentId)}/accept`),
  stream: (cursor?: string) => call<{ posts: PostSummary[]; next?: string }>('GET', `/api/stream${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
  deleteAccount: () => call<void>('POST', '/api/me/delete', { confirm: true }),
};

// uploadFile PUTs a file to a presigned URL.
export async function uploadFile(url: string, file: File, contentType: string): Promise<void> {
  let resp: Response;
  try {
    resp = await fetch(url, { method: 'PUT', body: file, headers: { 'Content-Type': contentType } });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (!resp.ok) throw new ApiError(resp.status, 'upload_failed');
}
