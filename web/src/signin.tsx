import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, LinkInfo, Member, Provider } from './api';
import { errorText, Lang, strings } from './i18n';
import { FieldProblem, FormProblem, Label, missing, problemOf, RequiredNote } from './ui';

// SignIn is the registration page: provider buttons and the email form. An invitation
// code, when the visitor came through one, travels with both.
export function SignIn(props: { lang: Lang; error?: string; invitation?: string; onSent: (email: string) => void }) {
  const s = strings[props.lang];
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  // The problem of the last try: about the email field (shown under it), or the form's
  // (a sign-in that came back refused, a rate limit...: shown at the top).
  const [problem, setProblem] = useState<FormProblem | undefined>(props.error ? { code: props.error } : undefined);
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => {
    api.providers().then((r) => setProviders(r.providers), () => setProviders([]));
  }, []);
  useEffect(() => setProblem(props.error ? { code: props.error } : undefined), [props.error]);
  const setError = (code?: string) => setProblem(code ? { code } : undefined);
  const error = problem && problem.field !== 'email' ? problem.code : undefined;
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(undefined);
    const empty = missing([['email', email]]);
    if (empty) return setProblem(empty);
    setBusy(true);
    try {
      await api.startEmail(email.trim(), props.lang, props.invitation);
      props.onSent(email.trim());
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  // A POST starts the flow (no link or GET can), then the browser goes to the provider.
  const start = async (id: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const to = await api.startSocial(id, { return: '/', locale: props.lang, ...(props.invitation ? { invitation: props.invitation } : {}) });
      location.assign(to.redirect);
    } catch (err) {
      setError(err instanceof ApiError ? err.code : 'internal');
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-describedby="intro">
      {!props.invitation && <h1>{s.signInTitle}</h1>}
      {!props.invitation && <p class="muted">{s.tagline}</p>}
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
                <button type="button" class="provider" disabled={busy} onClick={() => start(p.id)}>
                  {s.continueWith(p.name)}
                </button>
              </li>
            ))}
          </ul>
          <p class="or">{s.or}</p>
        </>
      )}
      <p id="intro">{s.signInIntro}</p>
      <RequiredNote lang={props.lang} />
      <Label for="email" required>
        {s.emailLabel}
      </Label>
      <input
        id="email"
        name="email"
        type="email"
        autocomplete="email"
        inputMode="email"
        required
        value={email}
        aria-invalid={problem?.field === 'email' ? true : undefined}
        aria-describedby={problem?.field === 'email' ? 'email-error email-hint' : 'email-hint'}
        onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)}
      />
      <FieldProblem lang={props.lang} problem={problem} field="email" id="email" label={s.emailLabel} />
      <p id="email-hint" class="hint">
        {s.emailHint}
      </p>
      <button type="submit" disabled={busy}>
        {busy ? s.sending : s.send}
      </button>
    </form>
  );
}

export function Sent(props: { lang: Lang; email: string; onBack: () => void }) {
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

// useFocusHeading moves focus to a page's heading when the page changes, as a screen
// reader user expects after navigation.
export function useFocusHeading() {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

// ConfirmLink is the page an emailed sign-in link opens. Opening it (what mail scanners
// do too) spends nothing: it shows whose link it is, and only its button signs in. A
// browser signed in with another account is switched only if the person chooses to.
export function ConfirmLink(props: { lang: Lang; member?: Member; navigate: (p: string) => void }) {
  const s = strings[props.lang];
  const heading = useRef<HTMLHeadingElement>(null);
  const readToken = () => new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const [token, setToken] = useState(readToken);
  const [info, setInfo] = useState<LinkInfo>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    // Another link opened in this tab changes only the fragment.
    const onHash = () => setToken(readToken());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    setInfo(undefined);
    setError(undefined);
    if (!token) {
      setError('link_invalid');
      return;
    }
    api.describeLink(token).then(setInfo, (e) => setError(e instanceof ApiError ? e.code : 'internal'));
  }, [token]);
  useEffect(() => heading.current?.focus(), [info === undefined, error === undefined]);
  const confirm = async (switchAccount: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.confirmLink(token, switchAccount);
      location.assign('/'); // the app starts again, signed in
    } catch (err) {
      setError(err instanceof ApiError ? err.code : 'internal');
      setBusy(false);
    }
  };
  const title = !info ? s.signInLinkTitle : info.newAccount ? s.linkCreateTitle : s.linkSignInTitle;
  if (!info && !error) return <p aria-busy="true">{s.loading}</p>;
  return (
    <section>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {error && (
        <p class="error" role="alert">
          {errorText(s, error)}
        </p>
      )}
      {!info ? (
        <p>
          <a
            href="/"
            onClick={(e) => {
              e.preventDefault();
              props.navigate('/');
            }}
          >
            {props.member ? s.nav.home : s.linkAskAgain}
          </a>
        </p>
      ) : (
        <>
          <p>{info.newAccount ? s.linkCreates(info.email) : s.linkSignsIn(info.email)}</p>
          {info.invitation && <p>{s.linkInvitation}</p>}
          {info.session === 'same' && <p>{s.linkSameAccount}</p>}
          {info.session === 'other' && props.member ? (
            <>
              <p class="notice" role="status">
                {s.linkOtherAccount(props.member.displayName, props.member.email)}
              </p>
              <div class="actions">
                <button type="button" disabled={busy} onClick={() => confirm(true)}>
                  {s.linkSwitch(info.email)}
                </button>
                <button type="button" class="secondary" onClick={() => props.navigate('/')}>
                  {s.linkStay(props.member.displayName)}
                </button>
              </div>
            </>
          ) : (
            <button type="button" disabled={busy} onClick={() => confirm(false)}>
              {info.session === 'same' ? s.linkContinue : info.newAccount ? s.linkCreate : s.linkSignIn}
            </button>
          )}
        </>
      )}
    </section>
  );
}

// InvitationWhileSignedIn is an invitation link opened by a member: invitations make new
// accounts, so nothing is accepted for the account already signed in.
export function InvitationWhileSignedIn(props: { lang: Lang; member: Member; navigate: (p: string) => void }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  return (
    <section>
      <h1 tabIndex={-1} ref={heading}>
        {s.invitationSignedInTitle}
      </h1>
      <p>{s.invitationSignedIn(props.member.displayName, props.member.email)}</p>
      <p>
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            props.navigate('/');
          }}
        >
          {s.nav.home}
        </a>
      </p>
    </section>
  );
}
