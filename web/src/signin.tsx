import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, Provider } from './api';
import { errorText, Lang, strings } from './i18n';

// SignIn is the registration page: provider buttons and the email form. An invitation
// code, when the visitor came through one, travels with both.
export function SignIn(props: { lang: Lang; error?: string; invitation?: string; onSent: (email: string) => void }) {
  const s = strings[props.lang];
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(props.error);
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => {
    api.providers().then((r) => setProviders(r.providers), () => setProviders([]));
  }, []);
  useEffect(() => setError(props.error), [props.error]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.startEmail(email.trim(), props.lang, props.invitation);
      props.onSent(email.trim());
    } catch (err) {
      setError(err instanceof ApiError ? err.code : 'internal');
    } finally {
      setBusy(false);
    }
  };
  const start = (id: string) => {
    const q = new URLSearchParams({ return: '/' });
    if (props.invitation) q.set('invitation', props.invitation);
    return `/api/auth/oidc/${encodeURIComponent(id)}/start?${q}`;
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
                <a class="provider" href={start(p.id)}>
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
