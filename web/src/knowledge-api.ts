// The routes of issue 16 (docs/api.md, "Knowledge base", "Documents", "Bookmarks";
// docs/knowledge.md): articles and categories, a space's documents, the member's
// bookmarks. Requests go through api.ts's call (same origin, problem+json errors as
// ApiError); the shapes are the agreed ones of the issue's contract, written here so the
// pages could be built beside the routes.
import { ApiError, call } from './api';

export type Person = { id: string; name: string };

// Category: a place's group of articles (spaceId "" : community-wide); articles is its
// published count.
export type Category = {
  id: string;
  name: string;
  description: string;
  position: number;
  spaceId: string;
  spaceName: string;
  articles: number;
  following: boolean;
};

export type ArticleStatus = 'draft' | 'published';

export type ArticleSummary = {
  id: string;
  title: string;
  excerpt: string;
  categoryId: string;
  categoryName: string;
  spaceId: string;
  spaceName: string;
  status: ArticleStatus;
  version: number;
  updatedAt: string;
  publishedAt: string | null;
  author: Person;
};

// Article: html is the server's sanitised rendering of body (Markdown); helpful is set
// only for those who may read the feedback; myFeedback the reader's own answer.
export type Article = ArticleSummary & {
  body: string;
  html: string;
  editor: Person;
  createdAt: string;
  source: { postId: string; commentId: string } | null;
  following: boolean;
  bookmarked: boolean;
  canEdit: boolean;
  helpful: { yes: number; no: number } | null;
  myFeedback: boolean | null;
};

export type VersionAction = 'created' | 'edited' | 'published' | 'unpublished' | 'restored';
export type VersionEntry = { version: number; title: string; editor: Person; at: string; action: VersionAction; restoredFrom?: number };
export type VersionText = { version: number; title: string; body: string; html: string; editor: Person; at: string };
export type DiffPart = { op: 'equal' | 'insert' | 'delete'; text: string };
export type Diff = { from: number; to: number; title: DiffPart[]; body: DiffPart[] };
export type Feedback = { yes: number; no: number; comments: { helpful: boolean; comment: string; at: string }[]; next?: string };

export type Doc = {
  id: string;
  spaceId: string;
  title: string;
  description: string;
  folder: string;
  tags: string[];
  version: number;
  name: string;
  contentType: string;
  size: number;
  uploadedBy: Person;
  updatedAt: string;
  downloads: number;
  bookmarked: boolean;
  canEdit: boolean;
};
export type DocVersion = { version: number; name: string; size: number; contentType: string; uploadedBy: Person; at: string };
export type DocList = { documents: Doc[]; folders: { path: string; documents: number }[]; tags: { tag: string; documents: number }[]; canUpload: boolean; next?: string };
export type DocInput = { title: string; description: string; folder: string; tags: string[] };

export type BookmarkKind = 'post' | 'article' | 'document';
export type Bookmark = { kind: BookmarkKind; id: string; title: string; url: string; spaceId: string; spaceName: string; createdAt: string };

// send is call without the generated route types (the routes were being written beside
// these pages): the same request, the same ApiError on a refusal.
type Args = { path?: Record<string, string>; query?: Record<string, string | undefined>; body?: unknown };
const send = call as unknown as <T>(method: 'get' | 'put' | 'post' | 'delete' | 'patch', route: string, args?: Args) => Promise<T>;

export const kbApi = {
  categories: (space = '') => send<{ categories: Category[]; canWrite: boolean }>('get', '/api/kb/categories', { query: { space } }),
  createCategory: (name: string, description: string, spaceId?: string) =>
    send<Category>('post', '/api/kb/categories', { body: { name, description, ...(spaceId ? { spaceId } : {}) } }),
  articles: (q: { category?: string; space?: string; status?: ArticleStatus; q?: string; cursor?: string }) =>
    send<{ articles: ArticleSummary[]; next?: string }>('get', '/api/kb/articles', { query: q }),
  article: (id: string) => send<Article>('get', '/api/kb/articles/{id}', { path: { id } }),
  preview: (body: string) => send<{ html: string }>('post', '/api/kb/preview', { body: { body } }),
  create: (title: string, body: string, categoryId: string) => send<Article>('post', '/api/kb/articles', { body: { title, body, categoryId } }),
  save: (id: string, a: { title: string; body: string; categoryId: string; baseVersion: number }) => send<Article>('put', '/api/kb/articles/{id}', { path: { id }, body: a }),
  publish: (id: string, on: boolean) => send<Article>('post', on ? '/api/kb/articles/{id}/publish' : '/api/kb/articles/{id}/unpublish', { path: { id } }),
  versions: (id: string) => send<{ versions: VersionEntry[] }>('get', '/api/kb/articles/{id}/versions', { path: { id } }),
  version: (id: string, v: number) => send<VersionText>('get', '/api/kb/articles/{id}/versions/{v}', { path: { id, v: String(v) } }),
  diff: (id: string, from: number, to: number) => send<Diff>('get', '/api/kb/articles/{id}/diff', { path: { id }, query: { from: String(from), to: String(to) } }),
  restore: (id: string, version: number) => send<Article>('post', '/api/kb/articles/{id}/restore', { path: { id }, body: { version } }),
  followArticle: (id: string, on: boolean) => send<{ following: boolean }>(on ? 'put' : 'delete', '/api/kb/articles/{id}/follow', { path: { id } }),
  followCategory: (id: string, on: boolean) => send<{ following: boolean }>(on ? 'put' : 'delete', '/api/kb/categories/{id}/follow', { path: { id } }),
  feedback: (id: string, helpful: boolean, comment: string) =>
    send<{ myFeedback: boolean | null }>('post', '/api/kb/articles/{id}/feedback', { path: { id }, body: { helpful, ...(comment.trim() ? { comment: comment.trim() } : {}) } }),
  feedbackList: (id: string, cursor?: string) => send<Feedback>('get', '/api/kb/articles/{id}/feedback', { path: { id }, query: { cursor } }),
  fromAnswer: (postId: string, commentId: string, categoryId: string, title?: string) =>
    send<Article>('post', '/api/kb/from-answer', { body: { postId, commentId, categoryId, ...(title ? { title } : {}) } }),
};

export const docsApi = {
  list: (spaceId: string, q: { folder?: string; tag?: string; cursor?: string }) => send<DocList>('get', '/api/spaces/{id}/documents', { path: { id: spaceId }, query: q }),
  get: (spaceId: string, docId: string) => send<Doc & { versions: DocVersion[] }>('get', '/api/spaces/{id}/documents/{docId}', { path: { id: spaceId, docId } }),
  uploadUrl: (spaceId: string, f: { name: string; contentType: string; size: number }) =>
    send<{ uploadUrl: string; key: string; expiresAt: string }>('post', '/api/spaces/{id}/documents/uploads', { path: { id: spaceId }, body: f }),
  create: (spaceId: string, d: { key: string; name: string; contentType: string; size: number } & DocInput) =>
    send<Doc>('post', '/api/spaces/{id}/documents', { path: { id: spaceId }, body: d }),
  newVersion: (spaceId: string, docId: string, f: { key: string; name: string; contentType: string; size: number }) =>
    send<Doc>('post', '/api/spaces/{id}/documents/{docId}/versions', { path: { id: spaceId, docId }, body: f }),
  update: (spaceId: string, docId: string, d: Partial<DocInput>) => send<Doc>('patch', '/api/spaces/{id}/documents/{docId}', { path: { id: spaceId, docId }, body: d }),
  remove: (spaceId: string, docId: string) => send<void>('delete', '/api/spaces/{id}/documents/{docId}', { path: { id: spaceId, docId } }),
  download: (spaceId: string, docId: string, version?: number) =>
    send<{ url: string; expiresAt: string }>('post', '/api/spaces/{id}/documents/{docId}/download', { path: { id: spaceId, docId }, query: { version: version ? String(version) : undefined } }),
};

export const bookmarksApi = {
  set: (kind: BookmarkKind, id: string, on: boolean) => send<{ bookmarked: boolean }>(on ? 'put' : 'delete', '/api/bookmarks/{kind}/{id}', { path: { kind, id } }),
  get: (kind: BookmarkKind, id: string) => send<{ bookmarked: boolean }>('get', '/api/bookmarks/{kind}/{id}', { path: { kind, id } }),
  list: (kind?: BookmarkKind, cursor?: string) => send<{ bookmarks: Bookmark[]; next?: string }>('get', '/api/bookmarks', { query: { kind, cursor } }),
};

// savePreferences saves the member's notification emails: activity, and the knowledge
// base's news (articles and categories followed); answers the member.
export const savePreferences = (p: { activityEmails: boolean; knowledgeEmails: boolean }) => send<unknown>('put', '/api/me/preferences', { body: p });

// The files a space's documents take (the API checks them again, before and after the
// upload: docs/knowledge.md, "Documents"): their content types by extension, and the
// largest size in bytes (25 MB).
export const docMaxBytes = 25 * 1024 * 1024;
export const docTypes: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

// contentTypeOf is a file's content type: the browser's, else the one of its extension
// ('' when neither says: the API then refuses it with a sentence).
export function contentTypeOf(file: { name: string; type: string }): string {
  if (file.type) return file.type;
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return docTypes[ext] ?? 'application/octet-stream';
}

// putFile sends a file's bytes to a presigned upload address.
export async function putFile(url: string, file: Blob, contentType: string): Promise<void> {
  let resp: Response;
  try {
    resp = await fetch(url, { method: 'PUT', headers: { 'Content-Type': contentType }, body: file });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (!resp.ok) throw new ApiError(resp.status, 'upload_failed');
}

// uploadDocumentFile checks a file's size, asks for an upload address, and sends the
// file there: the fields a document (or its new version) is then created with.
export async function uploadDocumentFile(spaceId: string, file: File): Promise<{ key: string; name: string; contentType: string; size: number }> {
  if (file.size > docMaxBytes) throw new ApiError(400, 'document_too_large');
  const contentType = contentTypeOf(file);
  const up = await docsApi.uploadUrl(spaceId, { name: file.name, contentType, size: file.size });
  await putFile(up.uploadUrl, file, contentType);
  return { key: up.key, name: file.name, contentType, size: file.size };
}

// kbPath is the address of an article's page (and its parts: edit, history).
export const kbPath = (id: string, part?: 'edit' | 'history') => `/kb/articles/${encodeURIComponent(id)}${part ? `/${part}` : ''}`;
// diffPath is the address of the comparison of two versions of an article.
export const diffPath = (id: string, from: number, to: number) => `/kb/articles/${encodeURIComponent(id)}/diff?from=${from}&to=${to}`;
// articleLink is the Markdown an agent's reply gets for an article (the picker).
export const articleLink = (a: { id: string; title: string }) => `[${a.title.replace(/([[\]\\])/g, '\\$1')}](/kb/articles/${a.id})`;
