import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, Member } from './api';
import { errorText, initialLang, Lang, langs, saveLang, strings } from './i18n';
import { Admin, Home, InvitationLanding, Sessions } from './pages';
import { Directory, EditProfile, MemberPage } from './profile';
import { ModerationPage } from './moderation';
import { NotificationsPage } from './notifications';
import { HomeStream, PostPage, PublicSpaces, SpacePage } from './spaces';
import { SupportQueue, TicketPage } from './tickets';
import { ConfirmLink, InvitationWhileSignedIn, Sent, SignIn } from './signin';
import './style.css';

// A tiny path router: the app has few pages, and every path also works as a deep link
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
      setPath(p);
    },
  ];
}

type Auth = { kind: 'loading' } | { kind: 'visitor'; error?: string } | { kind: 'member'; member: Member; error?: string };

function App() {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [auth, setAuth] = useState<Auth>({ kind: 'loading' });
  const [sent, setSent] = useState<string>();
  const [path, navigate] = usePath();
  const s = strings[lang];

  useEffect(() => saveLang(lang), [lang]);
  useEffect(() => {
    document.title = s.title;
  }, [s]);
  useEffect(() => {
    // A failed sign-in comes back as ?signin_error=<code>.
    const linkError = new URLSearchParams(location.search).get('signin_error') ?? undefined;
    if (linkError) history.replaceState(null, '', location.pathname);
    api
      .me()
      .then((member) => setAuth({ kind: 'member', member, error: linkError }))
      .catch((e) => setAuth({ kind: 'visitor', error: linkError ?? (e instanceof ApiError && e.status !== 401 ? e.code : undefined) }));
  }, []);

  const signedOut = () => {
    setAuth({ kind: 'visitor' });
    navigate('/');
  };
  const isStaffInviter = auth.kind === 'member' && auth.member.roles.some((r) => r === 'admin' || r === 'marketer');
  const isModerator = auth.kind === 'member' && auth.member.roles.some((r) => r === 'admin' || r === 'moderator');
  const staff = auth.kind === 'member' && auth.member.roles.some((r) => r !== 'member');
  const isAgent = auth.kind === 'member' && auth.member.roles.some((r) => r === 'admin' || r === 'support');
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

  let page;
  const invite = path.match(/^\/invite\/([A-Za-z0-9-]+)$/);
  if (auth.kind === 'loading') page = <p aria-busy="true">{s.loading}</p>;
  // An emailed sign-in link: signed in or not, nothing happens before its button.
  else if (path === '/sign-in/link')
    page = <ConfirmLink lang={lang} member={auth.kind === 'member' ? auth.member : undefined} navigate={navigate} />;
  else if (invite && auth.kind === 'visitor') page = <InvitationLanding lang={lang} code={invite[1]} error={auth.error} />;
  else if (invite && auth.kind === 'member') page = <InvitationWhileSignedIn lang={lang} member={auth.member} navigate={navigate} />;
  // Visitors read public spaces when the community's access mode allows it (the API decides).
  else if (auth.kind === 'visitor' && path.startsWith('/spaces/'))
    page = <SpacePage lang={lang} id={path.slice('/spaces/'.length)} navigate={navigate} staff={false} signedIn={false} />;
  else if (auth.kind === 'visitor' && path.startsWith('/posts/'))
    page = <PostPage lang={lang} id={path.slice('/posts/'.length)} navigate={navigate} viewerId="" staff={false} />;
  else if (auth.kind === 'visitor')
    page = sent ? (
      <Sent lang={lang} email={sent} onBack={() => setSent(undefined)} />
    ) : (
      <>
        <SignIn lang={lang} error={auth.error} onSent={setSent} />
        <PublicSpaces lang={lang} navigate={navigate} />
      </>
    );
  else if (path === '/me/sessions') page = <Sessions lang={lang} onSignedOut={signedOut} />;
  else if (path === '/me/profile')
    page = <EditProfile lang={lang} member={auth.member} onSaved={(member) => setAuth({ kind: 'member', member })} onDeleted={signedOut} />;
  else if (path === '/members') page = <Directory lang={lang} navigate={navigate} />;
  else if (path.startsWith('/members/')) page = <MemberPage lang={lang} id={path.slice('/members/'.length)} viewer={auth.member} navigate={navigate} />;
  else if (path === '/admin' && isStaffInviter) page = <Admin lang={lang} member={auth.member} />;
  else if (path.startsWith('/spaces/'))
    page = <SpacePage lang={lang} id={path.slice('/spaces/'.length)} navigate={navigate} staff={staff} signedIn agent={isAgent} />;
  else if (path.startsWith('/posts/'))
    page = <PostPage lang={lang} id={path.slice('/posts/'.length)} navigate={navigate} viewerId={auth.member.id} staff={staff} agent={isAgent} />;
  else if (path.startsWith('/tickets/'))
    page = <TicketPage lang={lang} id={path.slice('/tickets/'.length)} navigate={navigate} viewerId={auth.member.id} />;
  else if (path === '/support' && isAgent) page = <SupportQueue lang={lang} navigate={navigate} viewerId={auth.member.id} />;
  else if (path === '/moderation' && isModerator) page = <ModerationPage lang={lang} navigate={navigate} />;
  else if (path === '/notifications') page = <NotificationsPage lang={lang} navigate={navigate} onRead={() => setUnread(0)} />;
  else {
    page = (
      <>
        <Home lang={lang} member={auth.member} onSignedOut={signedOut} />
        <HomeStream lang={lang} staff={staff} agent={isAgent} navigate={navigate} />
      </>
    );
  }

  return (
    <>
      <header class="bar">
        <span class="brand">{s.title}</span>
        {auth.kind === 'visitor' && path !== '/' && (
          <nav aria-label={s.nav.main}>
            {link('/', s.signInNav)}
          </nav>
        )}
        {auth.kind === 'member' && (
          <nav aria-label={s.nav.main}>
            {link('/', s.nav.home)}
            {link('/members', s.directoryNav)}
            {link('/me/profile', s.profileNav)}
            {link('/notifications', unread > 0 ? s.notificationsNavUnread(unread) : s.notificationsNav)}
            {link('/me/sessions', s.nav.sessions)}
            {isAgent && link('/support', s.supportNav)}
            {isModerator && link('/moderation', s.moderationNav)}
            {isStaffInviter && link('/admin', s.nav.admin)}
          </nav>
        )}
        <label class="lang">
          <span>{s.language}</span>
          <select value={lang} onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}>
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
