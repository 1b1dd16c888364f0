// The knowledge base in the web app (issue 16; docs/knowledge.md, "Pages"): its home
// (/kb: categories, community-wide then per space, with their published articles), an
// article's page, the editor (/kb/new, /kb/articles/{id}/edit) with a preview, the
// history of versions and the comparison of two. Also the parts other pages use: "Turn
// into article" on an accepted answer (the post page) and the article picker of a
// ticket reply.
import { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { formatDate, formatDateTime, Lang, strings } from './i18n';
import { articleLink, Article, ArticleSummary, Category, diffPath, DiffPart, Diff, Feedback, kbApi, kbPath, VersionEntry } from './knowledge-api';
import { BookmarkButton } from './bookmarks';
import { useFocusHeading } from './signin';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, LoadProblem, missing, Problem, problemOf, RequiredNote } from './ui';

type Nav = (path: string) => void;

// The limits of the API (docs/knowledge.md): a title of 1 to 150 characters, a body of
// at most 100,000 bytes, a category name of 1 to 80, a description of at most 500, a
// feedback comment of at most 1000.
export const kbLimits = { title: 150, body: 100000, categoryName: 80, description: 500, comment: 1000 };

// The form fields of the problem codes of articles and categories.
const articleFields: Record<string, string> = {
  invalid_title: 'title',
  body_too_long: 'body',
  invalid_category: 'categoryId',
  category_not_found: 'categoryId',
  invalid_name: 'name',
  invalid_description: 'description',
};

function Link(props: { to: string; navigate: Nav; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={props.to}
      class={props.class}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button !== 0) return;
        e.preventDefault();
        props.navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

// placeName is where a category or an article belongs: its space, or the community.
const placeName = (lang: Lang, spaceName: string) => spaceName || strings[lang].kb.communityWide;

// ---- the home page ----

type Place = { spaceId: string; spaceName: string; categories: Category[]; canWrite: boolean };

// KbHome lists the categories the reader may read: the community's, then those of each
// space the reader is an active member of; each with its published articles (and, for
// writers, its drafts). Writers add categories and articles; members follow a category.
export function KbHome(props: { lang: Lang; navigate: Nav; signedIn: boolean }) {
  const s = strings[props.lang];
  const t = s.kb;
  const heading = useFocusHeading();
  const [places, setPlaces] = useState<Place[]>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    (async () => {
      const out: Place[] = [];
      const community = await kbApi.categories('');
      out.push({ spaceId: '', spaceName: '', categories: community.categories, canWrite: community.canWrite });
      if (props.signedIn) {
        const mine = await api.mySpaces().catch(() => ({ memberships: [] }));
        for (const m of mine.memberships.filter((x) => x.status === 'active')) {
          const r = await kbApi.categories(m.spaceId).catch(() => undefined);
          if (r && (r.categories.length > 0 || r.canWrite)) out.push({ spaceId: m.spaceId, spaceName: m.spaceName || m.spaceId, categories: r.categories, canWrite: r.canWrite });
        }
      }
      setPlaces(out);
    })().catch((err) => setError(codeOf(err)));
  }, [props.signedIn, version]);
  if (!places) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  const empty = places.every((p) => p.categories.length === 0);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {t.title}
      </h1>
      <p class="muted">{t.intro}</p>
      {empty && <p>{t.empty}</p>}
      {places.map((p) => (
        <section class="section kb-place" key={p.spaceId || 'community'} aria-labelledby={`place-${p.spaceId || 'community'}`}>
          <h2 id={`place-${p.spaceId || 'community'}`}>{placeName(props.lang, p.spaceName)}</h2>
          {p.categories.length === 0 && <p class="muted">{t.noCategories}</p>}
          {p.categories.map((c) => (
            <CategoryBlock key={c.id} lang={props.lang} navigate={props.navigate} category={c} canWrite={p.canWrite} signedIn={props.signedIn} />
          ))}
          {p.canWrite && <NewCategory lang={props.lang} spaceId={p.spaceId} onCreated={() => setVersion(version + 1)} />}
        </section>
      ))}
    </>
  );
}

function CategoryBlock(props: { lang: Lang; navigate: Nav; category: Category; canWrite: boolean; signedIn: boolean }) {
  const s = strings[props.lang];
  const t = s.kb;
  const c = props.category;
  const [articles, setArticles] = useState<ArticleSummary[]>();
  const [drafts, setDrafts] = useState<ArticleSummary[]>([]);
  const [following, setFollowing] = useState(c.following);
  const [error, setError] = useState<string>();
  useEffect(() => {
    kbApi.articles({ category: c.id, space: c.spaceId, status: 'published' }).then((r) => setArticles(r.articles), (err) => setError(codeOf(err)));
    if (props.canWrite) kbApi.articles({ category: c.id, space: c.spaceId, status: 'draft' }).then((r) => setDrafts(r.articles), () => undefined);
  }, [c.id, props.canWrite]);
  const headingId = `category-${c.id}`;
  return (
    <div class="kb-category" role="group" aria-labelledby={headingId}>
      <h3 id={headingId}>{c.name}</h3>
      {c.description && <p class="muted">{c.description}</p>}
      <div class="actions">
        {props.signedIn && (
          <button
            type="button"
            class="secondary small"
            aria-pressed={following}
            onClick={() => kbApi.followCategory(c.id, !following).then((r) => setFollowing(r.following), (err) => setError(codeOf(err)))}
          >
            {following ? t.followingCategory : t.followCategory}
            <span class="visually-hidden"> {c.name}</span>
          </button>
        )}
        {props.canWrite && (
          <Link to={`/kb/new?category=${encodeURIComponent(c.id)}`} navigate={props.navigate} class="button-link small">
            {t.newArticle}
            <span class="visually-hidden"> {t.inCategory(c.name)}</span>
          </Link>
        )}
      </div>
      <Problem lang={props.lang} code={error} />
      {articles === undefined && !error && <p aria-busy="true" class="muted">{s.loading}</p>}
      {articles && articles.length === 0 && drafts.length === 0 && <p class="muted">{t.noArticles}</p>}
      {(articles?.length ?? 0) + drafts.length > 0 && (
        <ul class="list kb-articles">
          {[...(articles ?? []), ...drafts].map((a) => (
            <li key={a.id}>
              <Link to={kbPath(a.id)} navigate={props.navigate}>
                {a.title}
              </Link>
              {a.status === 'draft' && <span class="badge">{t.draft}</span>}
              {a.excerpt && <span class="muted">{a.excerpt}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NewCategory(props: { lang: Lang; spaceId: string; onCreated: () => void }) {
  const s = strings[props.lang];
  const t = s.kb;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const [done, setDone] = useState(false);
  const id = `new-cat-${props.spaceId || 'community'}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    const empty = missing([['name', name]]);
    setProblem(empty);
    if (empty) return;
    try {
      await kbApi.createCategory(name.trim(), description.trim(), props.spaceId || undefined);
      setName('');
      setDescription('');
      setDone(true);
      props.onCreated();
    } catch (err) {
      setProblem(problemOf(err, articleFields));
    }
  };
  return (
    <details class="kb-new-category">
      <summary>{t.newCategory}</summary>
      <form onSubmit={submit} noValidate>
        <RequiredNote lang={props.lang} />
        <Label for={`${id}-name`} required>
          {t.categoryName}
        </Label>
        <input id={`${id}-name`} required maxLength={kbLimits.categoryName} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'name', `${id}-name`)} />
        <FieldProblem lang={props.lang} problem={problem} field="name" id={`${id}-name`} label={t.categoryName} />
        <label for={`${id}-desc`}>{t.categoryDescription}</label>
        <textarea id={`${id}-desc`} rows={2} maxLength={kbLimits.description} value={description} onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)} {...fieldAttrs(problem, 'description', `${id}-desc`)} />
        <FieldProblem lang={props.lang} problem={problem} field="description" id={`${id}-desc`} />
        <FormLevelProblem lang={props.lang} problem={problem} fields={['name', 'description']} />
        <button type="submit" class="small">
          {t.createCategory}
        </button>
        <Done show={done} text={t.categoryCreated} />
      </form>
    </details>
  );
}

// ---- an article ----

// ArticlePage shows an article: its sanitised html, where it belongs, who last changed
// it and when; Follow, Bookmark and "Was this helpful?" for members; Edit, Publish or
// Unpublish, History and the feedback for those who may edit it.
export function ArticlePage(props: { lang: Lang; id: string; navigate: Nav; signedIn: boolean }) {
  const s = strings[props.lang];
  const t = s.kb;
  const heading = useFocusHeading();
  const [a, setA] = useState<Article>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    setA(undefined);
    setError(undefined);
    kbApi.article(props.id).then(setA, (err) => setError(codeOf(err)));
  }, [props.id]);
  if (!a) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  const act = async (f: () => Promise<Article>, done: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      setA(await f());
      setNotice(done);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <article class="kb-article">
      {a.status === 'draft' && <span class="badge">{t.draft}</span>}
      <h1 tabIndex={-1} ref={heading}>
        {a.title}
      </h1>
      <p class="muted">
        <Link to="/kb" navigate={props.navigate}>
          {t.title}
        </Link>
        {' · '}
        {a.spaceId ? (
          <Link to={`/spaces/${encodeURIComponent(a.spaceId)}`} navigate={props.navigate}>
            {a.spaceName}
          </Link>
        ) : (
          t.communityWide
        )}
        {` · ${a.categoryName}`}
      </p>
      <p class="muted">{t.lastEdited(a.editor.name, formatDate(props.lang, a.updatedAt), a.version)}</p>
      {a.source && (
        <p>
          <Link to={`/posts/${encodeURIComponent(a.source.postId)}#comment-${a.source.commentId}`} navigate={props.navigate}>
            {t.fromAnswer}
          </Link>
        </p>
      )}
      {/* The server renders Markdown through an allowlist sanitizer (shared/content), as for posts. */}
      <div class="post-body" dangerouslySetInnerHTML={{ __html: a.html }} />
      <Problem lang={props.lang} code={error} />
      <Done show={!!notice} text={notice ?? ''} />
      <div class="actions">
        {props.signedIn && <FollowButton lang={props.lang} article={a} onChange={(following) => setA({ ...a, following })} />}
        {props.signedIn && a.status === 'published' && <BookmarkButton lang={props.lang} kind="article" id={a.id} title={a.title} bookmarked={a.bookmarked} />}
        {a.canEdit && (
          <Link to={kbPath(a.id, 'edit')} navigate={props.navigate} class="button-link small">
            {s.edit}
          </Link>
        )}
        {a.canEdit && (
          <button type="button" class="secondary small" onClick={() => act(() => kbApi.publish(a.id, a.status !== 'published'), a.status === 'published' ? t.unpublished : t.publishedDone)}>
            {a.status === 'published' ? t.unpublish : t.publish}
          </button>
        )}
        {a.canEdit && (
          <Link to={kbPath(a.id, 'history')} navigate={props.navigate} class="button-link small secondary">
            {t.history}
          </Link>
        )}
      </div>
      {props.signedIn && a.status === 'published' && <Helpful lang={props.lang} article={a} />}
      {a.helpful && <FeedbackSummary lang={props.lang} article={a} />}
    </article>
  );
}

function FollowButton(props: { lang: Lang; article: Article; onChange: (following: boolean) => void }) {
  const t = strings[props.lang].kb;
  const [error, setError] = useState<string>();
  const on = props.article.following;
  return (
    <>
      <button
        type="button"
        class="secondary small"
        aria-pressed={on}
        onClick={() => kbApi.followArticle(props.article.id, !on).then((r) => props.onChange(r.following), (err) => setError(codeOf(err)))}
      >
        {on ? t.followingArticle : t.followArticle}
      </button>
      <Problem lang={props.lang} code={error} />
    </>
  );
}

// Helpful asks "Was this helpful?": yes or no, then an optional comment; the answer can
// be changed (one per member).
function Helpful(props: { lang: Lang; article: Article }) {
  const t = strings[props.lang].kb;
  const [mine, setMine] = useState<boolean | null>(props.article.myFeedback);
  const [chosen, setChosen] = useState<boolean | null>(null);
  const [comment, setComment] = useState('');
  const [thanks, setThanks] = useState(false);
  const [problem, setProblem] = useState<FormProblem>();
  const send = async (helpful: boolean, text: string) => {
    setProblem(undefined);
    try {
      const r = await kbApi.feedback(props.article.id, helpful, text);
      setMine(r.myFeedback);
      setThanks(true);
    } catch (err) {
      setProblem(problemOf(err, { comment_too_long: 'comment' }));
    }
  };
  return (
    <section class="section kb-helpful" aria-labelledby="helpful-title">
      <h2 id="helpful-title" class="h3">
        {t.helpfulQuestion}
      </h2>
      {mine !== null && !thanks && <p class="muted">{mine ? t.youSaidYes : t.youSaidNo}</p>}
      <div class="actions" role="group" aria-labelledby="helpful-title">
        <button type="button" class="secondary small" aria-pressed={chosen === true || (chosen === null && mine === true)} onClick={() => (setChosen(true), setThanks(false), send(true, ''))}>
          {t.yes}
        </button>
        <button type="button" class="secondary small" aria-pressed={chosen === false || (chosen === null && mine === false)} onClick={() => (setChosen(false), setThanks(false), send(false, ''))}>
          {t.no}
        </button>
      </div>
      {chosen !== null && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send(chosen, comment);
          }}
          noValidate
        >
          <label for="helpful-comment">{t.commentLabel}</label>
          <textarea id="helpful-comment" rows={3} maxLength={kbLimits.comment} value={comment} onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)} {...fieldAttrs(problem, 'comment', 'helpful-comment')} />
          <FieldProblem lang={props.lang} problem={problem} field="comment" id="helpful-comment" />
          <button type="submit" class="small">
            {t.sendComment}
          </button>
        </form>
      )}
      <FormLevelProblem lang={props.lang} problem={problem} fields={chosen !== null ? ['comment'] : []} />
      <Done show={thanks} text={t.thanks} />
    </section>
  );
}

// FeedbackSummary shows the helpful counts and the comments, for the staff and those who
// may edit the article.
function FeedbackSummary(props: { lang: Lang; article: Article }) {
  const t = strings[props.lang].kb;
  const [list, setList] = useState<Feedback>();
  const [error, setError] = useState<string>();
  const h = props.article.helpful!;
  return (
    <section class="section" aria-labelledby="feedback-title">
      <h2 id="feedback-title" class="h3">
        {t.feedbackTitle}
      </h2>
      <p>{t.feedbackCounts(h.yes, h.no)}</p>
      {!list ? (
        <button type="button" class="secondary small" onClick={() => kbApi.feedbackList(props.article.id).then(setList, (err) => setError(codeOf(err)))}>
          {t.showComments}
        </button>
      ) : list.comments.length === 0 ? (
        <p class="muted">{t.noComments}</p>
      ) : (
        <ul class="list">
          {list.comments.map((c, i) => (
            <li key={i}>
              <span class="badge">{c.helpful ? t.yes : t.no}</span>
              <span class="kb-comment">{c.comment}</span>
              <span class="muted">{formatDateTime(props.lang, c.at)}</span>
            </li>
          ))}
        </ul>
      )}
      <Problem lang={props.lang} code={error} />
    </section>
  );
}

// ---- the editor ----

// ArticleEditor writes a new article (id undefined; category from the address) or a new
// version of one: title, category, Markdown body with a preview; Save keeps a version,
// Publish saves then publishes. A save over a newer version (409 article_changed) says so
// and keeps the text.
export function ArticleEditor(props: { lang: Lang; id?: string; navigate: Nav }) {
  const s = strings[props.lang];
  const t = s.kb;
  const heading = useFocusHeading();
  const [article, setArticle] = useState<Article>();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [categoryId, setCategoryId] = useState(() => new URLSearchParams(location.search).get('category') ?? '');
  const [categories, setCategories] = useState<Category[]>();
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [problem, setProblem] = useState<FormProblem>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    (async () => {
      let spaceId = '';
      if (props.id) {
        const a = await kbApi.article(props.id);
        setArticle(a);
        setTitle(a.title);
        setBody(a.body);
        setCategoryId(a.categoryId);
        spaceId = a.spaceId;
        const r = await kbApi.categories(spaceId);
        setCategories(r.categories);
        return;
      }
      // A new article: the categories of every place the writer may write in.
      const all: Category[] = [];
      const community = await kbApi.categories('');
      if (community.canWrite) all.push(...community.categories);
      const mine = await api.mySpaces().catch(() => ({ memberships: [] }));
      for (const m of mine.memberships.filter((x) => x.status === 'active')) {
        const r = await kbApi.categories(m.spaceId).catch(() => undefined);
        if (r?.canWrite) all.push(...r.categories);
      }
      setCategories(all);
      setCategoryId((c) => (c && all.some((x) => x.id === c) ? c : (all[0]?.id ?? '')));
    })().catch((err) => setError(codeOf(err)));
  }, [props.id]);
  if (props.id && !article) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  if (!categories) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  const save = async (publish: boolean) => {
    setSaved(undefined);
    setError(undefined);
    const empty = missing([
      ['title', title],
      ['categoryId', categoryId],
      ['body', body],
    ]);
    setProblem(empty);
    if (empty) {
      setTab('write');
      return;
    }
    setBusy(true);
    try {
      let a = article ? await kbApi.save(article.id, { title: title.trim(), body, categoryId, baseVersion: article.version }) : await kbApi.create(title.trim(), body, categoryId);
      if (publish && a.status !== 'published') a = await kbApi.publish(a.id, true);
      setArticle(a);
      if (!props.id || publish) props.navigate(kbPath(a.id));
      else setSaved(t.savedVersion(a.version));
    } catch (err) {
      const p = problemOf(err, articleFields);
      // Someone saved a newer version meanwhile: the text typed stays here.
      if (p.code === 'article_changed') setError(p.code);
      else setProblem(p);
      if (p.field === 'body' || p.field === 'title') setTab('write');
    } finally {
      setBusy(false);
    }
  };
  if (article && !article.canEdit)
    return (
      <>
        <h1 tabIndex={-1} ref={heading}>
          {article.title}
        </h1>
        <p>{t.mayNotEdit}</p>
        <p>
          <Link to={kbPath(article.id)} navigate={props.navigate}>
            {t.backToArticle}
          </Link>
        </p>
      </>
    );
  const bytes = new TextEncoder().encode(body).length;
  const writable = categories.length > 0;
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {article ? t.editTitle(article.title) : t.newArticle}
      </h1>
      {!writable && <p>{t.noPlaceToWrite}</p>}
      {error === 'article_changed' ? (
        <div class="error" role="alert">
          <p>{t.changedMeanwhile}</p>
          {article && (
            <p>
              <a href={kbPath(article.id)} target="_blank" rel="noopener">
                {t.openCurrent}
              </a>
            </p>
          )}
          <button
            type="button"
            class="secondary small"
            onClick={() =>
              // Take the newer version as the base: the next save replaces it with the text typed here.
              article && kbApi.article(article.id).then((a) => (setArticle(a), setError(undefined), setSaved(t.rebased(a.version))), (err) => setError(codeOf(err)))
            }
          >
            {t.keepMine}
          </button>
        </div>
      ) : (
        <Problem lang={props.lang} code={error} />
      )}
      {writable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save(false);
          }}
          noValidate
          class="kb-editor"
        >
          <RequiredNote lang={props.lang} />
          <Label for="kb-title" required>
            {t.articleTitle}
          </Label>
          <input id="kb-title" required maxLength={kbLimits.title} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'title', 'kb-title')} />
          <FieldProblem lang={props.lang} problem={problem} field="title" id="kb-title" label={t.articleTitle} />
          <Label for="kb-category" required>
            {t.category}
          </Label>
          <select id="kb-category" required value={categoryId} onChange={(e) => setCategoryId((e.currentTarget as HTMLSelectElement).value)} {...fieldAttrs(problem, 'categoryId', 'kb-category')}>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.spaceName ? `${c.name} (${c.spaceName})` : `${c.name} (${t.communityWide})`}
              </option>
            ))}
          </select>
          <FieldProblem lang={props.lang} problem={problem} field="categoryId" id="kb-category" label={t.category} />
          <div
            class="tabs"
            role="tablist"
            aria-label={t.bodyTabs}
            onKeyDown={(e) => {
              // The arrow keys move between the two tabs, as tabs do.
              if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
              e.preventDefault();
              const next = tab === 'write' ? 'preview' : 'write';
              setTab(next);
              document.getElementById(`kb-tab-${next}`)?.focus();
            }}
          >
            <button type="button" role="tab" id="kb-tab-write" tabIndex={tab === 'write' ? 0 : -1} aria-selected={tab === 'write'} aria-controls="kb-panel-write" class="secondary small" onClick={() => setTab('write')}>
              {t.write}
            </button>
            <button type="button" role="tab" id="kb-tab-preview" tabIndex={tab === 'preview' ? 0 : -1} aria-selected={tab === 'preview'} aria-controls="kb-panel-preview" class="secondary small" onClick={() => setTab('preview')}>
              {t.preview}
            </button>
          </div>
          <div id="kb-panel-write" role="tabpanel" aria-labelledby="kb-tab-write" hidden={tab !== 'write'}>
            <Label for="kb-body" required>
              {t.body}
            </Label>
            <p class="hint" id="kb-body-hint">
              {t.bodyHint}
            </p>
            <textarea
              id="kb-body"
              rows={14}
              required
              value={body}
              onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)}
              {...fieldAttrs(problem, 'body', 'kb-body')}
              aria-describedby={problem?.field === 'body' ? 'kb-body-error kb-body-hint' : 'kb-body-hint'}
            />
            <FieldProblem lang={props.lang} problem={problem} field="body" id="kb-body" label={t.body} />
            {bytes > kbLimits.body && <p class="error">{t.bodyTooLong}</p>}
          </div>
          <div id="kb-panel-preview" role="tabpanel" aria-labelledby="kb-tab-preview" hidden={tab !== 'preview'} class="kb-preview" tabIndex={0}>
            {tab === 'preview' && (
              <>
                <p class="muted">{t.previewNote}</p>
                <h2>{title || t.untitled}</h2>
                <div class="post-body">{body.trim() ? <PreviewBody lang={props.lang} body={body} /> : <p class="muted">{t.nothingToPreview}</p>}</div>
              </>
            )}
          </div>
          <FormLevelProblem lang={props.lang} problem={problem} fields={['title', 'categoryId', 'body']} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {t.save}
            </button>
            {article?.status !== 'published' && (
              <button type="button" class="secondary" disabled={busy} onClick={() => save(true)}>
                {t.saveAndPublish}
              </button>
            )}
            {article && (
              <Link to={kbPath(article.id)} navigate={props.navigate}>
                {t.backToArticle}
              </Link>
            )}
          </div>
          <Done show={!!saved} text={saved ?? ''} />
        </form>
      )}
    </>
  );
}

// PreviewBody shows the editor's text as the article's page will: the server renders
// and sanitises it with the posts' renderer (POST /api/kb/preview), so the preview and
// the page never differ and no Markdown parser lives in the web.
function PreviewBody(props: { lang: Lang; body: string }) {
  const [html, setHtml] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    setError(undefined);
    kbApi.preview(props.body).then(
      (p) => live && setHtml(p.html),
      (err) => live && setError(codeOf(err)),
    );
    return () => {
      live = false;
    };
  }, [props.body]);
  if (error) return <Problem lang={props.lang} code={error} />;
  if (html === undefined) return <p class="muted">{strings[props.lang].loading}</p>;
  return <div dangerouslySetInnerHTML={{ __html: html }} />;
}

// ---- history and comparison ----

// ArticleHistory lists an article's versions (who, when, what), compares any two, and
// restores one (a new version with its content).
export function ArticleHistory(props: { lang: Lang; id: string; navigate: Nav }) {
  const s = strings[props.lang];
  const t = s.kb;
  const heading = useFocusHeading();
  const [article, setArticle] = useState<Article>();
  const [versions, setVersions] = useState<VersionEntry[]>();
  const [error, setError] = useState<string>();
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const [notice, setNotice] = useState<string>();
  const load = () =>
    Promise.all([kbApi.article(props.id), kbApi.versions(props.id)]).then(([a, v]) => {
      setArticle(a);
      const list = [...v.versions].sort((x, y) => y.version - x.version);
      setVersions(list);
      setTo(list[0]?.version);
      setFrom(list[1]?.version ?? list[0]?.version);
    }, (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, [props.id]);
  if (!article || !versions) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  const restore = async (v: number) => {
    setError(undefined);
    setNotice(undefined);
    try {
      const a = await kbApi.restore(article.id, v);
      setNotice(t.restoredDone(v, a.version));
      await load();
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {t.historyOf(article.title)}
      </h1>
      <p>
        <Link to={kbPath(article.id)} navigate={props.navigate}>
          {t.backToArticle}
        </Link>
      </p>
      <Problem lang={props.lang} code={error} />
      <Done show={!!notice} text={notice ?? ''} />
      {versions.length > 1 && (
        <form
          class="kb-compare"
          onSubmit={(e) => {
            e.preventDefault();
            if (from !== undefined && to !== undefined) props.navigate(diffPath(article.id, Math.min(from, to), Math.max(from, to)));
          }}
        >
          <fieldset>
            <legend>{t.compareTitle}</legend>
            <label for="kb-from">{t.compareFrom}</label>
            <select id="kb-from" value={String(from)} onChange={(e) => setFrom(Number((e.currentTarget as HTMLSelectElement).value))}>
              {versions.map((v) => (
                <option key={v.version} value={String(v.version)}>
                  {t.versionN(v.version)}
                </option>
              ))}
            </select>
            <label for="kb-to">{t.compareTo}</label>
            <select id="kb-to" value={String(to)} onChange={(e) => setTo(Number((e.currentTarget as HTMLSelectElement).value))}>
              {versions.map((v) => (
                <option key={v.version} value={String(v.version)}>
                  {t.versionN(v.version)}
                </option>
              ))}
            </select>
            <button type="submit" class="small" disabled={from === to}>
              {t.compare}
            </button>
            {from === to && <p class="muted">{t.chooseTwo}</p>}
          </fieldset>
        </form>
      )}
      <ol class="list kb-versions" reversed>
        {versions.map((v) => (
          <li key={v.version}>
            <strong>{t.versionN(v.version)}</strong>
            <span>{t.actions[v.action] ?? v.action}</span>
            {v.restoredFrom ? <span class="muted">{t.restoredFrom(v.restoredFrom)}</span> : null}
            <span class="muted">{t.byOn(v.editor.name, formatDateTime(props.lang, v.at))}</span>
            <span class="actions">
              {/* Only versions the reader may see are listed: a change is shown against the one before it when it is listed. */}
              {versions.some((x) => x.version === v.version - 1) && (
                <Link to={diffPath(article.id, v.version - 1, v.version)} navigate={props.navigate} class="button-link small secondary">
                  {t.changes}
                  <span class="visually-hidden"> {t.versionN(v.version)}</span>
                </Link>
              )}
              {article.canEdit && v.version !== article.version && (
                <button type="button" class="secondary small" onClick={() => confirm(t.confirmRestore(v.version)) && restore(v.version)}>
                  {t.restore}
                  <span class="visually-hidden"> {t.versionN(v.version)}</span>
                </button>
              )}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

// DiffParts writes a diff's parts: insertions as <ins>, deletions as <del>, each
// announced by a word (never by colour alone).
export function DiffParts(props: { lang: Lang; parts: DiffPart[] }) {
  const t = strings[props.lang].kb;
  return (
    <>
      {props.parts.map((p, i) =>
        p.op === 'insert' ? (
          <ins key={i}>
            <span class="visually-hidden">{t.insertedStart}</span>
            {p.text}
            <span class="visually-hidden">{t.insertedEnd}</span>
          </ins>
        ) : p.op === 'delete' ? (
          <del key={i}>
            <span class="visually-hidden">{t.deletedStart}</span>
            {p.text}
            <span class="visually-hidden">{t.deletedEnd}</span>
          </del>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

// readVersions reads ?from=&to= of a comparison's address (whole numbers from 1).
function readVersions(search: string): { from?: number; to?: number } {
  const q = new URLSearchParams(search);
  const num = (v: string | null) => (v && /^\d{1,6}$/.test(v) && Number(v) > 0 ? Number(v) : undefined);
  return { from: num(q.get('from')), to: num(q.get('to')) };
}

// ArticleDiff compares two versions of an article (/kb/articles/{id}/diff?from=&to=):
// the title's and the body's words inserted and deleted.
export function ArticleDiff(props: { lang: Lang; id: string; navigate: Nav }) {
  const s = strings[props.lang];
  const t = s.kb;
  const heading = useFocusHeading();
  const [{ from, to }] = useState(() => readVersions(location.search));
  const [diff, setDiff] = useState<Diff>();
  const [article, setArticle] = useState<Article>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    kbApi.article(props.id).then(setArticle, (err) => setError(codeOf(err)));
    if (from === undefined || to === undefined) return setError('invalid_version');
    kbApi.diff(props.id, from, to).then(setDiff, (err) => setError(codeOf(err)));
  }, [props.id, from, to]);
  if (error && (!article || error.endsWith('_not_found'))) return <LoadProblem lang={props.lang} code={error} navigate={props.navigate} />;
  if (!article || (!diff && !error)) return <p aria-busy="true">{s.loading}</p>;
  const changed = (parts: DiffPart[]) => parts.some((p) => p.op !== 'equal');
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {t.diffTitle(article.title)}
      </h1>
      <p class="muted">{diff ? t.diffBetween(diff.from, diff.to) : ''}</p>
      <p class="actions">
        <Link to={kbPath(article.id)} navigate={props.navigate}>
          {t.backToArticle}
        </Link>
        {article.canEdit && (
          <Link to={kbPath(article.id, 'history')} navigate={props.navigate}>
            {t.history}
          </Link>
        )}
      </p>
      <Problem lang={props.lang} code={error} />
      {diff && (
        <>
          <p class="muted kb-legend">{t.legend}</p>
          <section class="section" aria-labelledby="diff-title-h">
            <h2 id="diff-title-h" class="h3">
              {t.articleTitle}
            </h2>
            {changed(diff.title) ? (
              <p class="kb-diff">
                <DiffParts lang={props.lang} parts={diff.title} />
              </p>
            ) : (
              <p class="muted">{t.unchanged}</p>
            )}
          </section>
          <section class="section" aria-labelledby="diff-body-h">
            <h2 id="diff-body-h" class="h3">
              {t.body}
            </h2>
            {changed(diff.body) ? (
              <div class="kb-diff kb-diff-body">
                <DiffParts lang={props.lang} parts={diff.body} />
              </div>
            ) : (
              <p class="muted">{t.unchanged}</p>
            )}
          </section>
        </>
      )}
    </>
  );
}

// ---- turning an answer into an article (the post page) ----

// TurnIntoArticle is offered under an accepted answer to those who may write articles
// in the post's space (or the community): a category, a title (the question's by
// default), then the article is made (a draft, or published).
export function TurnIntoArticle(props: { lang: Lang; postId: string; postTitle: string; spaceId: string; commentId: string; navigate: Nav }) {
  const t = strings[props.lang].kb;
  const [categories, setCategories] = useState<Category[]>();
  const [open, setOpen] = useState(false);
  const [categoryId, setCategoryId] = useState('');
  const [title, setTitle] = useState(props.postTitle);
  const [problem, setProblem] = useState<FormProblem>();
  useEffect(() => {
    // The categories of the answer's space, then the community's, where the reader may write.
    (async () => {
      const out: Category[] = [];
      for (const space of [props.spaceId, '']) {
        const r = await kbApi.categories(space).catch(() => undefined);
        if (r?.canWrite) out.push(...r.categories);
      }
      setCategories(out);
      setCategoryId(out[0]?.id ?? '');
    })();
  }, [props.spaceId]);
  if (!categories || categories.length === 0) return null;
  const id = `to-article-${props.commentId}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = missing([
      ['title', title],
      ['categoryId', categoryId],
    ]);
    setProblem(empty);
    if (empty) return;
    try {
      const a = await kbApi.fromAnswer(props.postId, props.commentId, categoryId, title.trim());
      props.navigate(kbPath(a.id, 'edit'));
    } catch (err) {
      const p = problemOf(err, articleFields);
      setProblem(p);
    }
  };
  if (!open)
    return (
      <button type="button" class="secondary small" onClick={() => setOpen(true)}>
        {t.turnIntoArticle}
      </button>
    );
  return (
    <form class="kb-from-answer" onSubmit={submit} noValidate aria-label={t.turnIntoArticle}>
      <RequiredNote lang={props.lang} />
      <Label for={`${id}-title`} required>
        {t.articleTitle}
      </Label>
      <input id={`${id}-title`} required maxLength={kbLimits.title} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'title', `${id}-title`)} />
      <FieldProblem lang={props.lang} problem={problem} field="title" id={`${id}-title`} label={t.articleTitle} />
      <Label for={`${id}-cat`} required>
        {t.category}
      </Label>
      <select id={`${id}-cat`} required value={categoryId} onChange={(e) => setCategoryId((e.currentTarget as HTMLSelectElement).value)}>
        {categories.map((c) => (
          <option key={c.id} value={c.id}>
            {c.spaceName ? `${c.name} (${c.spaceName})` : `${c.name} (${t.communityWide})`}
          </option>
        ))}
      </select>
      <FormLevelProblem lang={props.lang} problem={problem} fields={['title']} />
      <div class="actions">
        <button type="submit" class="small">
          {t.makeArticle}
        </button>
        <button type="button" class="secondary small" onClick={() => setOpen(false)}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}

// ---- the article picker (a ticket reply) ----

// ArticlePicker finds published articles by their title's words and gives the chosen
// one's Markdown link to the reply ([title](/kb/articles/{id})).
export function ArticlePicker(props: { lang: Lang; id: string; spaceId?: string; onPick: (markdown: string) => void }) {
  const t = strings[props.lang].kb;
  const [q, setQ] = useState('');
  const [found, setFound] = useState<ArticleSummary[]>();
  const [error, setError] = useState<string>();
  const [picked, setPicked] = useState<string>();
  const search = async () => {
    setError(undefined);
    setPicked(undefined);
    // An empty box asks for a word and shows no earlier results (re-check tester 16, B).
    if (!q.trim()) {
      setFound(undefined);
      return setError('missing_query');
    }
    try {
      // The community's articles, then those of the ticket's space (a list is one place's).
      const places = ['', ...(props.spaceId ? [props.spaceId] : [])];
      // A place the agent may not read answers a refusal: the others' articles still show.
      const lists = await Promise.allSettled(places.map((space) => kbApi.articles({ q: q.trim(), status: 'published', space })));
      const read = lists.flatMap((l) => (l.status === 'fulfilled' ? [l.value.articles] : []));
      if (read.length === 0) throw (lists[0] as PromiseRejectedResult).reason;
      setFound(read.flat());
    } catch (err) {
      setError(codeOf(err));
    }
  };
  return (
    <details class="kb-picker">
      <summary>{t.insertArticle}</summary>
      <div role="search" aria-label={t.findArticle}>
        <label for={`${props.id}-q`}>{t.findArticle}</label>
        <input
          id={`${props.id}-q`}
          type="search"
          maxLength={100}
          value={q}
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            // Enter searches here, not sending the reply the picker sits in.
            if (e.key === 'Enter') {
              e.preventDefault();
              search();
            }
          }}
        />
        <button type="button" class="secondary small" onClick={search}>
          {t.find}
        </button>
      </div>
      {error === 'missing_query' ? <p class="error" role="alert">{t.typeWords}</p> : <Problem lang={props.lang} code={error} />}
      <div role="status">{found && found.length === 0 ? t.noneFound : found ? t.foundCount(found.length) : ''}</div>
      {found && found.length > 0 && (
        <ul class="list">
          {found.map((a) => (
            <li key={a.id}>
              <span>{a.title}</span>
              <span class="muted">{placeName(props.lang, a.spaceName)}</span>
              <button
                type="button"
                class="small"
                onClick={() => {
                  props.onPick(articleLink(a));
                  setPicked(a.title);
                }}
              >
                {t.insert}
                <span class="visually-hidden"> {a.title}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <Done show={!!picked} text={picked ? t.inserted(picked) : ''} />
    </details>
  );
}
