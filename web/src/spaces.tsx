import { useEffect, useState } from 'preact/hooks';
import { api, Comment, Post, PostSummary, Space, SpaceMembership } from './api';
import { formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { codeOf, Done, Problem } from './ui';

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

function PostList(props: { lang: Lang; posts: PostSummary[]; navigate: Nav }) {
  const s = strings[props.lang];
  return (
    <ul class="list posts">
      {props.posts.map((p) => (
        <li key={p.id}>
          <span class={`badge ${p.kind}`}>{s.postKinds[p.kind]}</span>
          <Link to={`/posts/${p.id}`} navigate={props.navigate}>
            {p.title || p.excerpt}
          </Link>
          {p.title && <span class="excerpt">{p.excerpt}</span>}
          <span class="muted">{s.byIn(p.authorName, p.spaceName, formatDate(props.lang, p.createdAt))}</span>
        </li>
      ))}
    </ul>
  );
}

function usePages(load: (cursor?: string) => Promise<{ posts: PostSummary[]; next?: string }>, deps: unknown[]) {
  const [posts, setPosts] = useState<PostSummary[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const more = async (cursor?: string) => {
    try {
      const r = await load(cursor);
      setPosts((old) => (cursor ? [...(old ?? []), ...r.posts] : r.posts));
      setNext(r.next);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  useEffect(() => {
    more();
  }, deps);
  return { posts, next, error, more };
}

// HomeStream is the posts of my spaces and the list of my spaces.
export function HomeStream(props: { lang: Lang; staff: boolean; navigate: Nav }) {
  const s = strings[props.lang];
  const stream = usePages((c) => api.stream(c), []);
  const [spaces, setSpaces] = useState<SpaceMembership[]>([]);
  useEffect(() => {
    api.mySpaces().then((r) => setSpaces(r.memberships), () => setSpaces([]));
  }, []);
  return (
    <>
      <section class="section" aria-labelledby="stream-title">
        <h2 id="stream-title">{s.streamTitle}</h2>
        <Problem lang={props.lang} code={stream.error} />
        {stream.posts && stream.posts.length === 0 && <p class="muted">{s.emptyStream}</p>}
        <PostList lang={props.lang} posts={stream.posts ?? []} navigate={props.navigate} />
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
            </li>
          ))}
        </ul>
        {props.staff && <NewSpace lang={props.lang} navigate={props.navigate} />}
      </section>
    </>
  );
}

function NewSpace(props: { lang: Lang; navigate: Nav }) {
  const s = strings[props.lang];
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState('public');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const sp = await api.createSpace(name, visibility, description);
      props.navigate(`/spaces/${sp.id}`);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-space-title">
      <h3 id="new-space-title">{s.newSpace}</h3>
      <label for="sp-name">{s.spaceName}</label>
      <input id="sp-name" maxLength={80} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      <label for="sp-desc">{s.spaceDescription}</label>
      <input id="sp-desc" maxLength={500} value={description} onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)} />
      <label for="sp-vis">{s.visibility}</label>
      <select id="sp-vis" value={visibility} onChange={(e) => setVisibility((e.currentTarget as HTMLSelectElement).value)}>
        {['public', 'closed', 'hidden'].map((v) => (
          <option value={v} key={v}>
            {s.visibilities[v]}
          </option>
        ))}
      </select>
      <Problem lang={props.lang} code={error} />
      <button type="submit">{s.createSpace}</button>
    </form>
  );
}

export function SpacePage(props: { lang: Lang; id: string; navigate: Nav }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [view, setView] = useState<{ space: Space; membership?: SpaceMembership; canPost: boolean }>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  const load = () => api.space(props.id).then(setView, (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, [props.id]);
  const stream = usePages((c) => api.spacePosts(props.id, c), [props.id, version, view?.canPost]);
  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    await f().catch((err) => setError(codeOf(err)));
    load();
  };
  if (!view) return error ? <Problem lang={props.lang} code={error} /> : <p aria-busy="true">{s.loading}</p>;
  const m = view.membership;
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
      {!m && (
        <button type="button" onClick={() => act(() => api.joinSpace(props.id))}>
          {view.space.visibility === 'closed' ? s.requestToJoin : s.join}
        </button>
      )}
      {m && m.role !== 'owner' && (
        <button type="button" class="secondary" onClick={() => act(() => api.leaveSpace(props.id))}>
          {s.leave}
        </button>
      )}
      {view.canPost && <Composer lang={props.lang} spaceId={props.id} onPosted={() => setVersion(version + 1)} />}
      <Problem lang={props.lang} code={stream.error} />
      <PostList lang={props.lang} posts={stream.posts ?? []} navigate={props.navigate} />
      {stream.next && (
        <button type="button" class="secondary" onClick={() => stream.more(stream.next)}>
          {s.more}
        </button>
      )}
    </>
  );
}

function Composer(props: { lang: Lang; spaceId: string; onPosted: () => void }) {
  const s = strings[props.lang];
  const [kind, setKind] = useState('discussion');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.createPost(props.spaceId, kind, title, body);
      setTitle('');
      setBody('');
      props.onPosted();
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <form class="section" onSubmit={submit} noValidate aria-labelledby="composer-title">
      <h2 id="composer-title">{s.composerTitle}</h2>
      <label for="c-kind">{s.postKind}</label>
      <select id="c-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}>
        {['status', 'discussion', 'question'].map((k) => (
          <option value={k} key={k}>
            {s.postKinds[k]}
          </option>
        ))}
      </select>
      {kind !== 'status' && (
        <>
          <label for="c-title">{s.postTitle}</label>
          <input id="c-title" maxLength={150} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        </>
      )}
      <label for="c-body">{s.postBody}</label>
      <textarea id="c-body" rows={5} value={body} onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />
      <Problem lang={props.lang} code={error} />
      <button type="submit">{s.publish}</button>
    </form>
  );
}

export function PostPage(props: { lang: Lang; id: string; navigate: Nav; viewerId: string }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  const [post, setPost] = useState<Post>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.post(props.id).then(setPost, (err) => setError(codeOf(err)));
  }, [props.id]);
  if (error) return <Problem lang={props.lang} code={error} />;
  if (!post) return <p aria-busy="true">{s.loading}</p>;
  return (
    <article>
      <span class={`badge ${post.kind}`}>{s.postKinds[post.kind]}</span>
      <h1 tabIndex={-1} ref={heading}>
        {post.title || s.postKinds[post.kind]}
      </h1>
      <p class="muted">
        {s.byIn(post.authorName, post.spaceName, formatDate(props.lang, post.createdAt))} ·{' '}
        <Link to={`/spaces/${post.spaceId}`} navigate={props.navigate}>
          {post.spaceName}
        </Link>
      </p>
      {/* The server renders Markdown through an allowlist sanitizer (shared/content). */}
      <div class="post-body" dangerouslySetInnerHTML={{ __html: post.html }} />
      <Comments lang={props.lang} post={post} viewerId={props.viewerId} onAccepted={(id) => setPost({ ...post, acceptedAnswer: id })} />
    </article>
  );
}

function Comments(props: { lang: Lang; post: Post; viewerId: string; onAccepted: (id: string) => void }) {
  const s = strings[props.lang];
  const [list, setList] = useState<Comment[]>([]);
  const [body, setBody] = useState('');
  const [replyTo, setReplyTo] = useState<Comment>();
  const [error, setError] = useState<string>();
  const load = () => api.comments(props.post.id).then((r) => setList(r.comments), (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, [props.post.id]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.addComment(props.post.id, body, replyTo?.id);
      setBody('');
      setReplyTo(undefined);
      load();
    } catch (err) {
      setError(codeOf(err));
    }
  };
  const accept = async (id: string) => {
    try {
      await api.acceptAnswer(props.post.id, id);
      props.onAccepted(id);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  const canAccept = props.post.kind === 'question' && props.post.authorId === props.viewerId;
  const top = list.filter((c) => !c.parentId);
  return (
    <section class="section" aria-labelledby="comments-title">
      <h2 id="comments-title">{s.commentsTitle(list.length)}</h2>
      <ul class="list comments">
        {top.map((c) => (
          <li key={c.id} class={props.post.acceptedAnswer === c.id ? 'accepted' : undefined}>
            {props.post.acceptedAnswer === c.id && <span class="badge question">{s.acceptedAnswer}</span>}
            <strong>{c.authorName}</strong>
            <div class="post-body" dangerouslySetInnerHTML={{ __html: c.html }} />
            <span class="actions">
              <button type="button" class="secondary small" onClick={() => setReplyTo(c)}>
                {s.reply}
              </button>
              {canAccept && props.post.acceptedAnswer !== c.id && (
                <button type="button" class="secondary small" onClick={() => accept(c.id)}>
                  {s.acceptAnswer}
                </button>
              )}
            </span>
            <ul class="replies">
              {list
                .filter((r) => r.parentId === c.id)
                .map((r) => (
                  <li key={r.id}>
                    <strong>{r.authorName}</strong>
                    <div class="post-body" dangerouslySetInnerHTML={{ __html: r.html }} />
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} noValidate>
        <label for="comment-body">{replyTo ? s.replyTo(replyTo.authorName) : s.yourComment}</label>
        <textarea id="comment-body" rows={3} value={body} onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />
        <Problem lang={props.lang} code={error} />
        <button type="submit">{s.sendComment}</button>
      </form>
    </section>
  );
}
