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
  activityEmails?: boolean;
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
  staff: boolean;
  hasAvatar: boolean;
  createdAt: string;
}

export interface DirectoryEntry {
  id: string;
  displayName: string;
  expertise: string[];
  hasAvatar: boolean;
  staff: boolean;
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

// LinkInfo is what a sign-in link would do, before it is spent.
export interface LinkInfo {
  email: string;
  newAccount: boolean;
  invitation: boolean;
  expiresAt: string;
  session: 'none' | 'same' | 'other';
}

export interface SignedIn {
  memberId: string;
  alreadySignedIn: boolean;
  switched: boolean;
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
  inviterDeleted?: boolean;
  maxUses: number;
  uses: number;
  createdAt: string;
  validUntil: string;
}

export interface InvitationPublic {
  inviterName: string;
  inviterDeleted?: boolean;
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
  status: 'active' | 'pending' | 'invited' | 'declined';
  memberName?: string;
  invitedBy?: string;
  approvedBy?: string;
  declinedBy?: string;
  spaceName: string;
  spaceVisibility: string;
}

export type PostKind = 'status' | 'discussion' | 'question' | 'idea' | 'poll' | 'announcement';

export interface PostSummary {
  id: string;
  spaceId: string;
  spaceName: string;
  kind: PostKind;
  title: string;
  excerpt: string;
  authorId: string;
  authorName: string;
  authorDeleted?: boolean;
  authorStaff?: boolean;
  createdAt: string;
  pinnedUntil?: string;
  votes?: number;
  ideaStatus?: string;
  answered?: boolean;
}

export interface Page {
  pinned?: PostSummary[];
  posts: PostSummary[];
  next?: string;
}

export interface Post extends PostSummary {
  body: string;
  html: string;
  comments: number;
  acceptedAnswer?: string;
  votes: number;
  options?: { id: string; label: string }[];
  tally?: Record<string, number>;
  closesAt?: string;
  reactions: Record<string, number>;
  hidden?: boolean;
  locked?: boolean;
  deleted?: boolean;
  editedAt?: string;
  myVote?: string;
  myReactions?: string[];
  canModerate: boolean;
  ticketId?: string;
  ticketNumber?: number;
  // mentions: the name each "@m_<id>" of the body shows now ("" for a deleted member).
  mentions?: Record<string, string>;
}

export interface NewPost {
  kind: PostKind;
  title?: string;
  body: string;
  options?: string[];
  closesAt?: string;
  pinnedUntil?: string;
}

export interface Comment {
  id: string;
  postId: string;
  parentId?: string;
  body: string;
  html: string;
  authorId: string;
  authorName: string;
  authorDeleted?: boolean;
  authorStaff?: boolean;
  // authorAvatar: the author has an avatar this reader may load (signed-in readers).
  authorAvatar?: boolean;
  createdAt: string;
  editedAt?: string;
  deleted?: boolean;
  hidden?: boolean;
  reactions?: Record<string, number>;
  myReactions?: string[];
  mentions?: Record<string, string>;
}

// MentionChoice is a member the @ list offers (GET /api/spaces/{id}/mentionable).
export interface MentionChoice {
  id: string;
  displayName: string;
  expertise: string[];
  hasAvatar: boolean;
}

export interface Revision {
  commentId?: string;
  title?: string;
  body: string;
  // editedBy made the edit that replaced this text, at editedAt.
  editedBy: string;
  editedAt: string;
  mentions?: Record<string, string>;
}

export interface QueueItem {
  targetId: string;
  postId: string;
  commentId?: string;
  spaceName: string;
  title: string;
  excerpt: string;
  authorId: string;
  authorName: string;
  authorDeleted?: boolean;
  reports: number;
  reasons: string[];
  firstReportedAt: string;
  // notes: the reports that say more than a reason, with their authors' names as now.
  notes?: ReportNote[];
}

export interface ReportNote {
  reporterId?: string;
  reporterName: string;
  reporterDeleted?: boolean;
  reason: string;
  note: string;
  at: string;
}

export interface AuditEntry {
  at: string;
  actorId: string;
  action: string;
  targetId: string;
  postId?: string;
  subjectId?: string;
  reason?: string;
  targetType: string;
  // redacted: the entry is about content the reader may not read (ids and reason left out).
  redacted?: boolean;
  // Names as they are now (docs/api.md, "GET /api/moderation/audit").
  actorName?: string;
  actorDeleted?: boolean;
  subjectName?: string;
  subjectDeleted?: boolean;
  postTitle?: string;
  postDeleted?: boolean;
  spaceName?: string;
}

// Notification is one inbox entry (docs/api.md, "GET /api/notifications"): postTitle
// is a ticket's subject too; detail a status, reason, duration (seconds), warning text,
// reply excerpt or space name, by kind.
export interface Notification {
  id: string;
  kind: string;
  actorId?: string;
  actorName?: string;
  actorDeleted?: boolean;
  postId?: string;
  postTitle?: string;
  commentId?: string;
  spaceId?: string;
  ticketId?: string;
  ticketNumber?: number;
  detail?: string;
  at: string;
  unread: boolean;
}

export interface Rules {
  text: string;
  version: number;
  unchanged?: boolean;
}

export interface Attachment {
  key: string;
  name: string;
  contentType: string;
  size: number;
}

export interface TicketSummary {
  id: string;
  number: number;
  spaceId: string;
  spaceName: string;
  subject: string;
  severity: string;
  status: string;
  requesterName: string;
  requesterDeleted?: boolean;
  assigneeId?: string;
  assigneeName?: string;
  assigneeDeleted?: boolean;
  createdAt: string;
  updatedAt: string;
  nextDue?: string;
  breached: boolean;
  soon: boolean;
}

export interface Ticket {
  id: string;
  number: number;
  spaceId: string;
  spaceName: string;
  subject: string;
  product: string;
  severity: string;
  html: string;
  status: string;
  requesterId: string;
  requesterName: string;
  requesterDeleted?: boolean;
  assigneeId?: string;
  assigneeName?: string;
  assigneeDeleted?: boolean;
  attachments?: Attachment[];
  createdAt: string;
  firstResponseDue: string;
  resolutionDue: string;
  firstResponseAt?: string;
  rating?: { good: boolean; comment?: string; at?: string };
  questionId?: string;
}

export interface TicketReply {
  id: string;
  html: string;
  authorName: string;
  authorDeleted?: boolean;
  internal: boolean;
  automatic?: boolean;
  fromAgent: boolean;
  attachments?: Attachment[];
  createdAt: string;
}

export interface TicketView {
  ticket: Ticket;
  replies: TicketReply[];
  agent: boolean;
  moves: string[];
}

export interface SupportSettings {
  products: string[];
  targets: Record<string, { firstResponseMinutes: number; resolutionMinutes: number }>;
  autoCloseDays: number;
}

// ApiError is a failed call: its HTTP status, its problem code, and the request field
// the problem is about when the API names one (problem+json `field`).
export class ApiError extends Error {
  // spaceId: the space a not_space_member refusal is about, when the reader may know it.
  constructor(public status: number, public code: string, public field?: string, public entries?: ProblemEntry[], public valid?: number, public spaceId?: string) {
    super(code);
  }
}

// ProblemEntry is a wrong element of a list the API names (problem+json `invalid`): its
// position in the list sent (from 1), the element as sent, and why (a problem code).
export interface ProblemEntry {
  line: number;
  value: string;
  code: string;
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
    let field: string | undefined;
    let entries: ProblemEntry[] | undefined;
    let valid: number | undefined;
    let spaceId: string | undefined;
    try {
      const problem = await resp.json();
      code = problem.code ?? code;
      if (typeof problem.field === 'string') field = problem.field;
      if (Array.isArray(problem.invalid)) entries = problem.invalid;
      if (typeof problem.valid === 'number') valid = problem.valid;
      if (typeof problem.spaceId === 'string') spaceId = problem.spaceId;
    } catch {
      /* not a problem document */
    }
    throw new ApiError(resp.status, code, field, entries, valid, spaceId);
  }
  return resp.status === 204 ? (undefined as T) : ((await resp.json()) as T);
}

export const api = {
  providers: () => call<{ providers: Provider[] }>('GET', '/api/auth/providers'),
  me: () => call<Member>('GET', '/api/me'),
  startEmail: (email: string, locale: string, invitation?: string) =>
    call<{ status: string }>('POST', '/api/auth/email/start', { email, locale, ...(invitation ? { invitation } : {}) }),
  describeLink: (token: string) => call<LinkInfo>('POST', '/api/auth/email/link', { token }),
  confirmLink: (token: string, switchAccount: boolean) => call<SignedIn>('POST', '/api/auth/email/confirm', { token, switchAccount }),
  startSocial: (provider: string, start: { return: string; locale: string; invitation?: string }) =>
    call<{ redirect: string }>('POST', `/api/auth/oidc/${encodeURIComponent(provider)}/start`, start),
  logout: () => call<void>('POST', '/api/auth/logout'),
  sessions: () => call<{ sessions: Session[] }>('GET', '/api/me/sessions'),
  revokeSession: (id: string) => call<void>('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`),
  signOutEverywhere: () => call<void>('POST', '/api/me/sessions/revoke-all'),
  community: () => call<Settings>('GET', '/api/community'),
  saveAccess: (s: Settings) => call<Settings>('PUT', '/api/community/access', s),
  invitation: (code: string) => call<InvitationPublic>('GET', `/api/invitations/code/${encodeURIComponent(code)}`),
  inviteFriend: (email: string, message: string, locale: string) => call<Invitation>('POST', '/api/invitations/friend', { email, message, locale }),
  // skipInvalid: the inviter confirmed sending to the valid addresses only (a first
  // answer, invalid_emails, named the entries that are not addresses).
  inviteBulk: (emails: string[], roles: string[], message: string, validDays: number, locale: string, skipInvalid = false) =>
    call<{ invitations: Invitation[]; alreadyInvited?: Invitation[]; skipped?: ProblemEntry[] }>('POST', '/api/invitations', {
      emails, roles, message, validDays, locale, ...(skipInvalid ? { skipInvalid } : {}),
    }),
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
  createSpace: (name: string, visibility: string, description: string, kind?: string, icon?: string) =>
    call<Space>('POST', '/api/spaces', { name, visibility, description, ...(kind ? { kind } : {}), ...(icon ? { icon } : {}) }),
  space: (id: string) =>
    call<{ space: Space; membership?: SpaceMembership; canPost: boolean; canModerate: boolean; canAdmit: boolean; canChangeSettings: boolean }>(
      'GET',
      `/api/spaces/${encodeURIComponent(id)}`,
    ),
  changeSpaceSettings: (id: string, visibility: string, kind: string) =>
    call<Space>('PUT', `/api/spaces/${encodeURIComponent(id)}/settings`, { visibility, kind }),
  spaceDirectory: () => call<{ spaces: Space[]; next?: string }>('GET', '/api/spaces'),
  // The customer spaces support agents run (they belong to none; the directory lists none).
  customerSpaces: () => call<{ spaces: Space[]; next?: string }>('GET', '/api/support/spaces'),
  spaceMembers: (id: string) => call<{ memberships: SpaceMembership[] }>('GET', `/api/spaces/${encodeURIComponent(id)}/members`),
  spaceRequests: (id: string) => call<{ memberships: SpaceMembership[] }>('GET', `/api/spaces/${encodeURIComponent(id)}/requests`),
  approve: (id: string, member: string) =>
    call<SpaceMembership>('POST', `/api/spaces/${encodeURIComponent(id)}/requests/${encodeURIComponent(member)}/approve`),
  declineRequest: (id: string, member: string) =>
    call<SpaceMembership>('POST', `/api/spaces/${encodeURIComponent(id)}/requests/${encodeURIComponent(member)}/decline`),
  inviteToSpace: (id: string, memberId: string) => call<SpaceMembership>('POST', `/api/spaces/${encodeURIComponent(id)}/invitations`, { memberId }),
  setSpaceRole: (id: string, member: string, role: string) =>
    call<SpaceMembership>('PUT', `/api/spaces/${encodeURIComponent(id)}/members/${encodeURIComponent(member)}/role`, { role }),
  spaceSettings: () => call<{ membersCreateGroups: boolean }>('GET', '/api/community/spaces'),
  saveSpaceSettings: (membersCreateGroups: boolean) => call<{ membersCreateGroups: boolean }>('PUT', '/api/community/spaces', { membersCreateGroups }),
  saveRules: (text: string) => call<Rules>('PUT', '/api/community/rules', { text }),
  joinSpace: (id: string) => call<SpaceMembership>('POST', `/api/spaces/${encodeURIComponent(id)}/join`),
  leaveSpace: (id: string) => call<void>('POST', `/api/spaces/${encodeURIComponent(id)}/leave`),
  createPost: (spaceId: string, p: NewPost) => call<Post>('POST', `/api/spaces/${encodeURIComponent(spaceId)}/posts`, p),
  spaceList: (id: string, list: 'posts' | 'unanswered' | 'ideas', cursor?: string) =>
    call<Page>('GET', `/api/spaces/${encodeURIComponent(id)}/${list}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
  memberPosts: (id: string, cursor?: string) =>
    call<Page>('GET', `/api/members/${encodeURIComponent(id)}/posts${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
  postAction: (id: string, action: string, body?: unknown) => call<Post>('POST', `/api/posts/${encodeURIComponent(id)}/${action}`, body),
  editPost: (id: string, title: string, body: string) => call<Post>('PATCH', `/api/posts/${encodeURIComponent(id)}`, { title, body }),
  postHistory: (id: string) => call<{ revisions: Revision[] }>('GET', `/api/posts/${encodeURIComponent(id)}/history`),
  mentionable: (spaceId: string, q: string) =>
    call<{ members: MentionChoice[] }>('GET', `/api/spaces/${encodeURIComponent(spaceId)}/mentionable?q=${encodeURIComponent(q)}`),
  deletePost: (id: string) => call<void>('DELETE', `/api/posts/${encodeURIComponent(id)}`),
  react: (id: string, reaction: string, add: boolean) =>
    call<Post>(add ? 'PUT' : 'DELETE', `/api/posts/${encodeURIComponent(id)}/reactions/${encodeURIComponent(reaction)}`),
  report: (id: string, reason: string, note: string, commentId?: string) =>
    call<unknown>('POST', `/api/posts/${encodeURIComponent(id)}/report`, { reason, note, ...(commentId ? { commentId } : {}) }),
  reactComment: (postId: string, commentId: string, reaction: string, add: boolean) =>
    call<{ comments: Comment[] }>(
      add ? 'PUT' : 'DELETE',
      `/api/posts/${encodeURIComponent(postId)}/comments/${encodeURIComponent(commentId)}/reactions/${encodeURIComponent(reaction)}`,
    ),
  commentAction: (postId: string, commentId: string, action: 'hide' | 'restore', reason?: string) =>
    call<void>('POST', `/api/posts/${encodeURIComponent(postId)}/comments/${encodeURIComponent(commentId)}/${action}`, reason === undefined ? {} : { reason }),
  editComment: (postId: string, commentId: string, body: string) =>
    call<Comment>('PATCH', `/api/posts/${encodeURIComponent(postId)}/comments/${encodeURIComponent(commentId)}`, { body }),
  commentHistory: (postId: string, commentId: string) =>
    call<{ revisions: Revision[] }>('GET', `/api/posts/${encodeURIComponent(postId)}/comments/${encodeURIComponent(commentId)}/history`),
  deleteComment: (postId: string, commentId: string) =>
    call<void>('DELETE', `/api/posts/${encodeURIComponent(postId)}/comments/${encodeURIComponent(commentId)}`),
  // An image belongs to the space it is uploaded for: only that space's texts show it.
  imageUpload: (spaceId: string, contentType: string, size: number) =>
    call<{ uploadUrl: string; contentType: string; url: string }>('POST', '/api/uploads/images', { spaceId, contentType, size }),
  spaceTickets: (spaceId: string) => call<{ tickets: TicketSummary[] }>('GET', `/api/spaces/${encodeURIComponent(spaceId)}/tickets`),
  openTicket: (spaceId: string, t: { subject: string; product: string; severity: string; body: string; attachments: Attachment[] }) =>
    call<Ticket>('POST', `/api/spaces/${encodeURIComponent(spaceId)}/tickets`, t),
  ticket: (id: string) => call<TicketView>('GET', `/api/tickets/${encodeURIComponent(id)}`),
  ticketReply: (id: string, body: string, internal: boolean, attachments: Attachment[], status?: string) =>
    call<TicketView>('POST', `/api/tickets/${encodeURIComponent(id)}/replies`, { body, internal, attachments, ...(status ? { status } : {}) }),
  ticketStatus: (id: string, status: string) => call<TicketView>('POST', `/api/tickets/${encodeURIComponent(id)}/status`, { status }),
  ticketAssign: (id: string, assigneeId: string) => call<TicketView>('POST', `/api/tickets/${encodeURIComponent(id)}/assign`, { assigneeId }),
  ticketRate: (id: string, good: boolean, comment: string) => call<TicketView>('POST', `/api/tickets/${encodeURIComponent(id)}/rating`, { good, comment }),
  attachmentUpload: (name: string, contentType: string, size: number) =>
    call<{ uploadUrl: string; attachment: Attachment }>('POST', '/api/uploads/attachments', { name, contentType, size }),
  supportQueue: (f: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
    return call<{ tickets: TicketSummary[]; next?: string }>('GET', `/api/support/queue?${params}`);
  },
  supportAgents: () => call<{ agents: { id: string; name: string }[] }>('GET', '/api/support/agents'),
  supportSettings: () => call<SupportSettings>('GET', '/api/support/settings'),
  saveSupportSettings: (st: SupportSettings) => call<SupportSettings>('PUT', '/api/support/settings', st),
  supportMetrics: (days: number) =>
    call<{
      days: { day: string; opened: number; solved: number }[];
      firstResponse: { count: number; medianSeconds: number; p90Seconds: number };
      resolution: { count: number; medianSeconds: number; p90Seconds: number };
      rated: number;
      satisfaction: number;
    }>('GET', `/api/support/metrics?days=${days}`),
  questionToTicket: (postId: string, spaceId: string, product: string, severity: string) =>
    call<Ticket>('POST', `/api/posts/${encodeURIComponent(postId)}/ticket`, { spaceId, product, severity }),
  savePreferences: (activityEmails: boolean) => call<Member>('PUT', '/api/me/preferences', { activityEmails }),
  queue: () => call<{ items: QueueItem[]; next?: string }>('GET', '/api/moderation/queue'),
  dismiss: (targetId: string) => call<void>('POST', `/api/moderation/queue/${encodeURIComponent(targetId)}/dismiss`, {}),
  warn: (memberId: string, message: string, postId?: string) => call<void>('POST', '/api/moderation/warnings', { memberId, message, postId }),
  audit: () => call<{ entries: AuditEntry[]; next?: string }>('GET', '/api/moderation/audit'),
  notifications: () => call<{ items: Notification[]; unread: number }>('GET', '/api/notifications'),
  markRead: () => call<void>('POST', '/api/notifications/read'),
  rules: () => call<Rules>('GET', '/api/community/rules'),
  acceptRules: (version: number) => call<void>('POST', '/api/me/rules', { version }),
  post: (id: string) => call<Post>('GET', `/api/posts/${encodeURIComponent(id)}`),
  comments: (id: string) => call<{ comments: Comment[] }>('GET', `/api/posts/${encodeURIComponent(id)}/comments`),
  addComment: (id: string, body: string, parentId?: string) =>
    call<Comment>('POST', `/api/posts/${encodeURIComponent(id)}/comments`, parentId ? { body, parentId } : { body }),
  acceptAnswer: (id: string, commentId: string) =>
    call<Post>('POST', `/api/posts/${encodeURIComponent(id)}/comments/${encodeURIComponent(commentId)}/accept`),
  stream: (cursor?: string) => call<Page>('GET', `/api/stream${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
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
