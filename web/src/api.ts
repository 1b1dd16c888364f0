// The API client: same origin, JSON in, problem+json errors out. Every type of a request
// or an answer comes from api.gen.ts, which `make web` generates from the API's OpenAPI
// document (GET /api/openapi.json, built from the Go route table): a call names its
// route ('get', '/api/spaces/{id}') and gets that route's body and answer types, so a
// route added in Go needs no type written here (docs/api.md, "Web types").
import type { components, operations, paths } from './api.gen';

type Schemas = components['schemas'];

// The names the app uses for the API's types (schemas of the OpenAPI document).
export type Profile = Schemas['Profile'];
// Me is the signed-in member as GET /api/me answers: the member and the actions the
// community's permission table allows them (policy.Action).
export type Me = Schemas['Me'];
export type Action = Schemas['Action'];
// May answers whether the signed-in member is allowed an action (false for visitors).
export type May = (a: Action) => boolean;
export type Member = Schemas['Member'];
export type PublicProfile = Schemas['PublicProfile'];
export type DirectoryEntry = Schemas['DirectoryEntry'];
export type StaffFields = Schemas['StaffFields'];
export type Provider = Schemas['ProviderView'];
// LinkInfo is what a sign-in link would do, before it is spent.
export type LinkInfo = Schemas['LinkInfo'];
export type SignedIn = Schemas['SignedIn'];
export type Session = Schemas['SessionView'];
export type Invitation = Schemas['Invitation'];
export type InvitationPublic = Schemas['Public'];
export type Settings = Schemas['members.Settings'];
export type Space = Schemas['Space'];
export type SpaceMembership = Schemas['Membership'];
export type PostKind = Schemas['NewPost']['kind'];
export type PostSummary = Schemas['posts.Summary'];
export type Page = Schemas['posts.Page'];
export type Post = Schemas['Post'];
export type NewPost = Schemas['NewPost'];
export type Comment = Schemas['Comment'];
export type MoveTarget = Schemas['MoveTarget'];
// MentionChoice is a member the @ list offers (GET /api/spaces/{id}/mentionable).
export type MentionChoice = Schemas['MentionChoice'];
export type Revision = Schemas['Revision'];
export type QueueItem = Schemas['QueueItem'];
export type ReportNote = Schemas['ReportNote'];
export type AuditEntry = Schemas['audit.Entry'];
// Notification is one inbox entry (docs/api.md, "GET /api/notifications").
export type Notification = Schemas['Notification'];
export type Rules = Schemas['Rules'];
export type Attachment = Schemas['Attachment'];
export type TicketSummary = Schemas['tickets.Summary'];
export type Ticket = Schemas['Ticket'];
export type TicketReply = Schemas['Reply'];
export type TicketView = Schemas['View'];
export type SupportSettings = Schemas['tickets.Settings'];
// Rewards: catalogue, redemptions, orders (issue 12, r3).
export type Gift = Schemas['Gift'];
export type GiftInput = Schemas['GiftInput'];
export type Order = Schemas['Order'];
export type OrderStatusRequest = Schemas['OrderStatusRequest'];
export type ShippingAddress = Schemas['Address'];
export type CatalogueSettings = Schemas['CatalogueSettings'];
// ProblemEntry is a wrong element of a list the API names (problem+json `invalid`): its
// position in the list sent (from 1), the element as sent, and why (a problem code).
export type ProblemEntry = Schemas['errs.Entry'];
// ProblemField is one wrong field of a form checked whole (problem+json `fields`).
export type ProblemField = { field: string; code: string; detail: string };

// ApiError is a failed call: its HTTP status, its problem code, and the request field
// the problem is about when the API names one (problem+json `field`).
export class ApiError extends Error {
  // spaceId: the space a not_space_member refusal is about, when the reader may know it.
  // fields: every wrong field of a form the API checks whole (the campaign editor).
  constructor(public status: number, public code: string, public field?: string, public entries?: ProblemEntry[], public valid?: number, public spaceId?: string, public fields?: ProblemField[]) {
    super(code);
  }
}

// The typing of a call, read from the generated paths: Method is an HTTP method of the
// document, Route<M> every path that has it, Op the operation.
type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
type Route<M extends Method> = { [P in keyof paths]: paths[P][M] extends operations[keyof operations] ? P : never }[keyof paths];
type Op<M extends Method, P extends Route<M>> = paths[P][M] extends infer O extends operations[keyof operations] ? O : never;
type JSONOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
// Answer is the JSON of the route's success (200, 201 or 202), or void (204, a redirect).
type Answer<O> = O extends { responses: infer R }
  ? [JSONOf<R[Extract<keyof R, 200 | 201 | 202>]>] extends [never]
    ? void
    : JSONOf<R[Extract<keyof R, 200 | 201 | 202>]>
  : never;
type Body<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : undefined;
type PathOf<O> = O extends { parameters: { path: infer T } } ? T : undefined;
type QueryOf<O> = O extends { parameters: { query?: infer T } } ? ([T] extends [undefined] ? undefined : T) : undefined;
// Args are what a call sends besides its method and route: path parameters, query
// parameters (unset and empty ones left out) and the JSON body, each where the route has them.
// keepalive: the request outlives the page that sends it (a click counted just before
// the navigation it precedes).
type Args<O> = { path?: PathOf<O>; query?: QueryOf<O>; body?: Body<O>; keepalive?: boolean };

// url fills a route's {parameters} (encoded) and appends its query.
function url(route: string, path?: Record<string, string>, query?: Record<string, string | undefined>): string {
  let out = route.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(path?.[name] ?? ''));
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) params.set(k, v);
  const q = params.toString();
  if (q) out += `?${q}`;
  return out;
}

// call sends a request to one of the document's routes and returns that route's answer
// (the modules of the later domains call it too: search-api.ts).
export async function call<M extends Method, P extends Route<M>>(method: M, route: P, args: Args<Op<M, P>> = {}): Promise<Answer<Op<M, P>>> {
  const body = args.body;
  let resp: Response;
  try {
    resp = await fetch(url(route, args.path as Record<string, string> | undefined, args.query as Record<string, string | undefined> | undefined), {
      method: method.toUpperCase(),
      credentials: 'same-origin',
      keepalive: args.keepalive,
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
    let fields: ProblemField[] | undefined;
    try {
      const problem: Partial<Schemas['Problem']> = await resp.json();
      code = problem.code ?? code;
      if (typeof problem.field === 'string') field = problem.field;
      if (Array.isArray(problem.invalid)) entries = problem.invalid;
      if (typeof problem.valid === 'number') valid = problem.valid;
      if (typeof problem.spaceId === 'string') spaceId = problem.spaceId;
      if (Array.isArray(problem.fields)) fields = problem.fields as ProblemField[];
    } catch {
      /* not a problem document */
    }
    throw new ApiError(resp.status, code, field, entries, valid, spaceId, fields);
  }
  return resp.status === 204 ? (undefined as Answer<Op<M, P>>) : ((await resp.json()) as Answer<Op<M, P>>);
}

// The post actions that answer the post (POST /api/posts/{id}/<action>).
type PostAction = 'hide' | 'restore' | 'lock' | 'unlock' | 'vote' | 'status' | 'move';

export const api = {
  providers: () => call('get', '/api/auth/providers'),
  me: () => call('get', '/api/me'),
  startEmail: (email: string, locale: string, invitation?: string) =>
    call('post', '/api/auth/email/start', { body: { email, locale, ...(invitation ? { invitation } : {}) } }),
  describeLink: (token: string) => call('post', '/api/auth/email/link', { body: { token } }),
  confirmLink: (token: string, switchAccount: boolean) => call('post', '/api/auth/email/confirm', { body: { token, switchAccount } }),
  startSocial: (provider: string, start: { return: string; locale: string; invitation?: string }) =>
    call('post', '/api/auth/oidc/{provider}/start', { path: { provider }, body: start }),
  logout: () => call('post', '/api/auth/logout'),
  sessions: () => call('get', '/api/me/sessions'),
  revokeSession: (id: string) => call('delete', '/api/me/sessions/{id}', { path: { id } }),
  signOutEverywhere: () => call('post', '/api/me/sessions/revoke-all'),
  community: () => call('get', '/api/community'),
  saveAccess: (s: Settings) => call('put', '/api/community/access', { body: s }),
  invitation: (code: string) => call('get', '/api/invitations/code/{code}', { path: { code } }),
  inviteFriend: (email: string, message: string, locale: string) => call('post', '/api/invitations/friend', { body: { email, message, locale } }),
  // skipInvalid: the inviter confirmed sending to the valid addresses only (a first
  // answer, invalid_emails, named the entries that are not addresses).
  inviteBulk: (emails: string[], roles: string[], message: string, validDays: number, locale: string, skipInvalid = false) =>
    call('post', '/api/invitations', { body: { emails, roles, message, validDays, locale, ...(skipInvalid ? { skipInvalid } : {}) } }),
  createLink: (maxUses: number, validDays: number, roles: string[]) => call('post', '/api/invitations/links', { body: { maxUses, validDays, roles } }),
  pending: () => call('get', '/api/invitations'),
  revokeInvitation: (id: string) => call('post', '/api/invitations/{id}/revoke', { path: { id } }),
  resendInvitation: (id: string) => call('post', '/api/invitations/{id}/resend', { path: { id } }),
  saveProfile: (p: Profile) => call('put', '/api/me/profile', { body: p }),
  profile: (id: string) => call('get', '/api/members/{id}', { path: { id } }),
  directory: (q: { q?: string; tag?: string; cursor?: string }) => call('get', '/api/members', { query: q }),
  staff: (id: string) => call('get', '/api/members/{id}/staff', { path: { id } }),
  saveStaff: (id: string, f: StaffFields) => call('put', '/api/members/{id}/staff', { path: { id }, body: f }),
  setRoles: (id: string, roles: string[]) => call('put', '/api/members/{id}/roles', { path: { id }, body: { roles } }),
  moderate: (id: string, action: 'suspend' | 'ban' | 'reinstate', days?: number) =>
    action === 'reinstate'
      ? call('post', '/api/members/{id}/reinstate', { path: { id } })
      : call('post', `/api/members/{id}/${action}`, { path: { id }, body: { days, reason: '' } }),
  avatarUpload: (contentType: string, size: number) => call('post', '/api/me/avatar/upload', { body: { contentType, size } }),
  confirmAvatar: (key: string) => call('put', '/api/me/avatar', { body: { key } }),
  exportUrl: '/api/me/export',
  mySpaces: () => call('get', '/api/spaces/mine'),
  createSpace: (name: string, visibility: string, description: string, kind?: string, icon?: string) =>
    call('post', '/api/spaces', { body: { name, visibility, description, ...(kind ? { kind } : {}), ...(icon ? { icon } : {}) } }),
  space: (id: string) => call('get', '/api/spaces/{id}', { path: { id } }),
  changeSpaceSettings: (id: string, visibility: string, kind: string) => call('put', '/api/spaces/{id}/settings', { path: { id }, body: { visibility, kind } }),
  spaceDirectory: () => call('get', '/api/spaces'),
  // The customer spaces support agents run (they belong to none; the directory lists none).
  customerSpaces: () => call('get', '/api/support/spaces'),
  spaceMembers: (id: string) => call('get', '/api/spaces/{id}/members', { path: { id } }),
  spaceRequests: (id: string) => call('get', '/api/spaces/{id}/requests', { path: { id } }),
  approve: (id: string, member: string) => call('post', '/api/spaces/{id}/requests/{member}/approve', { path: { id, member } }),
  declineRequest: (id: string, member: string) => call('post', '/api/spaces/{id}/requests/{member}/decline', { path: { id, member } }),
  inviteToSpace: (id: string, memberId: string) => call('post', '/api/spaces/{id}/invitations', { path: { id }, body: { memberId } }),
  setSpaceRole: (id: string, member: string, role: string) => call('put', '/api/spaces/{id}/members/{member}/role', { path: { id, member }, body: { role } }),
  spaceSettings: () => call('get', '/api/community/spaces'),
  saveSpaceSettings: (membersCreateGroups: boolean) => call('put', '/api/community/spaces', { body: { membersCreateGroups } }),
  saveRules: (text: string) => call('put', '/api/community/rules', { body: { text } }),
  joinSpace: (id: string) => call('post', '/api/spaces/{id}/join', { path: { id } }),
  leaveSpace: (id: string) => call('post', '/api/spaces/{id}/leave', { path: { id } }),
  createPost: (spaceId: string, p: NewPost) => call('post', '/api/spaces/{id}/posts', { path: { id: spaceId }, body: p }),
  spaceList: (id: string, list: 'posts' | 'unanswered' | 'ideas', cursor?: string) => call('get', `/api/spaces/{id}/${list}`, { path: { id }, query: { cursor } }),
  memberPosts: (id: string, cursor?: string) => call('get', '/api/members/{id}/posts', { path: { id }, query: { cursor } }),
  postAction: <A extends PostAction>(id: string, action: A, body: Body<Op<'post', `/api/posts/{id}/${A}`>>) =>
    call('post', `/api/posts/{id}/${action}` as `/api/posts/{id}/${A}`, { path: { id }, body } as Args<Op<'post', `/api/posts/{id}/${A}`>>) as Promise<Post>,
  editPost: (id: string, title: string, body: string) => call('patch', '/api/posts/{id}', { path: { id }, body: { title, body } }),
  postHistory: (id: string) => call('get', '/api/posts/{id}/history', { path: { id } }),
  mentionable: (spaceId: string, q: string) => call('get', '/api/spaces/{id}/mentionable', { path: { id: spaceId }, query: { q } }),
  deletePost: (id: string) => call('delete', '/api/posts/{id}', { path: { id } }),
  react: (id: string, reaction: string, add: boolean) => call(add ? 'put' : 'delete', '/api/posts/{id}/reactions/{reaction}', { path: { id, reaction } }),
  report: (id: string, reason: string, note: string, commentId?: string) =>
    call('post', '/api/posts/{id}/report', { path: { id }, body: { reason, note, ...(commentId ? { commentId } : {}) } }),
  reactComment: (postId: string, commentId: string, reaction: string, add: boolean) =>
    call(add ? 'put' : 'delete', '/api/posts/{id}/comments/{comment}/reactions/{reaction}', { path: { id: postId, comment: commentId, reaction } }),
  commentAction: (postId: string, commentId: string, action: 'hide' | 'restore', reason?: string) =>
    call('post', `/api/posts/{id}/comments/{comment}/${action}`, { path: { id: postId, comment: commentId }, body: reason === undefined ? {} : { reason } }),
  editComment: (postId: string, commentId: string, body: string) =>
    call('patch', '/api/posts/{id}/comments/{comment}', { path: { id: postId, comment: commentId }, body: { body } }),
  commentHistory: (postId: string, commentId: string) => call('get', '/api/posts/{id}/comments/{comment}/history', { path: { id: postId, comment: commentId } }),
  deleteComment: (postId: string, commentId: string) => call('delete', '/api/posts/{id}/comments/{comment}', { path: { id: postId, comment: commentId } }),
  // An image belongs to the space it is uploaded for: only that space's texts show it.
  imageUpload: (spaceId: string, contentType: string, size: number) => call('post', '/api/uploads/images', { body: { spaceId, contentType, size } }),
  spaceTickets: (spaceId: string) => call('get', '/api/spaces/{id}/tickets', { path: { id: spaceId } }),
  openTicket: (spaceId: string, t: { subject: string; product: string; severity: string; body: string; attachments: Attachment[] }) =>
    call('post', '/api/spaces/{id}/tickets', { path: { id: spaceId }, body: t }),
  ticket: (id: string) => call('get', '/api/tickets/{id}', { path: { id } }),
  ticketReply: (id: string, body: string, internal: boolean, attachments: Attachment[], status?: string) =>
    call('post', '/api/tickets/{id}/replies', { path: { id }, body: { body, internal, attachments, ...(status ? { status } : {}) } }),
  ticketStatus: (id: string, status: string) => call('post', '/api/tickets/{id}/status', { path: { id }, body: { status } }),
  ticketAssign: (id: string, assigneeId: string) => call('post', '/api/tickets/{id}/assign', { path: { id }, body: { assigneeId } }),
  ticketRate: (id: string, good: boolean, comment: string) => call('post', '/api/tickets/{id}/rating', { path: { id }, body: { good, comment } }),
  attachmentUpload: (name: string, contentType: string, size: number) => call('post', '/api/uploads/attachments', { body: { name, contentType, size } }),
  supportQueue: (f: Record<string, string>) => call('get', '/api/support/queue', { query: f }),
  supportAgents: () => call('get', '/api/support/agents'),
  supportSettings: () => call('get', '/api/support/settings'),
  saveSupportSettings: (st: SupportSettings) => call('put', '/api/support/settings', { body: st }),
  supportMetrics: (days: number) => call('get', '/api/support/metrics', { query: { days: String(days) } }),
  questionToTicket: (postId: string, spaceId: string, product: string, severity: string) =>
    call('post', '/api/posts/{id}/ticket', { path: { id: postId }, body: { spaceId, product, severity } }),
  savePreferences: (activityEmails: boolean) => call('put', '/api/me/preferences', { body: { activityEmails } }),
  queue: () => call('get', '/api/moderation/queue'),
  dismiss: (targetId: string) => call('post', '/api/moderation/queue/{target}/dismiss', { path: { target: targetId }, body: {} }),
  warn: (memberId: string, message: string, postId?: string) => call('post', '/api/moderation/warnings', { body: { memberId, message, postId } }),
  audit: () => call('get', '/api/moderation/audit'),
  notifications: () => call('get', '/api/notifications'),
  markRead: () => call('post', '/api/notifications/read'),
  rules: () => call('get', '/api/community/rules'),
  acceptRules: (version: number) => call('post', '/api/me/rules', { body: { version } }),
  post: (id: string) => call('get', '/api/posts/{id}', { path: { id } }),
  // All of a post's comments, or (cursor: a post page's next) the page after it.
  comments: (id: string, cursor?: string) => call('get', '/api/posts/{id}/comments', { path: { id }, query: { cursor } }),
  // The spaces the reader may move a post to (each one the move accepts).
  moveTargets: (id: string) => call('get', '/api/posts/{id}/move-targets', { path: { id } }),
  // The post page in one request (3 DynamoDB calls): the post and its first 100 comments.
  postPage: (id: string) => call('get', '/api/posts/{id}/page', { path: { id } }),
  addComment: (id: string, body: string, parentId?: string) => call('post', '/api/posts/{id}/comments', { path: { id }, body: parentId ? { body, parentId } : { body } }),
  acceptAnswer: (id: string, commentId: string) => call('post', '/api/posts/{id}/comments/{comment}/accept', { path: { id, comment: commentId } }),
  stream: (cursor?: string) => call('get', '/api/stream', { query: { cursor } }),
  deleteAccount: () => call('post', '/api/me/delete', { body: { confirm: true } }),

  // Rewards: catalogue, redemptions, orders (issue 12, r3).
  gifts: (all: boolean, cursor?: string) => call('get', '/api/rewards/gifts', { query: { all: all ? 'true' : undefined, cursor } }),
  campaignGifts: (campaign: string) => call('get', '/api/rewards/gifts', { query: { campaign } }),
  createGift: (g: GiftInput) => call('post', '/api/rewards/gifts', { body: g }),
  editGift: (id: string, g: GiftInput) => call('put', '/api/rewards/gifts/{id}', { path: { id }, body: g }),
  addStock: (id: string, variantId: string, add: number) => call('post', '/api/rewards/gifts/{id}/stock', { path: { id }, body: { variantId, add } }),
  // key: made once per intent to redeem; a retry sends the same key and gets the same order.
  redeem: (id: string, variantId: string, key: string, address?: ShippingAddress) =>
    call('post', '/api/rewards/gifts/{id}/redeem', { path: { id }, body: address ? { variantId, key, address } : { variantId, key } }),
  myOrders: (cursor?: string) => call('get', '/api/rewards/orders/mine', { query: { cursor } }),
  order: (id: string) => call('get', '/api/rewards/orders/{id}', { path: { id } }),
  cancelOrder: (id: string, reason: string) => call('post', '/api/rewards/orders/{id}/cancel', { path: { id }, body: reason ? { reason } : {} }),
  orders: (status: string, cursor?: string) => call('get', '/api/rewards/orders', { query: { status, cursor } }),
  moveOrder: (id: string, req: OrderStatusRequest) => call('post', '/api/rewards/orders/{id}/status', { path: { id }, body: req }),
  ordersToShipUrl: '/api/rewards/orders-to-ship.csv',
  catalogueSettings: () => call('get', '/api/rewards/catalogue/settings'),
  saveCatalogueSettings: (addressDays: number) => call('put', '/api/rewards/catalogue/settings', { body: { addressDays } }),
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

// ---- Campaigns (issue 12, r2): members read, join, send proofs and apply for trials;
// marketers and admins (campaigns.manage) edit, schedule, review and read the report.
export type Campaign = Schemas['Campaign'];
export type CampaignInput = Schemas['CampaignInput'];
export type ChallengeInput = Schemas['ChallengeInput'];
export type CampaignSummary = Schemas['rewards.Summary'];
export type CampaignView = Schemas['CampaignView'];
export type Submission = Schemas['Submission'];
export type TrialApplication = Schemas['Application'];
export type CampaignReport = Schemas['CampaignReport'];

export const campaignsApi = {
  live: () => call('get', '/api/campaigns'),
  all: (cursor?: string) => call('get', '/api/campaigns/manage', { query: { cursor } }),
  get: (id: string) => call('get', '/api/campaigns/{id}', { path: { id } }),
  create: (c: CampaignInput) => call('post', '/api/campaigns', { body: c }),
  update: (id: string, c: CampaignInput) => call('put', '/api/campaigns/{id}', { path: { id }, body: c }),
  move: (id: string, action: string) => call('post', '/api/campaigns/{id}/state', { path: { id }, body: { action } }),
  join: (id: string) => call('post', '/api/campaigns/{id}/join', { path: { id } }),
  seen: (id: string) => call('post', '/api/campaigns/{id}/seen', { path: { id } }),
  submit: (id: string, challengeId: string, url: string, text: string, screenshotKey?: string) =>
    call('post', '/api/campaigns/{id}/submissions', { path: { id }, body: { challengeId, url, text, ...(screenshotKey ? { screenshotKey } : {}) } }),
  resubmit: (id: string, url: string, text: string, screenshotKey?: string) =>
    call('put', '/api/submissions/{id}', { path: { id }, body: { challengeId: '', url, text, ...(screenshotKey ? { screenshotKey } : {}) } }),
  // upload asks where to PUT a campaign image or a proof screenshot, and PUTs the file.
  upload: async (purpose: 'campaign_image' | 'proof_screenshot', file: File) => {
    const up = await call('post', '/api/uploads/rewards', { body: { purpose, contentType: file.type, size: file.size } });
    await uploadFile(up.uploadUrl, file, file.type);
    return up.key;
  },
  queue: (id: string) => call('get', '/api/campaigns/{id}/review', { path: { id } }),
  review: (id: string, decision: string, reason: string) => call('post', '/api/submissions/{id}/review', { path: { id }, body: { decision, reason } }),
  apply: (id: string, motivation: string) => call('post', '/api/campaigns/{id}/trial', { path: { id }, body: { motivation } }),
  applications: (id: string) => call('get', '/api/campaigns/{id}/trial/applications', { path: { id } }),
  decide: (id: string, memberId: string, approve: boolean, reason: string) =>
    call('post', '/api/campaigns/{id}/trial/decisions', { path: { id }, body: { memberId, approve, reason } }),
  report: (id: string) => call('get', '/api/campaigns/{id}/report', { path: { id } }),
};

// ---- rewards: points, ranks, badges, leaderboard (r1) ----
export type MyRewards = Schemas['MyRewards'];
export type MemberRewards = Schemas['MemberRewards'];
export type RewardSettings = Schemas['rewards.Settings'];
export type LedgerEntry = Schemas['rewards.Entry'];
export type Leaderboard = Schemas['Leaderboard'];
export type HowToEarn = Schemas['HowToEarn'];
export type Rank = Schemas['Rank'];
export type ReverseRequest = Schemas['ReverseRequest'];
export const pointsApi = {
  mine: () => call('get', '/api/rewards/me'),
  history: (cursor?: string) => call('get', '/api/rewards/me/history', { query: { cursor } }),
  optOut: (optOut: boolean) => call('put', '/api/rewards/me/leaderboard', { body: { optOut } }),
  earn: () => call('get', '/api/rewards/earn'),
  board: (period: string, space?: string) => call('get', '/api/rewards/leaderboard', { query: { period, space } }),
  ranks: (ids: string[]) => call('get', '/api/rewards/ranks', { query: { ids: ids.join(',') } }),
  member: (id: string) => call('get', '/api/rewards/members/{id}', { path: { id } }),
  settings: () => call('get', '/api/rewards/settings'),
  saveSettings: (st: RewardSettings) => call('put', '/api/rewards/settings', { body: st }),
  memberHistory: (id: string, cursor?: string) => call('get', '/api/rewards/members/{id}/history', { path: { id }, query: { cursor } }),
  reverse: (id: string, req: ReverseRequest) => call('post', '/api/rewards/members/{id}/reversals', { path: { id }, body: req }),
  grant: (id: string, badge: 'super_user' | 'expert') => call('post', '/api/rewards/members/{id}/badges', { path: { id }, body: { badge } }),
};

// ---- newsletters: audience and consent (issue 13, n2) ----
export type Segment = Schemas['Segment'];
export type NewsletterList = Schemas['AudienceCountRequest']['list'];
export type Consent = Schemas['Consent'];
export type NewsletterPreferences = Schemas['newsletters.Preferences'];
export type ListSettings = Schemas['ListSettings'];
export type Suppression = Schemas['Suppression'];
export type UnsubscribeInfo = Schemas['UnsubscribeInfo'];
export const newsletterLists: NewsletterList[] = ['digest', 'product', 'events'];
export const audienceApi = {
  count: (list: NewsletterList, segment: Segment) => call('post', '/api/newsletters/audience/count', { body: { list, segment } }),
  preferences: () => call('get', '/api/me/newsletters'),
  savePreferences: (lists: Partial<Record<NewsletterList, boolean>>) => call('put', '/api/me/newsletters', { body: { lists } }),
  lists: () => call('get', '/api/newsletters/lists'),
  saveLists: (defaults: Record<NewsletterList, boolean>) => call('put', '/api/newsletters/lists', { body: { defaults } }),
  describeUnsubscribe: (t: string) => call('get', '/api/newsletters/unsubscribe', { query: { t } }),
  unsubscribe: (t: string) => call('post', '/api/newsletters/unsubscribe', { query: { t }, body: {} }),
  suppressions: (cursor?: string) => call('get', '/api/newsletters/suppressions', { query: { cursor } }),
  unsuppress: (email: string) => call('delete', '/api/newsletters/suppressions', { query: { email } }),
};

// ---- newsletters: results and the calendar (issue 13, n4) ----
export type NewsletterReport = Schemas['newsletters.Report'];
export type NewsletterTracking = Schemas['Tracking'];
export type CalendarPage = Schemas['CalendarPage'];
export type CalendarEntry = Schemas['CalendarEntry'];
export type ScheduledAnnouncement = Schemas['ScheduledAnnouncement'];
export const resultsApi = {
  report: (id: string) => call('get', '/api/newsletters/{id}/results', { path: { id } }),
  visits: (days?: number) => call('get', '/api/newsletters/visits', { query: { days: days ? String(days) : undefined } }),
  tracking: () => call('get', '/api/newsletters/tracking'),
  setTracking: (openTracking: boolean) => call('put', '/api/newsletters/tracking', { body: { openTracking } }),
  calendar: (from: string, to: string) => call('get', '/api/newsletters/calendar', { query: { from, to } }),
  schedule: (spaceId: string, a: { title: string; body: string; publishAt: string; pinnedUntil: string }) =>
    call('post', '/api/spaces/{id}/scheduled-announcements', { path: { id: spaceId }, body: a }),
  cancelScheduled: (id: string) => call('delete', '/api/scheduled-announcements/{id}', { path: { id } }),
};

// ---- newsletters: scheduling and sending (issue 13, n3) ----
export type SendingStatus = Schemas['SendingStatus'];
export type SendingSettings = Schemas['newsletters.Settings'];
export type SendAction = 'unschedule' | 'pause' | 'resume' | 'cancel';
export const newsletterSendingApi = {
  status: (id: string) => call('get', '/api/newsletters/{id}/sending', { path: { id } }),
  schedule: (id: string, sendAt: string) => call('post', '/api/newsletters/{id}/schedule', { path: { id }, body: { sendAt } }),
  sendNow: (id: string) => call('post', '/api/newsletters/{id}/schedule', { path: { id }, body: { now: true } }),
  act: (id: string, action: SendAction) => {
    switch (action) {
      case 'unschedule':
        return call('post', '/api/newsletters/{id}/unschedule', { path: { id } });
      case 'pause':
        return call('post', '/api/newsletters/{id}/pause', { path: { id } });
      case 'resume':
        return call('post', '/api/newsletters/{id}/resume', { path: { id } });
      default:
        return call('post', '/api/newsletters/{id}/cancel', { path: { id } });
    }
  },
  settings: () => call('get', '/api/newsletter-sending-settings'),
  saveSettings: (s: SendingSettings) => call('put', '/api/newsletter-sending-settings', { body: s }),
};

// ---- newsletters: writing (issue 13, n1): marketers and admins (newsletters.write)
// write, preview, test, brand and set the digests; every member reads the archive.
export type Newsletter = Schemas['Newsletter'];
export type NewsletterInput = Schemas['NewsletterInput'];
export type NewsletterVersion = Schemas['newsletters.Version'];
export type NewsletterBlock = Schemas['Block'];
export type NewsletterWriting = Schemas['Writing'];
export type NewsletterPreview = Schemas['Preview'];
export type NewsletterBranding = Schemas['Branding'];
export type Digest = Schemas['Digest'];
export type DigestInput = Schemas['DigestInput'];
export type ArchiveEntry = Schemas['ArchiveEntry'];
export type ArchiveIssue = Schemas['ArchiveIssue'];
export const newslettersApi = {
  list: (cursor?: string) => call('get', '/api/newsletters', { query: { cursor } }),
  get: (id: string) => call('get', '/api/newsletters/{id}', { path: { id } }),
  create: (n: NewsletterInput) => call('post', '/api/newsletters', { body: n }),
  update: (id: string, n: NewsletterInput, ifUpdatedAt: string) => call('put', '/api/newsletters/{id}', { path: { id }, body: { ...n, ifUpdatedAt } }),
  remove: (id: string) => call('delete', '/api/newsletters/{id}', { path: { id } }),
  preview: (writing: NewsletterWriting, memberId: string, id?: string) =>
    call('post', '/api/newsletters/preview', { body: { writing, ...(memberId ? { memberId } : {}), ...(id ? { id } : {}) } }),
  test: (id: string, memberId: string) => call('post', '/api/newsletters/{id}/test', { path: { id }, body: memberId ? { memberId } : {} }),
  branding: () => call('get', '/api/newsletters/branding'),
  saveBranding: (b: NewsletterBranding) => call('put', '/api/newsletters/branding', { body: b }),
  digests: () => call('get', '/api/newsletter-digests'),
  saveDigest: (id: string, d: DigestInput) => call('put', '/api/newsletter-digests/{id}', { path: { id }, body: d }),
  archive: (cursor?: string) => call('get', '/api/newsletter-archive', { query: { cursor } }),
  archived: (id: string) => call('get', '/api/newsletter-archive/{id}', { path: { id } }),
};
