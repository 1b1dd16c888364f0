import { ComponentChildren, render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, May, Me, SpaceMembership } from './api';
import { errorText, initialLang, Lang, langs, saveLang, savedLang, showLang, strings } from './i18n';
import { Admin, Home, InvitationLanding, Sessions } from './pages';
import { Directory, EditProfile, MemberPage } from './profile';
import { ModerationPage } from './moderation';
import { NotificationsPage } from './notifications';
import { HomeStream, PostPage, PublicSpaces, SpacePage } from './spaces';
import { SupportQueue, TicketPage } from './tickets';
import { CampaignList, CampaignPage } from './campaigns';
import { CampaignAdmin, CampaignsAdmin } from './campaign-admin';

import { CataloguePage, OrdersPage } from './catalogue';
import { CatalogueAdmin } from './orders-admin';

import { RewardsPage } from './rewards';
import { LeaderboardPage } from './leaderboard';
import { RewardsAdmin } from './rewards-admin';
import { AudiencePage, NewsletterPrefsPage, UnsubscribePage } from './newsletter-prefs';

import { CalendarPage } from './calendar';
import { NewsletterResults } from './newsletter-results';

import { NewsletterEditor, NewslettersPage } from './newsletters';
import { ArchivedNewsletter, NewsletterArchive } from './newsletter-archive';
import { HealthCheckPage, HealthChecksPage, KpiDashboard, KpiManagePage, ParticipationPage } from './kpis';
import { HeaderSearch, SearchPage } from './search';
import { SearchAnalyticsPage } from './search-analytics';
import { ArticleDiff, ArticleEditor, ArticleHistory, ArticlePage, KbHome } from './knowledge';
import { BookmarksPage } from './bookmarks';
import { DocumentPage } from './documents';
import { matchRoute, mayView, RouteName, routeNamed } from './routes';
import { sendPageView } from './beacon';
import { NotFound } from './ui';
import { ConfirmLink, InvitationWhileSignedIn, Sent, SignIn } from './signin';
import './style.css';

// A tiny path router over the pages of routes.ts; every path also works as a deep link
// (the local runtime and CloudFront serve index.html for app paths).
function usePath(): [string, (p: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return [
    path,
    (p: string) => {
      history.pushState(null, '', p);
      setPath(location.pathname); // a query or a fragment is the page's own (?member=, #comment-)
    },
  ];
}

// moderates: the member moderates a space by a space role (owner, moderator): they open
// the moderation queue of those spaces.
type Auth = { kind: 'loading' } | { kind: 'visitor'; error?: string } | { kind: 'member'; member: Me; error?: string; moderates?: boolean };

function App() {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [auth, setAuth] = useState<Auth>({ kind: 'loading' });
  const [sent, setSent] = useState<string>();
  const [path, go] = usePath();
  // Each page shown counts as a page view (docs/kpis.md).
  useEffect(() => {
    sendPageView(path);
  }, [path]);
  // The header's menu (phones and narrow windows): closed by any navigation, Escape or a
  // click elsewhere; wide screens show the links and no menu button.
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const header = useRef<HTMLElement>(null);
  const navigate = (p: string) => {
    setMenuOpen(false);
    go(p);
  };
  const s = strings[lang];

  useEffect(() => showLang(lang), [lang]);
  useEffect(() => {
    document.title = s.title;
  }, [s]);
  useEffect(() => setMenuOpen(false), [path]);
  // A layout effect: Escape and outside clicks close the menu from the moment it is shown
  // (a passive effect runs later, and a key pressed before it went unheard).
  useLayoutEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (!header.current?.contains(e.target as Node)) setMenuOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [menuOpen]);
  useEffect(() => {
    // A failed sign-in comes back as ?signin_error=<code>.
    const linkError = new URLSearchParams(location.search).get('signin_error') ?? undefined;
    if (linkError) history.replaceState(null, '', location.pathname);
    api
      .me()
      .then(async (member) => {
        const mine = await api.mySpaces().catch(() => ({ memberships: [] as SpaceMembership[] }));
        const moderates = mine.memberships.some((m) => m.status === 'active' && (m.role === 'owner' || m.role === 'moderator'));
        // Without a choice made in this browser, the member's profile language wins
        // over the browser's.
        if (!savedLang() && (member.locale === 'en' || member.locale === 'fr')) setLang(member.locale);
        setAuth({ kind: 'member', member, error: linkError, moderates });
      })
      .catch((e) => setAuth({ kind: 'visitor', error: linkError ?? (e instanceof ApiError && e.status !== 401 ? e.code : undefined) }));
  }, []);

  const signedOut = () => {
    setAuth({ kind: 'visitor' });
    navigate('/');
  };
  // What the member may do, as GET /api/me says (the API's permission table): the app
  // keeps no copy of the role rules.
  const actions = auth.kind === 'member' ? auth.member.actions : undefined;
  const may: May = (a) => !!actions?.includes(a);
  // What pages are shown to (routes.ts): a space's moderator is 'space-moderator' too.
  const viewer = auth.kind === 'member' && auth.moderates ? [...auth.member.actions, 'space-moderator'] : actions;
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    if (auth.kind !== 'member') return;
    const poll = () => api.notifications().then((n) => setUnread(n.unread), () => undefined);
    poll();
    const timer = setInterval(poll, 60000);
    return () => clearInterval(timer);
  }, [auth.kind]);
  const link = (to: string, label: string) => (
    <a
      href={to}
      aria-current={path === to ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {label}
    </a>
  );

  const signInPage = sent ? (
    <Sent lang={lang} email={sent} onBack={() => setSent(undefined)} />
  ) : (
    <>
      <SignIn lang={lang} error={auth.kind === 'visitor' ? auth.error : undefined} onSent={setSent} />
      <PublicSpaces lang={lang} navigate={navigate} />
    </>
  );
  // Each page of routes.ts, for someone allowed to see it: member is set on the pages
  // of members (mayView).
  const member = auth.kind === 'member' ? auth.member : undefined;
  const canSee = (name: RouteName) => mayView(routeNamed(name), viewer);
  const pages: Record<RouteName, (p: Record<string, string>) => ComponentChildren> = {
    home: () =>
      member ? (
        <>
          <Home lang={lang} member={member} onSignedOut={signedOut} />
          <HomeStream lang={lang} may={may} navigate={navigate} />
        </>
      ) : (
        signInPage
      ),
    // An emailed sign-in link: signed in or not, nothing happens before its button.
    signInLink: () => <ConfirmLink lang={lang} member={member} navigate={navigate} />,
    invitation: (p) =>
      member ? (
        <InvitationWhileSignedIn lang={lang} member={member} navigate={navigate} />
      ) : (
        <InvitationLanding lang={lang} code={p.code} error={auth.kind === 'visitor' ? auth.error : undefined} />
      ),
    // Visitors read public spaces when the community's access mode allows it (the API decides).
    space: (p) => <SpacePage lang={lang} id={p.id} navigate={navigate} may={may} signedIn={!!member} />,
    post: (p) => <PostPage lang={lang} id={p.id} navigate={navigate} viewerId={member?.id ?? ''} may={may} />,
    ticket: (p) => <TicketPage lang={lang} id={p.id} navigate={navigate} viewerId={member!.id} />,
    directory: () => <Directory lang={lang} navigate={navigate} />,
    member: (p) => <MemberPage lang={lang} id={p.id} viewer={member!} navigate={navigate} />,
    profile: () => (
      <EditProfile lang={lang} member={member!} onSaved={(saved) => {
          if (!savedLang() && (saved.locale === 'en' || saved.locale === 'fr')) setLang(saved.locale);
          setAuth({ kind: 'member', member: { ...saved, actions: member!.actions }, moderates: auth.kind === 'member' && auth.moderates });
        }} onDeleted={signedOut} />
    ),
    sessions: () => <Sessions lang={lang} onSignedOut={signedOut} />,
    notifications: () => <NotificationsPage lang={lang} navigate={navigate} onRead={() => setUnread(0)} />,
    support: () => <SupportQueue lang={lang} navigate={navigate} viewerId={member!.id} />,
    moderation: () => <ModerationPage lang={lang} navigate={navigate} may={may} />,
    admin: () => <Admin lang={lang} may={may} />,
    // Campaigns (issue 12, r2).
    campaigns: () => <CampaignList lang={lang} navigate={navigate} manage={may('campaigns.manage')} />,
    campaign: (p) => <CampaignPage lang={lang} id={p.id} navigate={navigate} />,
    campaignsAdmin: () => <CampaignsAdmin lang={lang} navigate={navigate} />,
    campaignAdmin: (p) => <CampaignAdmin lang={lang} id={p.id} navigate={navigate} />,

    // Rewards: catalogue, redemptions, orders (issue 12, r3).
    catalogue: () => <CataloguePage lang={lang} navigate={navigate} may={may} />,
    orders: () => <OrdersPage lang={lang} navigate={navigate} />,
    catalogueAdmin: () => <CatalogueAdmin lang={lang} navigate={navigate} />,

    // rewards: points (r1)
    rewards: () => <RewardsPage lang={lang} navigate={navigate} staffLinks={{ admin: mayView(routeNamed('rewardsAdmin'), viewer), campaigns: mayView(routeNamed('campaignsAdmin'), viewer), catalogue: mayView(routeNamed('catalogueAdmin'), viewer), rules: may('rewards.settings') }} />,
    leaderboard: () => <LeaderboardPage lang={lang} navigate={navigate} />,
    rewardsAdmin: () => <RewardsAdmin lang={lang} may={may} />,

    // newsletters: audience and consent (issue 13, n2)
    newsletterPrefs: () => <NewsletterPrefsPage lang={lang} />,
    unsubscribe: () => <UnsubscribePage lang={lang} signedIn={!!member} navigate={navigate} />,
    newsletterAudience: () => <AudiencePage lang={lang} may={may} />,

    // newsletters: results and the calendar (issue 13, n4)
    newsletterCalendar: () => <CalendarPage lang={lang} navigate={navigate} />,
    newsletterResults: (p) => <NewsletterResults lang={lang} id={p.id} may={may} navigate={navigate} />,

    // newsletters: writing (issue 13, n1)
    newsletters: () => <NewslettersPage lang={lang} navigate={navigate} />,
    newsletterEditor: (p) => <NewsletterEditor lang={lang} id={p.id} navigate={navigate} me={{ id: member!.id, name: member!.displayName }} />,
    newsletterArchive: () => <NewsletterArchive lang={lang} navigate={navigate} />,
    newsletterArchived: (p) => <ArchivedNewsletter lang={lang} id={p.id} navigate={navigate} />,

    // KPIs (issue 14): kpisManage is the admins' (kpis.manage), who also run health checks.
    kpis: () => <KpiDashboard lang={lang} navigate={navigate} manage={canSee('kpisManage')} />,
    kpisParticipation: () => <ParticipationPage lang={lang} navigate={navigate} manage={canSee('kpisManage')} />,
    kpisHealthChecks: () => <HealthChecksPage lang={lang} navigate={navigate} manage={canSee('kpisManage')} />,
    kpisHealthCheck: (p) => <HealthCheckPage lang={lang} id={p.id} navigate={navigate} manage={canSee('kpisManage')} />,
    kpisManage: () => <KpiManagePage lang={lang} navigate={navigate} />,

    // Search (issue 15).
    search: () => <SearchPage lang={lang} navigate={navigate} />,
    searchAnalytics: () => <SearchAnalyticsPage lang={lang} />,

    // Knowledge base, documents and bookmarks (issue 16); a key per article, so a link
    // from one article's page to another shows the other's from the start.
    kb: () => <KbHome lang={lang} navigate={navigate} signedIn={!!member} />,
    kbNew: () => <ArticleEditor lang={lang} navigate={navigate} />,
    kbArticle: (p) => <ArticlePage key={p.id} lang={lang} id={p.id} navigate={navigate} signedIn={!!member} />,
    kbEdit: (p) => <ArticleEditor key={p.id} lang={lang} id={p.id} navigate={navigate} />,
    kbHistory: (p) => <ArticleHistory key={p.id} lang={lang} id={p.id} navigate={navigate} />,
    kbDiff: (p) => <ArticleDiff key={`${p.id}${location.search}`} lang={lang} id={p.id} navigate={navigate} />,
    bookmarks: () => <BookmarksPage lang={lang} navigate={navigate} />,
    spaceDocument: (p) => <DocumentPage key={p.docId} lang={lang} spaceId={p.id} docId={p.docId} navigate={navigate} signedIn={!!member} />,
  };

  let page: ComponentChildren;
  const match = matchRoute(path);
  if (auth.kind === 'loading') page = <p aria-busy="true">{s.loading}</p>;
  else if (match && mayView(match, viewer)) page = pages[match.name](match.params);
  // A page of members asks a visitor to sign in; an unknown address, or a page of a
  // role the member lacks, is not found.
  else if (match && !member) page = signInPage;
  else page = <NotFound lang={lang} navigate={navigate} />;

  return (
    <>
      <header class="bar" ref={header}>
        <span class="brand">{s.title}</span>
        {auth.kind !== 'loading' && <HeaderSearch lang={lang} path={path} />}
        {auth.kind === 'visitor' && (
          // Visitors read the community's public knowledge base too (docs/knowledge.md).
          <nav aria-label={s.nav.main}>
            {link('/kb', s.kb.nav)}
            {path !== '/' && link('/', s.signInNav)}
          </nav>
        )}
        {auth.kind === 'member' && (
          <>
            <button
              type="button"
              class="menu-toggle"
              ref={menuButton}
              aria-expanded={menuOpen}
              aria-controls="main-nav"
              onClick={() => setMenuOpen(!menuOpen)}
            >
              <span class="menu-icon" aria-hidden="true" />
              {s.menu}
              {unread > 0 && (
                <span class="count">
                  <span aria-hidden="true">{unread}</span>
                  <span class="visually-hidden">{s.notificationsNavUnread(unread)}</span>
                </span>
              )}
            </button>
            <nav id="main-nav" aria-label={s.nav.main} class={menuOpen ? 'collapsible open' : 'collapsible'}>
              {link('/', s.nav.home)}
              {link('/members', s.directoryNav)}
              {link('/me/profile', s.profileNav)}
              {link('/notifications', unread > 0 ? s.notificationsNavUnread(unread) : s.notificationsNav)}
              {link('/me/sessions', s.nav.sessions)}
              {link('/me/newsletters', s.nl2.navPrefs)}
              {link('/rewards', s.rewardsNav)}
              {link('/kb', s.kb.nav)}
              {link('/bookmarks', s.kb.bookmarksNav)}
              {canSee('support') && link('/support', s.supportNav)}
              {canSee('moderation') && link('/moderation', s.moderationNav)}
              {canSee('admin') && link('/admin', s.nav.admin)}
              {canSee('kpis') && link('/kpis', s.kpis.nav)}
              {canSee('searchAnalytics') && link('/search/analytics', s.find.analyticsNav)}
              {link(canSee('newsletters') ? '/newsletters' : '/newsletters/archive', canSee('newsletters') ? s.nl.nav : s.nl.archiveTitle)}
            </nav>
          </>
        )}
        <label class="lang">
          <span>{s.language}</span>
          <select value={lang} onChange={(e) => {
              const l = (e.currentTarget as HTMLSelectElement).value as Lang;
              saveLang(l);
              setLang(l);
            }}>
            {langs.map((l) => (
              <option value={l} lang={l} key={l}>
                {l === 'en' ? 'English' : 'Français'}
              </option>
            ))}
          </select>
        </label>
      </header>
      <main id="main" class="card">
        {auth.kind === 'member' && auth.error && path === '/' && (
          // A sign-in that came back refused (a social sign-in into another account) while signed in.
          <p class="error" role="alert">
            {errorText(s, auth.error)}
          </p>
        )}
        {page}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
