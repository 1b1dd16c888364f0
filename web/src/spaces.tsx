import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, Comment, May, MoveTarget, NewPost, Page, Post, PostKind, PostSummary, Revision, Space, SpaceMembership } from './api';
import { formatAgo, formatDate, formatDateTime, Lang, strings } from './i18n';
import { type Draft, draftOf, edited, emptyDraft, markupOf, MentionBox, namedText } from './mentions';
import { Avatar } from './profile';
import { useFocusHeading } from './signin';
import { QuestionToTicket, SpaceTickets } from './tickets';
import { HideButton } from './moderation';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, LoadProblem, missing, Problem, problemOf, RequiredNote } from './ui';
import { MemberRank } from './rewards';
import { BeforeYouAsk, useSuggestions } from './search-suggest';
import { SpaceDocuments } from './documents';
import { BookmarkButton } from './bookmarks';
import { TurnIntoArticle } from './knowledge';
import { kbPath } from './knowledge-api';

type Nav = (path: string) => void;

function Link(props: { to: string; navigate: Nav; children: preact.ComponentChildren }) {
  return (
    <a
      href={props.to}
      onClick={(e) => {
        e.preventDefault();
        props.navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

// SignInInvite stands, for a visitor, where a member would find controls (join,
// comment, react, vote): a link to the sign-in page instead of buttons that could only fail.
export function SignInInvite(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  return (
    <p class="sign-in-invite">
      <Link to="/" navigate={props.navigate}>
        {s.signInInvite}
      </Link>
      {s.signInInviteAfter}
    </p>
  );
}

// JoinOffer stands where a signed-in reader who is no member of the space would write a
// comment: join a public space, ask to join a closed one, accept an invitation, or
// (a request sent) that it waits for an answer. onChanged reloads what the membership
// changes (the page shows the comment box once the reader is a member).
function JoinOffer(props: { lang: Lang; view: SpaceView; onChanged: (m: SpaceMembership) => void }) {
  const s = strings[props.lang];
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const m = props.view.membership;
  const join = async () => {
    setError(undefined);
    setBusy(true);
    try {
      props.onChanged(await api.joinSpace(props.view.space.id));
    } catch (err) {
      setError(codeOf(err));
    } finally {
      setBusy(false);
    }
  };
  if (m?.status === 'pending' && !props.view.joinOffer)
    return (
      <p class="join-offer muted" role="status">
        {s.requestWaiting}
      </p>
    );
  // The space says what it offers (joinOffer): a member, or a hidden space without an
  // invitation, offers nothing; a support agent joins a customer space, not asks.
  const offer = props.view.joinOffer;
  const [text, label] =
    offer === 'accept'
      ? [s.invitedToComment, s.acceptInvitation]
      : offer === 'join'
        ? [s.joinToComment, s.join]
        : [s.askToComment, s.requestToJoin];
  if (!offer) return null;
  return (
    <div class="join-offer">
      <p>{text}</p>
      <Problem lang={props.lang} code={error} />
      <button type="button" disabled={busy} onClick={join}>
        {label}
      </button>
    </div>
  );
}

function PostItems(props: { lang: Lang; posts: PostSummary[]; navigate: Nav; pinned?: boolean }) {
  const s = strings[props.lang];
  return (
    <ul class={props.pinned ? 'list posts pinned' : 'list posts'}>
      {props.posts.map((p) => (
        <li key={(props.pinned ? 'pin-' : '') + p.id}>
          {props.pinned && <span class="badge announcement">{s.pinned}</span>}
          <span class={`badge ${p.kind}`}>{s.postKinds[p.kind]}</span>
          <Link to={`/posts/${p.id}`} navigate={props.navigate}>
            {p.title || p.excerpt}
          </Link>
          {p.kind === 'idea' && p.votes !== undefined && <span class="muted">{s.votesCount(p.votes)}</span>}
          {p.ideaStatus && p.ideaStatus !== 'new' && <span class="badge">{s.ideaStatuses[p.ideaStatus]}</span>}
          {p.title && <span class="excerpt">{p.excerpt}</span>}
          <span class="muted">{s.byIn(s.person(p.authorName, p.authorDeleted), p.spaceName, formatDate(props.lang, p.createdAt))}</span>
          {p.authorStaff && !p.authorDeleted && <span class="badge staff-badge">{s.staffBadge}</span>}
        </li>
      ))}
    </ul>
  );
}

function PostList(props: { lang: Lang; posts: PostSummary[]; pinned?: PostSummary[]; navigate: Nav }) {
  const s = strings[props.lang];
  return (
    <>
      {props.pinned && props.pinned.length > 0 && (
        <section aria-label={s.pinned}>
          <PostItems lang={props.lang} posts={props.pinned} navigate={props.navigate} pinned />
        </section>
      )}
      <PostItems lang={props.lang} posts={props.posts} navigate={props.navigate} />
    </>
  );
}

// usePages reads a stream a page at a time; enabled false reads nothing (a list the
// reader may not read: the page knows it from the space's answer, canRead).
function usePages(load: (cursor?: string) => Promise<Page>, deps: unknown[], enabled = true) {
  const [posts, setPosts] = useState<PostSummary[]>();
  const [pinned, setPinned] = useState<PostSummary[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const more = async (cursor?: string) => {
    try {
      const r = await load(cursor);
      // A stream with more live pins than a page holds continues them on the next page
      //; the server never repeats an announcement, the list keeps it once.
      setPinned((old) => (cursor ? [...(old ?? []), ...(r.pinned ?? []).filter((p) => !(old ?? []).some((o) => o.id === p.id))] : r.pinned));
      setPosts((old) => (cursor ? [...(old ?? []), ...r.posts] : r.posts));
      setNext(r.next);
      // A list read again (the reader just joined, say) drops the problem of before.
      setError(undefined);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  useEffect(() => {
    if (enabled) more();
  }, [...deps, enabled]);
  return { posts, pinned, next, error, more };
}

// HomeStream is the posts of my spaces, the list of my spaces and the space directory.
// may: what GET /api/me allows the reader (creating spaces of every kind, customer ones).
export function HomeStream(props: { lang: Lang; may: May; navigate: Nav }) {
  const s = strings[props.lang];
  const stream = usePages((c) => api.stream(c), []);
  const [spaces, setSpaces] = useState<SpaceMembership[]>([]);
  const [directory, setDirectory] = useState<Space[]>([]);
  const [groups, setGroups] = useState(false);
  useEffect(() => {
    api.mySpaces().then((r) => setSpaces(r.memberships), () => setSpaces([]));
    api.spaceDirectory().then((r) => setDirectory(r.spaces), () => setDirectory([]));
    api.spaceSettings().then((r) => setGroups(r.membersCreateGroups), () => setGroups(false));
  }, []);
  const mine = new Set(spaces.map((m) => m.spaceId));
  const others = directory.filter((sp) => !mine.has(sp.id));
  return (
    <>
      <section class="section" aria-labelledby="stream-title">
        <h2 id="stream-title">{s.streamTitle}</h2>
        <Problem lang={props.lang} code={stream.error} />
        {stream.posts && stream.posts.length === 0 && <p class="muted">{s.emptyStream}</p>}
        <PostList lang={props.lang} posts={stream.posts ?? []} pinned={stream.pinned} navigate={props.navigate} />
        {stream.next && (
          <button type="button" class="secondary" onClick={() => stream.more(stream.next)}>
            {s.more}
          </button>
        )}
      </section>
      <section class="section" aria-labelledby="spaces-title">
        <h2 id="spaces-title">{s.mySpaces}</h2>
        {spaces.length === 0 && <p class="muted">{s.noSpaces}</p>}
        <ul class="list">
          {spaces.map((m) => (
            <li key={m.spaceId}>
              <Link to={`/spaces/${m.spaceId}`} navigate={props.navigate}>
                {m.spaceName}
              </Link>
              {m.status === 'pending' && <span class="muted">{s.pending}</span>}
              {m.status === 'invited' && <span class="badge">{s.invitedBadge}</span>}
            </li>
          ))}
        </ul>
        {(props.may('spaces.create') || groups) && (
          <NewSpace lang={props.lang} navigate={props.navigate} staff={props.may('spaces.create')} agent={props.may('tickets.work')} />
        )}
      </section>
      {others.length > 0 && (
        <section class="section" aria-labelledby="discover-title">
          <h2 id="discover-title">{s.discoverSpaces}</h2>
          <ul class="list">
            {others.map((sp) => (
              <li key={sp.id}>
                <Link to={`/spaces/${sp.id}`} navigate={props.navigate}>
                  {sp.icon} {sp.name}
                </Link>
                <span class="muted">
                  {s.visibilities[sp.visibility]} · {s.membersCount(sp.members)}
                </span>
                {sp.description && <span class="excerpt">{sp.description}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

const spaceKinds = ['general', 'customer', 'partner', 'project'];
const allVisibilities = ['public', 'closed', 'hidden'];

// visibilitiesFor are the visibilities a kind of space may have: a customer space is
// never public (the API refuses it too).
export const visibilitiesFor = (kind: string) => (kind === 'customer' ? ['closed', 'hidden'] : allVisibilities);

// spaceFields: the field of the space problems the API names by code only.
const spaceFields: Record<string, string> = {
  invalid_space_name: 'name',
  invalid_space_description: 'description',
  invalid_space_icon: 'icon',
  invalid_visibility: 'visibility',
  customer_space_private: 'visibility',
  invalid_space_kind: 'kind',
  customer_kind_fixed: 'kind',
  space_create_forbidden: 'kind',
};

function NewSpace(props: { lang: Lang; navigate: Nav; staff: boolean; agent: boolean }) {
  const s = strings[props.lang];
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState('public');
  const [kind, setKindState] = useState(props.staff ? 'general' : 'project');
  // Support agents create customer spaces; choosing one leaves only closed and hidden.
  const kinds = spaceKinds.filter((k) => k !== 'customer' || props.agent);
  const setKind = (k: string) => {
    setKindState(k);
    if (!visibilitiesFor(k).includes(visibility)) setVisibility('closed');
  };
  const [icon, setIcon] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(undefined);
    const empty = missing([['name', name]]);
    if (empty) return setProblem(empty);
    try {
      const sp = await api.createSpace(name, visibility, description, kind, icon);
      props.navigate(`/spaces/${sp.id}`);
    } catch (err) {
      setProblem(problemOf(err, spaceFields));
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-space-title">
      <h3 id="new-space-title">{s.newSpace}</h3>
      <RequiredNote lang={props.lang} />
      <Label for="sp-name" required>
        {s.spaceName}
      </Label>
      <input id="sp-name" maxLength={80} required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'name', 'sp-name')} />
      <FieldProblem lang={props.lang} problem={problem} field="name" id="sp-name" label={s.spaceName} />
      <label for="sp-icon">{s.spaceIcon}</label>
      <input id="sp-icon" maxLength={4} value={icon} onInput={(e) => setIcon((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'icon', 'sp-icon')} />
      <FieldProblem lang={props.lang} problem={problem} field="icon" id="sp-icon" />
      <label for="sp-desc">{s.spaceDescription}</label>
      <input
        id="sp-desc"
        maxLength={500}
        value={description}
        onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)}
        {...fieldAttrs(problem, 'description', 'sp-desc')}
      />
      <FieldProblem lang={props.lang} problem={problem} field="description" id="sp-desc" />
      <label for="sp-vis">{s.visibility}</label>
      <select id="sp-vis" value={visibility} onChange={(e) => setVisibility((e.currentTarget as HTMLSelectElement).value)} {...fieldAttrs(problem, 'visibility', 'sp-vis')}>
        {visibilitiesFor(kind).map((v) => (
          <option value={v} key={v}>
            {s.visibilities[v]}
          </option>
        ))}
      </select>
      <FieldProblem lang={props.lang} problem={problem} field="visibility" id="sp-vis" />
      {props.staff && (
        <>
          <label for="sp-kind">{s.spaceKind}</label>
          <select
            id="sp-kind"
            value={kind}
            aria-describedby={kind === 'customer' ? 'sp-kind-hint' : undefined}
            onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}
            {...fieldAttrs(problem, 'kind', 'sp-kind')}
          >
            {kinds.map((k) => (
              <option value={k} key={k}>
                {s.spaceKinds[k]}
              </option>
            ))}
          </select>
          {kind === 'customer' && (
            <p id="sp-kind-hint" class="muted">
              {s.customerSpaceHint}
            </p>
          )}
          <FieldProblem lang={props.lang} problem={problem} field="kind" id="sp-kind" />
        </>
      )}
      <FormLevelProblem lang={props.lang} problem={problem} fields={['name', 'icon', 'description', 'visibility', ...(props.staff ? ['kind'] : [])]} />
      <button type="submit">{props.staff ? s.createSpace : s.createGroup}</button>
    </form>
  );
}

type SpaceView = {
  space: Space;
  membership?: SpaceMembership;
  canPost: boolean;
  canModerate: boolean;
  canRead: boolean;
  canAdmit: boolean;
  canChangeSettings: boolean;
  joinOffer?: 'join' | 'request' | 'accept';
};
const lists = ['posts', 'unanswered', 'ideas'] as const;

// MemberPosts is what a member wrote, in the spaces the viewer may read.
export function MemberPosts(props: { lang: Lang; id: string; navigate: Nav }) {
  const s = strings[props.lang];
  const stream = usePages((c) => api.memberPosts(props.id, c), [props.id]);
  return (
    <section class="section" aria-labelledby="member-posts-title">
      <h2 id="member-posts-title">{s.memberPosts}</h2>
      <Problem lang={props.lang} code={stream.error} />
      {stream.posts && stream.posts.length === 0 && <p class="muted">{s.emptyList}</p>}
      <PostList lang={props.lang} posts={stream.posts ?? []} navigate={props.navigate} />
      {stream.next && (
        <button type="button" class="secondary" onClick={() => stream.more(stream.next)}>
          {s.more}
        </button>
      )}
    </section>
  );
}

// PublicSpaces lists the spaces visitors may look into (nothing when the community is
// invite-only: the API answers 401 and the list stays empty).
export function PublicSpaces(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  const [list, setList] = useState<Space[]>([]);
  useEffect(() => {
    api.spaceDirectory().then((r) => setList(r.spaces.filter((sp) => sp.visibility === 'public')), () => setList([]));
  }, []);
  if (list.length === 0) return null;
  return (
    <section class="section" aria-labelledby="public-spaces-title">
      <h2 id="public-spaces-title">{s.publicSpaces}</h2>
      <ul class="list">
        {list.map((sp) => (
          <li key={sp.id}>
            <Link to={`/spaces/${sp.id}`} navigate={props.navigate}>
              {sp.icon} {sp.name}
            </Link>
            {sp.description && <span class="excerpt">{sp.description}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

// may: what GET /api/me allows the reader community-wide; what they may do in this space
// comes with it (canPost, canModerate, canAdmit, canChangeSettings).
export function SpacePage(props: { lang: Lang; id: string; navigate: Nav; may: May; signedIn: boolean }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [view, setView] = useState<SpaceView>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  // The tab shown: a list of posts, or the space's documents (?tab=documents opens it:
  // a bookmarked document's address).
  const [list, setList] = useState<(typeof lists)[number] | 'documents'>(() => (new URLSearchParams(location.search).get('tab') === 'documents' ? 'documents' : 'posts'));
  // left: what the reader just gave up here (an invitation declined, a request
  // withdrawn), said once; a hidden space is then out of their reach.
  const [left, setLeft] = useState<'invitation' | 'request'>();
  const load = () => api.space(props.id).then(setView, (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, [props.id]);
  // The lists are read once the space says the reader may read them (canRead): a closed
  // space's page asks a non-member for nothing it would refuse.
  const stream = usePages((c) => api.spaceList(props.id, list === 'documents' ? 'posts' : list, c), [props.id, version, list, view?.canPost], !!view?.canRead && list !== 'documents');
  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    setLeft(undefined);
    await f().catch((err) => setError(codeOf(err)));
    load();
  };
  // giveUp declines an invitation or withdraws a request (the API's leave): a hidden
  // space then answers 404, so the page keeps what it showed, without the membership.
  const giveUp = async (what: 'invitation' | 'request') => {
    setError(undefined);
    try {
      await api.leaveSpace(props.id);
    } catch (err) {
      setError(codeOf(err));
      return;
    }
    // The membership is gone (the API said so): the page shows it at once, with the
    // sentence, then reads the space again (a hidden one is out of reach: kept as shown).
    setView((v) => v && { ...v, membership: undefined });
    setLeft(what);
    await api.space(props.id).then(setView, () => undefined);
  };
  if (!view) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  const m = view.membership;
  // closedToMe: the space's lists are for its members (a visitor, or a non-member of a
  // closed or hidden space): the page shows what the reader can use instead of tabs
  // that lead only to "Join this space first".
  const closedToMe = !view.canRead || stream.error === 'not_space_member';
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {view.space.icon} {view.space.name}
      </h1>
      <p class="muted">
        {s.visibilities[view.space.visibility]} · {s.membersCount(view.space.members)}
      </p>
      {view.space.description && <p>{view.space.description}</p>}
      <Problem lang={props.lang} code={error} />
      <Done show={m?.status === 'pending'} text={s.requestSent} />
      <Done show={!!left} text={left === 'invitation' ? s.invitationDeclined : s.requestWithdrawn} />
      {closedToMe && <p class="muted">{s.membersOnlyLists}</p>}
      {!props.signedIn && <SignInInvite lang={props.lang} navigate={props.navigate} />}
      {(view.joinOffer === 'join' || view.joinOffer === 'request') && !(left === 'invitation' && view.space.visibility === 'hidden') && (
        <button type="button" onClick={() => act(() => api.joinSpace(props.id))}>
          {view.joinOffer === 'request' ? s.requestToJoin : s.join}
        </button>
      )}
      {m?.status === 'invited' && (
        <button type="button" onClick={() => act(() => api.joinSpace(props.id))}>
          {s.acceptInvitation}
        </button>
      )}
      {m?.status === 'invited' && (
        <button type="button" class="secondary" onClick={() => giveUp('invitation')}>
          {s.declineInvitation}
        </button>
      )}
      {m?.status === 'pending' && (
        <button type="button" class="secondary" onClick={() => giveUp('request')}>
          {s.withdrawRequest}
        </button>
      )}
      {m?.status === 'active' && m.role !== 'owner' && (
        <button type="button" class="secondary" onClick={() => act(() => api.leaveSpace(props.id))}>
          {s.leave}
        </button>
      )}
      {(view.canModerate || view.canAdmit || view.canChangeSettings) && (
        <ManageSpace
          lang={props.lang}
          space={view.space}
          canSetRoles={view.canChangeSettings}
          canAdmit={view.canAdmit}
          canChangeSettings={view.canChangeSettings}
          changesKind={props.may('spaces.create')}
          onChanged={load}
        />
      )}
      {view.space.kind === 'customer' && (m?.status === 'active' || props.may('tickets.work')) && (
        <SpaceTickets lang={props.lang} spaceId={props.id} navigate={props.navigate} />
      )}
      {view.canPost && (
        <Composer lang={props.lang} spaceId={props.id} announces={props.may('posts.announce')} navigate={props.navigate} onPosted={() => setVersion(version + 1)} />
      )}
      {!closedToMe && (
        <nav class="tabs" aria-label={s.spaceLists}>
          {[...lists, 'documents' as const].map((l) => (
            <button type="button" key={l} class="secondary small" aria-pressed={list === l} onClick={() => setList(l)}>
              {s.listNames[l]}
            </button>
          ))}
        </nav>
      )}
      {!closedToMe && list === 'documents' && <SpaceDocuments lang={props.lang} spaceId={props.id} signedIn={props.signedIn} />}
      {!closedToMe && list !== 'documents' && <Problem lang={props.lang} code={stream.error} />}
      {!closedToMe && list !== 'documents' && stream.posts && stream.posts.length === 0 && <p class="muted">{s.emptyList}</p>}
      {list !== 'documents' && <PostList lang={props.lang} posts={closedToMe ? [] : stream.posts ?? []} pinned={list === 'posts' && !closedToMe ? stream.pinned : undefined} navigate={props.navigate} />}
      {!closedToMe && list !== 'documents' && stream.next && (
        <button type="button" class="secondary" onClick={() => stream.more(stream.next)}>
          {s.more}
        </button>
      )}
    </>
  );
}

// ManageSpace is for a space's owner, moderators and those who admit people (in a
// customer space, support agents): requests to approve, members and their roles,
// inviting members, and the space's visibility and kind.
function ManageSpace(props: {
  lang: Lang;
  space: Space;
  canSetRoles: boolean;
  canAdmit: boolean;
  canChangeSettings: boolean;
  // changesKind: the reader may change the kind of a space (spaces.create).
  changesKind: boolean;
  onChanged: () => void;
}) {
  const s = strings[props.lang];
  const spaceId = props.space.id;
  const [requests, setRequests] = useState<SpaceMembership[]>([]);
  const [members, setMembers] = useState<SpaceMembership[]>([]);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ id: string; displayName: string }[]>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [visibility, setVisibility] = useState<string>(props.space.visibility);
  const [kind, setKind] = useState<string>(props.space.kind);
  const [settingsProblem, setSettingsProblem] = useState<FormProblem>();
  const [searchProblem, setSearchProblem] = useState<FormProblem>();
  const load = () => {
    if (props.canAdmit) api.spaceRequests(spaceId).then((r) => setRequests(r.memberships), (err) => setError(codeOf(err)));
    api.spaceMembers(spaceId).then((r) => setMembers(r.memberships), (err) => setError(codeOf(err)));
  };
  useEffect(load, [spaceId, props.canAdmit]);
  const run = async (f: () => Promise<unknown>, text: string) => {
    setError(undefined);
    setDone(undefined);
    try {
      await f();
      setDone(text);
      load();
      props.onChanged();
    } catch (err) {
      setError(codeOf(err));
    }
  };
  const search = async (e: Event) => {
    e.preventDefault();
    const empty = missing([['q', query]]);
    setSearchProblem(empty);
    if (empty) return;
    try {
      setFound((await api.directory({ q: query })).members);
    } catch (err) {
      // The directory's own problems are about what was typed.
      setSearchProblem(problemOf(err, { invalid_directory_query: 'q', invalid_query: 'q' }));
    }
  };
  return (
    <details class="section">
      <summary>{s.manageSpace}</summary>
      <Problem lang={props.lang} code={error} />
      <Done show={!!done} text={done ?? ''} />
      {props.canChangeSettings && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setSettingsProblem(undefined);
            setDone(undefined);
            try {
              await api.changeSpaceSettings(spaceId, visibility, kind);
              setDone(s.saved);
              props.onChanged();
            } catch (err) {
              // Under its field when it is about one, else at the top like the others.
              const p = problemOf(err, spaceFields);
              if (p.field) setSettingsProblem(p);
              else setError(p.code);
            }
          }}
          noValidate
        >
          <h2 class="h3">{s.spaceSettings}</h2>
          <label for="set-vis">{s.visibility}</label>
          <select id="set-vis" value={visibility} onChange={(e) => setVisibility((e.currentTarget as HTMLSelectElement).value)} {...fieldAttrs(settingsProblem, 'visibility', 'set-vis')}>
            {visibilitiesFor(props.space.kind).map((v) => (
              <option value={v} key={v}>
                {s.visibilities[v]}
              </option>
            ))}
          </select>
          <FieldProblem lang={props.lang} problem={settingsProblem} field="visibility" id="set-vis" />
          {props.space.kind === 'customer' ? (
            <p class="muted">{s.customerSpaceHint}</p>
          ) : (
            props.changesKind && (
              <>
                <label for="set-kind">{s.spaceKind}</label>
                <select id="set-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)} {...fieldAttrs(settingsProblem, 'kind', 'set-kind')}>
                  {spaceKinds
                    .filter((k) => k !== 'customer')
                    .map((k) => (
                      <option value={k} key={k}>
                        {s.spaceKinds[k]}
                      </option>
                    ))}
                </select>
                <FieldProblem lang={props.lang} problem={settingsProblem} field="kind" id="set-kind" />
              </>
            )
          )}
          <button type="submit" class="secondary small">
            {s.saveSettings}
          </button>
        </form>
      )}
      {props.canAdmit && (
        <>
          <h2 class="h3">{s.joinRequests}</h2>
          {requests.length === 0 && <p class="muted">{s.noRequests}</p>}
          <ul class="list">
            {requests.map((r) => (
              <li key={r.memberId}>
                <span>{r.memberName || r.memberId}</span>
                <span class="actions" role="group" aria-label={s.requestFrom(r.memberName || r.memberId)}>
                  <button type="button" class="small" onClick={() => run(() => api.approve(spaceId, r.memberId), s.approved)}>
                    {s.approve}
                  </button>
                  <button type="button" class="secondary small" onClick={() => run(() => api.declineRequest(spaceId, r.memberId), s.declinedDone)}>
                    {s.decline}
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2 class="h3">{s.spaceMembers}</h2>
      <ul class="list">
        {members.map((m) => (
          <li key={m.memberId}>
            <span>{m.memberName || m.memberId}</span>
            {m.status === 'invited' ? (
              <span class="badge">{s.invitedBadge}</span>
            ) : props.canSetRoles && m.role !== 'owner' ? (
              <select
                aria-label={s.roleOf(m.memberName || m.memberId)}
                value={m.role}
                onChange={(e) => run(() => api.setSpaceRole(spaceId, m.memberId, (e.currentTarget as HTMLSelectElement).value), s.saved)}
              >
                {['member', 'moderator', 'expert', 'editor'].map((r) => (
                  <option key={r} value={r}>
                    {s.spaceRoles[r]}
                  </option>
                ))}
              </select>
            ) : (
              <span class="badge">{s.spaceRoles[m.role]}</span>
            )}
          </li>
        ))}
      </ul>
      {props.canAdmit && (
        <form onSubmit={search} noValidate>
          <RequiredNote lang={props.lang} />
          <Label for="invite-q" required>
            {s.inviteToSpace}
          </Label>
          <input id="invite-q" required value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(searchProblem, 'q', 'invite-q')} />
          <FieldProblem lang={props.lang} problem={searchProblem} field="q" id="invite-q" label={s.inviteToSpace} />
          <FormLevelProblem lang={props.lang} problem={searchProblem} fields={['q']} />
          <button type="submit" class="secondary small">
            {s.search}
          </button>
        </form>
      )}
      {props.canAdmit && found && (
        <ul class="list">
          {found.length === 0 && <li class="muted">{s.noMatch}</li>}
          {found.map((f) => (
            <li key={f.id}>
              <span>{f.displayName}</span>
              <button type="button" class="small" onClick={() => run(() => api.inviteToSpace(spaceId, f.id), s.invitedDone(f.displayName))}>
                {s.invite}
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

// RulesGate stands in for a composer whose text waits on the community rules: it shows
// them, says that the text is kept and not yet published, and whose button says what it
// does (accept and publish). onAccepted runs once the acceptance is recorded; onBack
// returns to the text, unpublished.
function RulesGate(props: { lang: Lang; what: 'post' | 'comment'; onAccepted: () => void; onBack: () => void }) {
  const s = strings[props.lang];
  const heading = useRef<HTMLHeadingElement>(null);
  const [rules, setRules] = useState<{ text: string; version: number }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.rules().then(setRules, (err) => setError(codeOf(err)));
    heading.current?.focus();
  }, []);
  const accept = async () => {
    setBusy(true);
    try {
      await api.acceptRules(rules!.version);
      props.onAccepted();
    } catch (err) {
      setError(codeOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="rules" aria-labelledby="rules-title">
      <h2 id="rules-title" tabIndex={-1} ref={heading}>
        {s.rulesTitle}
      </h2>
      <p>{props.what === 'post' ? s.rulesHoldPost : s.rulesHoldComment}</p>
      {rules && <pre class="rules-text">{rules.text}</pre>}
      <Problem lang={props.lang} code={error} />
      <button type="button" disabled={!rules || busy} onClick={accept}>
        {props.what === 'post' ? s.acceptRulesAndPublish : s.acceptRulesAndComment}
      </button>{' '}
      <button type="button" class="secondary" onClick={props.onBack}>
        {props.what === 'post' ? s.backToPost : s.backToComment}
      </button>
    </section>
  );
}

// Posted says what became of a text sent from a composer: published (after the rules
// were accepted, it says so), or, when the rules were accepted but publishing failed,
// that the text is not published yet (the problem follows). It scrolls into view, so a
// phone that scrolled down through the rules shows it.
function Posted(props: { text: string; children?: preact.ComponentChildren }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    const show = () => ref.current?.scrollIntoView?.({ block: 'nearest' });
    show();
    // The published text renders above it a moment later (the list reloads) and may
    // push it down: show it again once the page has settled.
    const again = setTimeout(show, 400);
    return () => clearTimeout(again);
  }, [props.text]);
  return (
    <p class="ok posted" role="status" ref={ref}>
      {props.text} {props.children}
    </p>
  );
}

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

// ImagePicker uploads an image for a space straight to storage and hands back its
// Markdown (only that space's readers will see it).
function ImagePicker(props: { lang: Lang; id: string; spaceId: string; onMarkdown: (md: string) => void }) {
  const s = strings[props.lang];
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const pick = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setError(undefined);
    setBusy(true);
    try {
      const up = await api.imageUpload(props.spaceId, file.type, file.size);
      const put = await fetch(up.uploadUrl, { method: 'PUT', headers: { 'Content-Type': up.contentType }, body: file });
      if (!put.ok) throw new ApiError(put.status, 'upload_failed');
      props.onMarkdown(`![${file.name.replace(/[[\]]/g, '')}](${up.url})`);
    } catch (err) {
      setError(codeOf(err));
    } finally {
      setBusy(false);
      input.value = '';
    }
  };
  return (
    <>
      <label for={props.id}>{s.addImage}</label>
      <input id={props.id} type="file" accept="image/png,image/jpeg,image/webp,image/gif" disabled={busy} onChange={pick} />
      <Problem lang={props.lang} code={error} />
    </>
  );
}

// announces: the reader may publish announcements (posts.announce).
function Composer(props: { lang: Lang; spaceId: string; announces: boolean; navigate: Nav; onPosted: () => void }) {
  const s = strings[props.lang];
  const [kind, setKind] = useState<PostKind>('discussion');
  const [title, setTitle] = useState('');
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [options, setOptions] = useState('');
  const [closesAt, setClosesAt] = useState('');
  const [pinnedUntil, setPinnedUntil] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const [needsRules, setNeedsRules] = useState(false);
  // What the last publish did: the post, and whether the rules were accepted for it.
  const [published, setPublished] = useState<{ post?: Post; afterRules: boolean }>();
  const kinds: PostKind[] = ['status', 'discussion', 'question', 'idea', 'poll', ...(props.announces ? (['announcement'] as PostKind[]) : [])];
  // "Before you ask" (issue 15): a question's title brings the closest solved questions.
  const suggestions = useSuggestions(title, 'question', props.spaceId, kind === 'question');
  const publish = async (afterRules = false) => {
    setProblem(undefined);
    setPublished(undefined);
    // Required fields are checked here first, so the field says what is missing.
    const empty = missing([
      ...(kind !== 'status' ? ([['title', title]] as [string, string][]) : []),
      ...(kind === 'poll' ? ([['options', options]] as [string, string][]) : []),
      // A poll may go without a text: its question and options say it all.
      ...(kind !== 'poll' ? ([['body', draft.text]] as [string, string][]) : []),
    ]);
    if (empty) return setProblem(empty);
    const p: NewPost = { kind, body: markupOf(draft) };
    if (kind !== 'status') p.title = title;
    if (kind === 'question' && suggestions.suggestionId) p.suggestionId = suggestions.suggestionId;
    if (kind === 'poll') {
      p.options = options.split('\n').map((o) => o.trim()).filter(Boolean);
      if (closesAt) p.closesAt = new Date(closesAt).toISOString();
    }
    if (kind === 'announcement' && pinnedUntil) p.pinnedUntil = new Date(pinnedUntil).toISOString();
    try {
      const post = await api.createPost(props.spaceId, p);
      setTitle('');
      setDraft(emptyDraft);
      setOptions('');
      setPublished({ post, afterRules });
      suggestions.reset();
      props.onPosted();
    } catch (err) {
      if (codeOf(err) === 'rules_not_accepted') setNeedsRules(true);
      else {
        setProblem(problemOf(err));
        if (afterRules) setPublished({ afterRules });
      }
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    publish();
  };
  if (needsRules)
    return (
      <RulesGate
        lang={props.lang}
        what="post"
        onAccepted={() => {
          setNeedsRules(false);
          publish(true);
        }}
        onBack={() => setNeedsRules(false)}
      />
    );
  const done = published?.post;
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="composer-title">
      <h2 id="composer-title">{s.composerTitle}</h2>
      <RequiredNote lang={props.lang} />
      {done && (
        <Posted text={published!.afterRules ? s.rulesAcceptedPostPublished : s.postPublished}>
          <Link to={`/posts/${done.id}`} navigate={props.navigate}>
            {s.seeYourPost}
          </Link>
        </Posted>
      )}
      {published && !done && <Posted text={s.rulesAcceptedNotPublished} />}
      <label for="c-kind">{s.postKind}</label>
      <select id="c-kind" value={kind} onChange={(e) => setKind(val(e) as PostKind)}>
        {kinds.map((k) => (
          <option value={k} key={k}>
            {s.postKinds[k]}
          </option>
        ))}
      </select>
      {kind !== 'status' && (
        <>
          <Label for="c-title" required>
            {kind === 'poll' ? s.pollQuestion : s.postTitle}
          </Label>
          <input id="c-title" maxLength={150} required value={title} onInput={(e) => setTitle(val(e))} {...fieldAttrs(problem, 'title', 'c-title')} />
          <FieldProblem lang={props.lang} problem={problem} field="title" id="c-title" label={kind === 'poll' ? s.pollQuestion : s.postTitle} />
          {kind === 'question' && <BeforeYouAsk lang={props.lang} id="c-suggestions" shown={suggestions.shown} />}
        </>
      )}
      {kind === 'poll' && (
        <>
          <Label for="c-options" required>
            {s.pollOptions}
          </Label>
          <textarea id="c-options" rows={4} required value={options} onInput={(e) => setOptions(val(e))} {...fieldAttrs(problem, 'options', 'c-options')} />
          <FieldProblem lang={props.lang} problem={problem} field="options" id="c-options" label={s.pollOptions} />
          <label for="c-closes">{s.pollClosesAt}</label>
          <input id="c-closes" type="datetime-local" value={closesAt} onInput={(e) => setClosesAt(val(e))} {...fieldAttrs(problem, 'closesAt', 'c-closes')} />
          <FieldProblem lang={props.lang} problem={problem} field="closesAt" id="c-closes" />
        </>
      )}
      {kind === 'announcement' && (
        <>
          <label for="c-pinned">{s.pinnedUntil}</label>
          <input id="c-pinned" type="datetime-local" value={pinnedUntil} onInput={(e) => setPinnedUntil(val(e))} {...fieldAttrs(problem, 'pinnedUntil', 'c-pinned')} />
          <FieldProblem lang={props.lang} problem={problem} field="pinnedUntil" id="c-pinned" />
        </>
      )}
      <Label for="c-body" required={kind !== 'poll'}>
        {s.postBody}
      </Label>
      <MentionBox lang={props.lang} id="c-body" rows={5} spaceId={props.spaceId} draft={draft} onDraft={setDraft} invalid={problem?.field === 'body'} required={kind !== 'poll'} />
      <FieldProblem lang={props.lang} problem={problem} field="body" id="c-body" label={s.postBody} />
      <ImagePicker lang={props.lang} id="c-image" spaceId={props.spaceId} onMarkdown={(md) => setDraft((d) => edited(d, d.text ? `${d.text}\n\n${md}` : md))} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['title', 'options', 'closesAt', 'pinnedUntil', 'body']} />
      <button type="submit">{s.publish}</button>
    </form>
  );
}

const reactionIcons: Record<string, string> = { like: '👍', love: '❤️', celebrate: '🎉', insightful: '💡' };
const ideaStatuses = ['new', 'under_review', 'planned', 'done', 'declined'];

export function PostPage(props: { lang: Lang; id: string; navigate: Nav; viewerId: string; may: May }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [post, setPost] = useState<Post>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [editing, setEditing] = useState(false);
  // The reader's place in the post's space: members comment, react and vote; others
  // are offered to join (JoinOffer), visitors to sign in.
  // undefined while it loads; null when it could not be read (the API then decides).
  const [space, setSpace] = useState<SpaceView | null>();
  // closedSpace: the space of a post the reader may not read (not_space_member names it).
  const [closedSpace, setClosedSpace] = useState<string>();
  const loadSpace = (spaceId: string) => api.space(spaceId).then(setSpace, () => setSpace(null));
  // The comments that came with the post (GET /api/posts/{id}/page), shown without
  // asking again; undefined when the list must read them itself.
  const [firstComments, setFirstComments] = useState<Comment[]>();
  // The cursor of the comments after the first 100 (the list reads them from there).
  const [commentsNext, setCommentsNext] = useState<string>();
  useEffect(() => {
    setSpace(undefined);
    setFirstComments(undefined);
    api.postPage(props.id).then(
      (page) => {
        // The first 100 comments came; the list reads the rest from page.next.
        setFirstComments(page.comments ?? []);
        setCommentsNext(page.next);
        setPost(page.post);
        if (props.viewerId) loadSpace(page.post.spaceId);
      },
      (err) => {
        setError(codeOf(err));
        setClosedSpace(err instanceof ApiError ? err.spaceId : undefined);
      },
    );
  }, [props.id, props.viewerId]);
  // Joined (or asked) from this page: the space and the post are read again, so the
  // comment box and the reader's own votes and reactions show without a reload.
  const joined = async (m: SpaceMembership) => {
    if (!post) return;
    await loadSpace(post.spaceId);
    if (m.status === 'active') {
      setNotice(s.joinedDone);
      await api.post(post.id).then(setPost, () => undefined);
    }
  };
  const act = async (f: () => Promise<Post | void>, done?: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const p = await f();
      if (p) setPost(p);
      if (done) setNotice(done);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  if (!post)
    return error === 'not_space_member' ? (
      // A post of a space the reader is no member of: a visitor is invited to sign in.
      <>
        <h1 tabIndex={-1} ref={heading}>
          {s.membersOnlyPost}
        </h1>
        <Problem lang={props.lang} code={error} />
        {!props.viewerId && <SignInInvite lang={props.lang} navigate={props.navigate} />}
        {props.viewerId && closedSpace && (
          <p>
            <Link to={`/spaces/${closedSpace}`} navigate={props.navigate}>
              {s.requestToJoin}
            </Link>
          </p>
        )}
      </>
    ) : error ? (
      <LoadProblem lang={props.lang} code={error} navigate={props.navigate} />
    ) : (
      <p aria-busy="true">{s.loading}</p>
    );
  const mine = post.authorId === props.viewerId;
  const signedIn = props.viewerId !== '';
  // takePart: the reader may comment, react and vote here (an active member, or staff).
  const takePart = signedIn && (space === null || !!space?.canPost);
  const joinOffer = !signedIn ? (
    <SignInInvite lang={props.lang} navigate={props.navigate} />
  ) : space === undefined ? (
    <p aria-busy="true" class="muted">
      {s.loading}
    </p>
  ) : space && !space.canPost ? (
    <JoinOffer lang={props.lang} view={space} onChanged={joined} />
  ) : undefined;
  return (
    <article>
      <span class={`badge ${post.kind}`}>{s.postKinds[post.kind]}</span>
      {post.hidden && <span class="badge hidden">{s.hiddenBadge}</span>}
      {post.locked && <span class="badge">{s.lockedBadge}</span>}
      <h1 tabIndex={-1} ref={heading}>
        {post.title || s.postKinds[post.kind]}
      </h1>
      <p class="muted">
        {/* The byline names the space once, as a link: "Name [Staff] · Space · date". */}
        {s.person(post.authorName, post.authorDeleted)}
        {post.authorStaff && !post.authorDeleted && <> <span class="badge staff-badge">{s.staffBadge}</span></>}
        {signedIn && !post.authorDeleted && <> <MemberRank lang={props.lang} id={post.authorId} /></>} ·{' '}
        <Link to={`/spaces/${post.spaceId}`} navigate={props.navigate}>
          {post.spaceName}
        </Link>
        {` · ${formatDate(props.lang, post.createdAt)}`}
        {post.editedAt && ` · ${s.edited}`}
      </p>
      {editing ? (
        <EditForm lang={props.lang} post={post} onDone={(p) => (setEditing(false), p && setPost(p))} />
      ) : (
        /* The server renders Markdown through an allowlist sanitizer (shared/content). */
        <div class="post-body" dangerouslySetInnerHTML={{ __html: post.html }} />
      )}
      <Problem lang={props.lang} code={error} />
      <Done show={!!notice} text={notice ?? ''} />
      {post.ticketId && (
        <p>
          <Link to={`/tickets/${post.ticketId}`} navigate={props.navigate}>
            {s.ticketLink(post.ticketNumber ?? 0)}
          </Link>
        </p>
      )}
      {props.may('tickets.work') && post.kind === 'question' && !post.ticketId && <QuestionToTicket lang={props.lang} postId={post.id} navigate={props.navigate} />}
      {post.kind === 'idea' && <Idea lang={props.lang} post={post} staff={props.may('ideas.status')} act={act} signedIn={takePart} />}
      {post.kind === 'poll' && <Poll lang={props.lang} post={post} act={act} signedIn={takePart} />}
      {takePart ? (
        <div class="reactions" role="group" aria-label={s.reactionsLabel}>
          {Object.keys(reactionIcons).map((r) => {
            const on = post.myReactions?.includes(r) ?? false;
            return (
              <button type="button" key={r} class="secondary small" aria-pressed={on} onClick={() => act(() => api.react(post.id, r, !on))}>
                <span aria-hidden="true">{reactionIcons[r]}</span> <span class="visually-hidden">{s.reactionNames[r]}</span> {post.reactions?.[r] ?? 0}
              </button>
            );
          })}
        </div>
      ) : (
        <ReactionCounts lang={props.lang} counts={post.reactions} />
      )}
      <div class="actions">
        {signedIn && <BookmarkButton lang={props.lang} kind="post" id={post.id} />}
        {post.canEdit && !editing && (
          <button type="button" class="secondary small" onClick={() => setEditing(true)}>
            {s.edit}
          </button>
        )}
        {post.canDelete && (
          <button type="button" class="secondary small" onClick={() => confirm(s.confirmDelete) && act(() => api.deletePost(post.id).then(() => props.navigate(`/spaces/${post.spaceId}`)))}>
            {s.delete}
          </button>
        )}
        {post.canHide && (
          <>
            {/* hiding asks why (its author is told). */}
            {post.hidden ? (
              <button type="button" class="secondary small" onClick={() => act(() => api.postAction(post.id, 'restore', {}))}>
                {s.restore}
              </button>
            ) : (
              <HideButton lang={props.lang} id={post.id} hide={(reason) => api.postAction(post.id, 'hide', { reason }).then(setPost)} onDone={() => setNotice(s.hiddenDone)} />
            )}
          </>
        )}
        {post.canModerate && (
          <>
            <button type="button" class="secondary small" onClick={() => act(() => api.postAction(post.id, post.locked ? 'unlock' : 'lock', {}))}>
              {post.locked ? s.unlock : s.lock}
            </button>
          </>
        )}
      </div>
      {signedIn && !mine && <ReportForm lang={props.lang} postId={post.id} onReported={() => setNotice(s.reported)} />}
      {post.canModerate && <ModeratorTools lang={props.lang} post={post} onMoved={(p) => (setPost(p), setError(undefined), setNotice(s.moved))} />}
      <Comments lang={props.lang} post={post} first={firstComments} next={commentsNext} viewerId={props.viewerId} navigate={props.navigate} joinOffer={joinOffer} onAccepted={(id) => setPost({ ...post, acceptedAnswer: id })} />
    </article>
  );
}

type Act = (f: () => Promise<Post | void>, done?: string) => Promise<void>;

// ReactionCounts shows a post's reactions to someone who may not react: counts, no buttons.
function ReactionCounts(props: { lang: Lang; counts?: Record<string, number> }) {
  const s = strings[props.lang];
  const shown = Object.keys(reactionIcons).filter((r) => (props.counts?.[r] ?? 0) > 0);
  if (shown.length === 0) return null;
  return (
    <p class="reactions muted">
      {shown.map((r) => (
        <span key={r} class="reaction-count">
          <span aria-hidden="true">{reactionIcons[r]}</span> <span class="visually-hidden">{s.reactionNames[r]}</span> {props.counts![r]}{' '}
        </span>
      ))}
    </p>
  );
}

function Idea(props: { lang: Lang; post: Post; staff: boolean; act: Act; signedIn: boolean }) {
  const s = strings[props.lang];
  const p = props.post;
  return (
    <section class="idea" aria-label={s.postKinds.idea}>
      <p>
        <strong>{s.votesCount(p.votes)}</strong> · {s.ideaStatus} <span class="badge">{s.ideaStatuses[p.ideaStatus ?? 'new']}</span>
      </p>
      {!props.signedIn ? null : p.myVote ? (
        <p class="ok">{s.youVoted}</p>
      ) : (
        <button type="button" onClick={() => props.act(() => api.postAction(p.id, 'vote', {}))}>
          {s.voteIdea}
        </button>
      )}
      {props.staff && (
        <p>
          <label for="idea-status">{s.setIdeaStatus}</label>
          <select id="idea-status" value={p.ideaStatus} onChange={(e) => props.act(() => api.postAction(p.id, 'status', { status: val(e) }))}>
            {ideaStatuses.map((st) => (
              <option key={st} value={st}>
                {s.ideaStatuses[st]}
              </option>
            ))}
          </select>
        </p>
      )}
    </section>
  );
}

function Poll(props: { lang: Lang; post: Post; act: Act; signedIn: boolean }) {
  const s = strings[props.lang];
  const p = props.post;
  const [choice, setChoice] = useState('');
  const closed = !!p.closesAt && new Date(p.closesAt) <= new Date();
  if (p.tally) {
    const total = Object.values(p.tally).reduce((a, b) => a + b, 0);
    return (
      <section class="poll" aria-label={s.pollResults}>
        <h2>{s.pollResults}</h2>
        <ul class="list">
          {p.options?.map((o) => {
            const n = p.tally![o.id] ?? 0;
            const pct = total ? Math.round((100 * n) / total) : 0;
            return (
              <li key={o.id}>
                <span>
                  {o.label}
                  {p.myVote === o.id && ` (${s.yourVote})`}
                </span>
                <meter min={0} max={100} value={pct} aria-label={o.label} />
                <span>{s.pollShare(n, pct)}</span>
              </li>
            );
          })}
        </ul>
        <p class="muted">{s.votesCount(total)}</p>
        {closed && <p class="muted">{s.pollClosed}</p>}
      </section>
    );
  }
  if (!props.signedIn)
    // Who may not vote sees the choices, not radio buttons they could not send.
    return (
      <section class="poll" aria-label={s.pollChoose}>
        <ul class="list">
          {p.options?.map((o) => (
            <li key={o.id}>{o.label}</li>
          ))}
        </ul>
        <p class="muted">{s.votesCount(p.votes)}</p>
        {p.closesAt && <p class="muted">{s.pollClosesOn(formatDate(props.lang, p.closesAt))}</p>}
      </section>
    );
  return (
    <form
      class="poll"
      onSubmit={(e) => {
        e.preventDefault();
        props.act(() => api.postAction(p.id, 'vote', { option: choice }));
      }}
    >
      <fieldset>
        <legend>{s.pollChoose}</legend>
        {p.options?.map((o) => (
          <label key={o.id} class="choice">
            <input type="radio" name="poll" value={o.id} checked={choice === o.id} onChange={() => setChoice(o.id)} /> {o.label}
          </label>
        ))}
      </fieldset>
      <p class="muted">{s.votesCount(p.votes)}</p>
      {p.closesAt && <p class="muted">{s.pollClosesOn(formatDate(props.lang, p.closesAt))}</p>}
      {props.signedIn && (
        <button type="submit" disabled={!choice}>
          {s.vote}
        </button>
      )}
    </form>
  );
}

function EditForm(props: { lang: Lang; post: Post; onDone: (p?: Post) => void }) {
  const s = strings[props.lang];
  const [title, setTitle] = useState(props.post.title);
  const [draft, setDraft] = useState<Draft>(() => draftOf(props.post.body, props.post.mentions, s.person('', true)));
  const [problem, setProblem] = useState<FormProblem>();
  const hasTitle = props.post.kind !== 'status';
  // As when publishing: a poll may go without a text.
  const needsBody = props.post.kind !== 'poll';
  const save = async (e: Event) => {
    e.preventDefault();
    const empty = missing([...(hasTitle ? ([['title', title]] as [string, string][]) : []), ...(needsBody ? ([['body', draft.text]] as [string, string][]) : [])]);
    setProblem(empty);
    if (empty) return;
    try {
      props.onDone(await api.editPost(props.post.id, title, markupOf(draft)));
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form onSubmit={save} noValidate>
      <RequiredNote lang={props.lang} />
      {hasTitle && (
        <>
          <Label for="e-title" required>
            {s.postTitle}
          </Label>
          <input id="e-title" maxLength={150} required value={title} onInput={(e) => setTitle(val(e))} {...fieldAttrs(problem, 'title', 'e-title')} />
          <FieldProblem lang={props.lang} problem={problem} field="title" id="e-title" label={s.postTitle} />
        </>
      )}
      <Label for="e-body" required={needsBody}>
        {s.postBody}
      </Label>
      <MentionBox lang={props.lang} id="e-body" rows={6} spaceId={props.post.spaceId} draft={draft} onDraft={setDraft} invalid={problem?.field === 'body'} required={needsBody} />
      <FieldProblem lang={props.lang} problem={problem} field="body" id="e-body" label={s.postBody} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['title', 'body']} />
      <button type="submit">{s.save}</button>
      <button type="button" class="secondary" onClick={() => props.onDone()}>
        {s.cancel}
      </button>
    </form>
  );
}

const reportReasons = ['spam', 'harassment', 'off_topic', 'inappropriate', 'other'];

function ReportForm(props: { lang: Lang; postId: string; commentId?: string; onReported: () => void }) {
  const s = strings[props.lang];
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('spam');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const id = props.commentId ?? 'post';
  if (!open)
    return (
      <button type="button" class="secondary small" onClick={() => setOpen(true)}>
        {s.report}
      </button>
    );
  const send = async (e: Event) => {
    e.preventDefault();
    try {
      setProblem(undefined);
      await api.report(props.postId, reason, note, props.commentId);
      setOpen(false);
      props.onReported();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form class="report" onSubmit={send} noValidate>
      <label for={`r-reason-${id}`}>{s.reportReason}</label>
      <select id={`r-reason-${id}`} value={reason} onChange={(e) => setReason(val(e))} {...fieldAttrs(problem, 'reason', `r-reason-${id}`)}>
        {reportReasons.map((r) => (
          <option key={r} value={r}>
            {s.reportReasons[r]}
          </option>
        ))}
      </select>
      <FieldProblem lang={props.lang} problem={problem} field="reason" id={`r-reason-${id}`} />
      <label for={`r-note-${id}`}>{s.reportNote}</label>
      <input id={`r-note-${id}`} maxLength={500} value={note} onInput={(e) => setNote(val(e))} {...fieldAttrs(problem, 'note', `r-note-${id}`)} />
      <FieldProblem lang={props.lang} problem={problem} field="note" id={`r-note-${id}`} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['reason', 'note']} />
      <button type="submit">{s.sendReport}</button>
    </form>
  );
}

// ModeratorTools: moving the post (to the spaces the server says the reader may move it
// to, read when the tools open; a refused move is told under the control) and its history.
function ModeratorTools(props: { lang: Lang; post: Post; onMoved: (p: Post) => void }) {
  const s = strings[props.lang];
  const [targets, setTargets] = useState<MoveTarget[]>();
  const [to, setTo] = useState('');
  const [moveError, setMoveError] = useState<string>();
  const [history, setHistory] = useState<Revision[]>();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    setTargets(undefined);
    setTo('');
    if (open) api.moveTargets(props.post.id).then((r) => setTargets(r.spaces), (err) => (setTargets([]), setMoveError(codeOf(err))));
  }, [open, props.post.id, props.post.spaceId]);
  const move = async (e: Event) => {
    e.preventDefault();
    setMoveError(undefined);
    try {
      props.onMoved(await api.postAction(props.post.id, 'move', { spaceId: to }));
    } catch (err) {
      setMoveError(codeOf(err));
    }
  };
  return (
    <details class="section" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{s.moderatorTools}</summary>
      {open && !targets && <p aria-busy="true">{s.loading}</p>}
      {targets && targets.length === 0 && !moveError && <p class="muted">{s.noMoveTargets}</p>}
      {targets && targets.length > 0 && (
        <form onSubmit={move} class="move-form">
          <label for="move-to">{s.moveTo}</label>
          <select id="move-to" value={to} onChange={(e) => setTo(val(e))} aria-describedby={moveError ? 'move-to-problem' : undefined} aria-invalid={moveError ? true : undefined}>
            <option value="">—</option>
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary small" disabled={!to}>
            {s.move}
          </button>
        </form>
      )}
      {moveError && (
        <div id="move-to-problem">
          <Problem lang={props.lang} code={moveError} />
        </div>
      )}
      <button type="button" class="secondary small" onClick={() => api.postHistory(props.post.id).then((h) => setHistory(h.revisions), () => setHistory([]))}>
        {s.showHistory}
      </button>
      {history && (
        <ol class="list">
          {history.length === 0 && <li class="muted">{s.noHistory}</li>}
          {history.map((r) => (
            <li key={r.editedAt}>
              <span class="muted">{formatDate(props.lang, r.editedAt)}</span> {r.title && <strong>{r.title}</strong>}
              <pre class="rules-text">{namedText(r.body, r.mentions, s.person('', true))}</pre>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

// Moment is a time shown short ("5 minutes ago"), with the full date and time in its
// title (hover) and its machine-readable value.
function Moment(props: { lang: Lang; iso: string; class?: string; title?: (full: string) => string; children?: preact.ComponentChildren }) {
  const full = formatDateTime(props.lang, props.iso);
  return (
    <time class={props.class} dateTime={props.iso} title={props.title ? props.title(full) : full}>
      {props.children ?? formatAgo(props.lang, props.iso)}
    </time>
  );
}

// CommentByline is who wrote a comment (avatar, name linked to their profile for readers
// who may open profiles) and when; "edited" says when it last changed.
function CommentByline(props: { lang: Lang; c: Comment; signedIn: boolean; navigate: Nav }) {
  const s = strings[props.lang];
  const c = props.c;
  const name = s.person(c.authorName, c.authorDeleted);
  return (
    <div class="comment-byline">
      <Avatar id={c.authorId} name={name} has={!!c.authorAvatar && !c.authorDeleted} lang={props.lang} size={32} />
      <span class="comment-meta">
        <strong class="comment-author">
          {props.signedIn && !c.authorDeleted ? (
            <Link to={`/members/${c.authorId}`} navigate={props.navigate}>
              {name}
            </Link>
          ) : (
            name
          )}
        </strong>
        {c.authorStaff && !c.authorDeleted && <> <span class="badge staff-badge">{s.staffBadge}</span></>}{' '}
        {props.signedIn && !c.authorDeleted && <MemberRank lang={props.lang} id={c.authorId} />}{' '}
        <span class="muted">
          <Moment lang={props.lang} iso={c.createdAt} />
          {c.editedAt && (
            <>
              {' · '}
              <Moment lang={props.lang} iso={c.editedAt} class="edited" title={s.commentEditedOn}>
                {s.edited}
              </Moment>
            </>
          )}
        </span>
      </span>
    </div>
  );
}

// CommentEdit is the form that changes a comment's text (its author, or a moderator).
function CommentEdit(props: { lang: Lang; post: Post; comment: Comment; onDone: (saved: boolean) => void }) {
  const s = strings[props.lang];
  const c = props.comment;
  const id = `edit-${c.id}`;
  const [draft, setDraft] = useState<Draft>(() => draftOf(c.body, c.mentions, s.person('', true)));
  const [problem, setProblem] = useState<FormProblem>();
  const save = async (e: Event) => {
    e.preventDefault();
    const body = markupOf(draft);
    const empty = missing([['body', body]]);
    setProblem(empty);
    if (empty) return;
    try {
      await api.editComment(props.post.id, c.id, body);
      props.onDone(true);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form class="comment-edit" onSubmit={save} noValidate>
      <RequiredNote lang={props.lang} />
      <Label for={id} required>
        {s.commentLabel}
      </Label>
      <MentionBox lang={props.lang} id={id} rows={3} spaceId={props.post.spaceId} draft={draft} onDraft={setDraft} invalid={problem?.field === 'body'} required />
      <FieldProblem lang={props.lang} problem={problem} field="body" id={id} label={s.commentLabel} />
      <FormLevelProblem lang={props.lang} problem={problem} fields={['body']} />
      <button type="submit">{s.save}</button>{' '}
      <button type="button" class="secondary" onClick={() => props.onDone(false)}>
        {s.cancel}
      </button>
    </form>
  );
}

// CommentHistory is a comment's earlier versions, oldest first (whoever may read the
// post's history: space moderators and staff).
function CommentHistory(props: { lang: Lang; post: Post; comment: Comment }) {
  const s = strings[props.lang];
  const [list, setList] = useState<Revision[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.commentHistory(props.post.id, props.comment.id).then((h) => setList(h.revisions), (err) => setError(codeOf(err)));
  }, [props.post.id, props.comment.id, props.comment.editedAt]);
  if (error) return <Problem lang={props.lang} code={error} />;
  if (!list) return <p aria-busy="true">{s.loading}</p>;
  return (
    <section class="comment-history" aria-label={s.commentHistoryLabel}>
      <ol class="list">
        {list.length === 0 && <li class="muted">{s.noHistory}</li>}
        {list.map((r) => (
          <li key={r.editedAt}>
            <span class="muted">
              <Moment lang={props.lang} iso={r.editedAt}>
                {s.replacedOn(formatDateTime(props.lang, r.editedAt), r.editedBy === props.comment.authorId)}
              </Moment>
            </span>
            <pre class="rules-text">{namedText(r.body, r.mentions, s.person('', true))}</pre>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Comments(props: { lang: Lang; post: Post; first?: Comment[]; next?: string; viewerId: string; navigate: Nav; joinOffer?: preact.ComponentChildren; onAccepted: (id: string) => void }) {
  const s = strings[props.lang];
  // who may not comment (a visitor, a non-member) finds joinOffer in place of the form, and no reply or reaction buttons.
  const takePart = !!props.viewerId && !props.joinOffer;
  const [list, setList] = useState<Comment[]>([]);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [replyTo, setReplyTo] = useState<Comment>();
  const [error, setError] = useState<string>();
  // problem: what is wrong with the comment box's last send (shown under its field).
  const [problem, setProblem] = useState<FormProblem>();
  const [needsRules, setNeedsRules] = useState(false);
  // What the last comment did, when the rules were accepted for it: sent, or not yet.
  const [afterRules, setAfterRules] = useState<'sent' | 'failed'>();
  const [reported, setReported] = useState(false);
  // The comment being edited, the one whose history is open, the one just saved.
  const [editing, setEditing] = useState<string>();
  const [historyOf, setHistoryOf] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const load = () => api.comments(props.post.id).then((r) => setList(r.comments), (err) => setError(codeOf(err)));
  // The comments after the page's first 100, from its cursor (never the whole thread again).
  const rest = async (cursor: string, shown: Comment[]) => {
    try {
      for (let next: string | undefined = cursor; next; ) {
        const r = await api.comments(props.post.id, next);
        shown = [...shown, ...r.comments.filter((c) => !shown.some((o) => o.id === c.id))];
        setList(shown);
        next = r.next;
      }
    } catch (err) {
      setError(codeOf(err));
    }
  };
  useEffect(() => {
    if (!props.first) load();
    else {
      setList(props.first);
      if (props.next) rest(props.next, props.first);
    }
  }, [props.post.id]);
  const send = async (rulesJustAccepted = false) => {
    setError(undefined);
    setAfterRules(undefined);
    const body = markupOf(draft);
    const empty = missing([['body', body]]);
    setProblem(empty);
    if (empty) return;
    try {
      await api.addComment(props.post.id, body, replyTo?.id);
      setDraft(emptyDraft);
      setReplyTo(undefined);
      if (rulesJustAccepted) setAfterRules('sent');
      load();
    } catch (err) {
      if (codeOf(err) === 'rules_not_accepted') setNeedsRules(true);
      else {
        setProblem(problemOf(err));
        if (rulesJustAccepted) setAfterRules('failed');
      }
    }
  };
  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    await f().then(load, (err) => setError(codeOf(err)));
  };
  const accept = async (id: string) => {
    try {
      await api.acceptAnswer(props.post.id, id);
      props.onAccepted(id);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  const signedIn = props.viewerId !== '';
  const canAccept = props.post.kind === 'question' && (props.post.authorId === props.viewerId || props.post.canModerate);
  // What the reader may do to each comment is the server's answer (canEdit, canDelete, canHide).
  const canEdit = (c: Comment) => !!c.canEdit;
  const top = list.filter((c) => !c.parentId);
  const one = (c: Comment, isTop: boolean) =>
    c.withheld ? (
      // A hidden comment the reader may not see, kept as the place of its replies.
      <p class="muted comment-withheld">{s.commentWithheld}</p>
    ) : (
    <>
      {props.post.acceptedAnswer === c.id && <span class="badge question">{s.acceptedAnswer}</span>}
      {c.hidden && <span class="badge hidden">{s.hiddenBadge}</span>}
      <CommentByline lang={props.lang} c={c} signedIn={signedIn} navigate={props.navigate} />
      {c.deleted ? (
        <p class="muted">{s.commentDeleted}</p>
      ) : editing === c.id ? (
        <CommentEdit
          lang={props.lang}
          post={props.post}
          comment={c}
          onDone={(ok) => {
            setEditing(undefined);
            if (ok) {
              setSaved(c.id);
              load();
            }
          }}
        />
      ) : (
        <div class="post-body" dangerouslySetInnerHTML={{ __html: c.html }} />
      )}
      <Done show={saved === c.id && editing !== c.id} text={s.commentSaved} />
      {props.post.acceptedAnswer === c.id && !c.deleted && (c as Comment & { articleId?: string }).articleId && (
        <p>
          <Link to={kbPath((c as Comment & { articleId?: string }).articleId!)} navigate={props.navigate}>
            {s.kb.nowArticle}
          </Link>
        </p>
      )}
      {isTop && signedIn && props.post.acceptedAnswer === c.id && !c.deleted && !c.hidden && !(c as Comment & { articleId?: string }).articleId && editing !== c.id && (
        <TurnIntoArticle lang={props.lang} postId={props.post.id} postTitle={props.post.title} spaceId={props.post.spaceId} commentId={c.id} navigate={props.navigate} />
      )}
      {!c.deleted && takePart && editing !== c.id && (
        <span class="reactions" role="group" aria-label={s.reactionsLabel}>
          {Object.keys(reactionIcons).map((r) => {
            const on = c.myReactions?.includes(r) ?? false;
            return (
              <button
                type="button"
                key={r}
                class="secondary small"
                aria-pressed={on}
                onClick={() => run(() => api.reactComment(props.post.id, c.id, r, !on))}
              >
                <span aria-hidden="true">{reactionIcons[r]}</span> <span class="visually-hidden">{s.reactionNames[r]}</span> {c.reactions?.[r] ?? 0}
              </button>
            );
          })}
        </span>
      )}
      {!c.deleted && editing !== c.id && (
        <span class="actions">
          {isTop && !props.post.locked && takePart && (
            <button type="button" class="secondary small" onClick={() => setReplyTo(c)}>
              {s.reply}
            </button>
          )}
          {isTop && canAccept && !c.hidden && props.post.acceptedAnswer !== c.id && (
            <button type="button" class="secondary small" onClick={() => accept(c.id)}>
              {s.acceptAnswer}
            </button>
          )}
          {canEdit(c) && editing !== c.id && (
            <button type="button" class="secondary small" onClick={() => (setSaved(undefined), setEditing(c.id))}>
              {s.edit}
            </button>
          )}
          {c.canDelete && (
            <button type="button" class="secondary small" onClick={() => run(() => api.deleteComment(props.post.id, c.id))}>
              {s.delete}
            </button>
          )}
          {c.canHide && (
            // hiding asks why (its author is told).
            c.hidden ? (
              <button type="button" class="secondary small" onClick={() => run(() => api.commentAction(props.post.id, c.id, 'restore'))}>
                {s.restore}
              </button>
            ) : (
              <HideButton lang={props.lang} id={c.id} hide={(reason) => api.commentAction(props.post.id, c.id, 'hide', reason)} onDone={load} />
            )
          )}
          {props.post.canModerate && c.editedAt && (
            <button type="button" class="secondary small" aria-expanded={historyOf === c.id} onClick={() => setHistoryOf(historyOf === c.id ? undefined : c.id)}>
              {historyOf === c.id ? s.hideCommentHistory : s.commentHistory}
            </button>
          )}
          {signedIn && c.authorId !== props.viewerId && (
            <ReportForm lang={props.lang} postId={props.post.id} commentId={c.id} onReported={() => setReported(true)} />
          )}
        </span>
      )}
      {props.post.canModerate && historyOf === c.id && <CommentHistory lang={props.lang} post={props.post} comment={c} />}
    </>
    );
  return (
    <section class="section" aria-labelledby="comments-title">
      <h2 id="comments-title">{s.commentsTitle(list.filter((c) => !c.deleted && !c.withheld).length)}</h2>
      <Done show={reported} text={s.reported} />
      <Problem lang={props.lang} code={error} />
      <ul class="list comments">
        {top.map((c) => (
          <li key={c.id} id={`comment-${c.id}`} class={props.post.acceptedAnswer === c.id ? 'accepted' : undefined}>
            {one(c, true)}
            <ul class="replies">
              {list
                .filter((r) => r.parentId === c.id)
                .map((r) => (
                  <li key={r.id} id={`comment-${r.id}`}>
                    {one(r, false)}
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
      {props.joinOffer ? (
        props.joinOffer
      ) : !signedIn ? null : props.post.locked && !props.post.canModerate ? (
        <p class="muted">{s.lockedNotice}</p>
      ) : needsRules ? (
        <RulesGate
          lang={props.lang}
          what="comment"
          onAccepted={() => {
            setNeedsRules(false);
            send(true);
          }}
          onBack={() => setNeedsRules(false)}
        />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send();
          }}
          noValidate
        >
          {afterRules && <Posted text={afterRules === 'sent' ? s.rulesAcceptedCommentPosted : s.rulesAcceptedNotPublished} />}
          <RequiredNote lang={props.lang} />
          <Label for="comment-body" required>
            {replyTo ? s.replyTo(s.person(replyTo.authorName, replyTo.authorDeleted)) : s.yourComment}
          </Label>
          <MentionBox lang={props.lang} id="comment-body" rows={3} spaceId={props.post.spaceId} draft={draft} onDraft={setDraft} invalid={problem?.field === 'body'} required />
          <FieldProblem lang={props.lang} problem={problem} field="body" id="comment-body" label={s.yourComment} />
          <FormLevelProblem lang={props.lang} problem={problem} fields={['body']} />
          <button type="submit">{s.sendComment}</button>
        </form>
      )}
    </section>
  );
}
