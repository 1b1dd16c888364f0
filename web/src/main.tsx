import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, Member, Provider } from './api';
import { errorText, initialLang, Lang, langs, saveLang, strings } from './i18n';
import './style.css';

type View = { kind: 'loading' } | { kind: 'signin'; error?: string } | { kind: 'sent'; email: string } | { kind: 'home'; member: Member };

function App() {
  const [lang, setLang] = useState<Lang>(initialLang());
  const [view, setView] = useState<View>({ kind: 'loading' });
  const s = strings[lang];

  useEffect(() => saveLang(lang), [lang]);
  useEffect(() => {
    document.title = s.title;
  }, [s]);

  useEffect(() => {
    // A bad or spent link comes back as ?signin_error=<code>.
    const params = new URLSearchParams(location.search);
    const linkError = params.get('signin_error') ?? undefined;
    if (linkError) history.replaceState(null, '', location.pathname);
    api
      .me()
      .then((member) => setView({ kind: 'home', member }))
      .catch((e) => setView({ kind: 'signin', error: linkError ?? (e instanceof ApiError && e.status !== 401 ? e.code : undefined) }));
  }, []);

  return (
    <>
      <header class="bar">
        <span class="brand">{s.title}</span>
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
        {view.kind === 'loading' && <p aria-busy="true">{s.loading}</p>}
        {view.kind === 'signin' && <SignIn lang={lang} error={view.error} onSent={(email) => setView({ kind: 'sent', email })} />}
        {view.kind === 'sent' && <Sent lang={lang} email={view.email} onBack={() => setView({ kind: 'signin' })} />}
        {view.kind === 'home' && <Home lang={lang} member={view.member} onSignedOut={() => setView({ kind: 'signin' })} />}
      </main>
    </>
  );
}

function SignIn(props: { lang: Lang; error?: string; onSent: (email: string) => void }) {
  const s = strings[props.lang];
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(props.error);
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => {
    api.providers().then((r) => setProviders(r.providers), () => setProviders([]));
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.startEmail(email.trim(), props.lang);
      props.onSent(email.trim());
    } catch (err) {
      setError(err instanceof ApiError ? err.code : 'internal');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-describedby="intro">
      <h1>{s.signInTitle}</h1>
      <p class="muted">{s.tagline}</p>
      {error && (
        <p id="form-error" class="error" role="alert">
          {errorText(s, error)}
        </p>
      )}
      {providers.length > 0 && (
        <>
          <ul class="providers">
            {providers.map((p) => (
              <li key={p.id}>
                <a class="provider" href={`/api/auth/oidc/${encodeURIComponent(p.id)}/start?return=/`}>
                  {s.continueWith(p.name)}
                </a>
              </li>
            ))}
          </ul>
          <p class="or">{s.or}</p>
        </>
      )}
      <p id="intro">{s.signInIntro}</p>
      <label for="email">{s.emailLabel}</label>
      <input
        id="email"
        name="email"
        type="email"
        autocomplete="email"
        inputMode="email"
        required
        value={email}
        aria-invalid={error === 'invalid_email'}
        aria-describedby={error ? 'email-hint form-error' : 'email-hint'}
        onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)}
      />
      <p id="email-hint" class="hint">
        {s.emailHint}
      </p>
      <button type="submit" disabled={busy}>
        {busy ? s.sending : s.send}
      </button>
    </form>
  );
}

function Sent(props: { lang: Lang; email: string; onBack: () => void }) {
  const s = strings[props.lang];
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-live="polite">
      <h1 tabIndex={-1} ref={heading}>
        {s.checkTitle}
      </h1>
      <p>{s.checkBody(props.email)}</p>
      <button type="button" class="secondary" onClick={props.onBack}>
        {s.checkAgain}
      </button>
    </section>
  );
}

function Home(props: { lang: Lang; member: Member; onSignedOut: () => void }) {
  const s = strings[props.lang];
  const signOut = async () => {
    await api.logout().catch(() => undefined);
    props.onSignedOut();
  };
  return (
    <section>
      <h1>{s.greeting(props.member.displayName)}</h1>
      <p>{s.signedInAs(props.member.email)}</p>
      <button type="button" class="secondary" onClick={signOut}>
        {s.signOut}
      </button>
    </section>
  );
}

render(<App />, document.getElementById('app')!);
