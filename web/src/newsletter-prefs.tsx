// Newsletters' audience and consent (issue 13, n2): the member's email preferences
// (their lists), the unsubscribe page a newsletter's link opens (no sign-in), and the
// staff's page of audience and lists (a segment's live count, the lists' defaults for
// new members, the suppression list).
import { useEffect, useState } from 'preact/hooks';
import { audienceApi, ListSettings, May, NewsletterList, newsletterLists, NewsletterPreferences, Suppression, UnsubscribeInfo } from './api';
import { formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { AudienceBuilder, emptySegment, ListSelect } from './audience';
import { codeOf, Done, Problem } from './ui';

// chosen reports whether a consent record was ever made (a list never chosen has none).
const chosen = (source: string) => source !== '';

// NewsletterPrefsPage is the member's lists: a checkbox each, saved when ticked, with
// when and how the current choice was made.
export function NewsletterPrefsPage(props: { lang: Lang }) {
  const s = strings[props.lang].nl2;
  const heading = useFocusHeading();
  const [prefs, setPrefs] = useState<NewsletterPreferences>();
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    audienceApi.preferences().then(setPrefs, (e) => setProblem(codeOf(e)));
  }, []);
  const toggle = (list: string, on: boolean) => {
    setSaved(false);
    setProblem(undefined);
    audienceApi.savePreferences({ [list]: on } as Record<NewsletterList, boolean>).then(
      (p) => {
        setPrefs(p);
        setSaved(true);
      },
      (e) => setProblem(codeOf(e)),
    );
  };
  return (
    <section class="newsletter-prefs">
      <h1 tabIndex={-1} ref={heading}>
        {s.prefsTitle}
      </h1>
      <p>{s.prefsIntro}</p>
      {!prefs && !problem && <p aria-busy="true">{strings[props.lang].loading}</p>}
      {prefs && (
        <ul class="list">
          {prefs.lists.map((c) => (
            <li key={c.list}>
              <label class="choice">
                <input type="checkbox" checked={c.subscribed} aria-describedby={`nl-${c.list}-help`} onChange={(e) => toggle(c.list, (e.currentTarget as HTMLInputElement).checked)} />{' '}
                {s.listNames[c.list]}
              </label>
              <p class="hint" id={`nl-${c.list}-help`}>
                {s.listHelp[c.list]} {chosen(c.source) ? s.since(formatDate(props.lang, c.at), s.sources[c.source] ?? '') : s.neverChose}
              </p>
            </li>
          ))}
        </ul>
      )}
      <Done show={saved} text={s.saved} />
      <Problem lang={props.lang} code={problem} />
      <p class="muted">{s.activityNote}</p>
    </section>
  );
}

// UnsubscribePage is what a newsletter's visible unsubscribe link opens (?t=<token>):
// it says which list and address, and unsubscribes at the click of one button (a mail
// scanner that opens the link changes nothing). No sign-in.
export function UnsubscribePage(props: { lang: Lang; signedIn: boolean; navigate: (p: string) => void }) {
  const t = strings[props.lang];
  const s = t.nl2;
  const heading = useFocusHeading();
  const token = new URLSearchParams(location.search).get('t') ?? '';
  const [info, setInfo] = useState<UnsubscribeInfo>();
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!token) return;
    audienceApi.describeUnsubscribe(token).then(setInfo, (e) => setProblem(codeOf(e)));
  }, [token]);
  const unsubscribe = () => {
    setBusy(true);
    audienceApi.unsubscribe(token).then(
      () => (setDone(true), setBusy(false)),
      (e) => (setProblem(codeOf(e)), setBusy(false)),
    );
  };
  const list = info ? s.listNames[info.list] : '';
  return (
    <section class="unsubscribe">
      <h1 tabIndex={-1} ref={heading}>
        {s.unsubscribeTitle}
      </h1>
      {!token && <p>{s.noToken}</p>}
      {token && !info && !problem && <p aria-busy="true">{t.loading}</p>}
      {info && !done && info.used && <p role="status">{s.alreadyUnsubscribed(list)}</p>}
      {info && !done && !info.used && !info.subscribed && <p>{s.notSubscribedNow(list)}</p>}
      {info && !done && !info.used && info.subscribed && (
        <>
          <p>{s.unsubscribeAsk(list, info.email)}</p>
          <button type="button" onClick={unsubscribe} disabled={busy}>
            {s.unsubscribeButton}
          </button>
        </>
      )}
      {done && (
        <p class="ok" role="status">
          {s.unsubscribed(list)}
        </p>
      )}
      <Problem lang={props.lang} code={problem} />
      {(done || info || problem) && (
        <p>
          <a
            href={props.signedIn ? '/me/newsletters' : '/'}
            onClick={(e) => {
              e.preventDefault();
              props.navigate(props.signedIn ? '/me/newsletters' : '/');
            }}
          >
            {props.signedIn ? s.manageSignedIn : s.manageSignIn}
          </a>
        </p>
      )}
    </section>
  );
}

// AudiencePage is the staff's page: a segment tried on a list with its live count, the
// lists' defaults for new members (admins change them), the suppression list (admins).
export function AudiencePage(props: { lang: Lang; may: May }) {
  const s = strings[props.lang].nl2;
  const heading = useFocusHeading();
  const [list, setList] = useState<NewsletterList>('digest');
  const [segment, setSegment] = useState(emptySegment());
  return (
    <section class="audience-page">
      <h1 tabIndex={-1} ref={heading}>
        {s.audienceTitle}
      </h1>
      <p>{s.audienceIntro}</p>
      <ListSelect lang={props.lang} id="aud-list" value={list} onChange={setList} />
      <AudienceBuilder lang={props.lang} id="aud" list={list} segment={segment} onChange={setSegment} />
      <ListDefaults lang={props.lang} editable={props.may('newsletters.lists')} />
      {props.may('newsletters.lists') && <Suppressions lang={props.lang} />}
    </section>
  );
}

function ListDefaults(props: { lang: Lang; editable: boolean }) {
  const s = strings[props.lang].nl2;
  const [settings, setSettings] = useState<ListSettings>();
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    audienceApi.lists().then(setSettings, (e) => setProblem(codeOf(e)));
  }, []);
  const save = (e: Event) => {
    e.preventDefault();
    if (!settings) return;
    setSaved(false);
    setProblem(undefined);
    audienceApi.saveLists(settings.defaults as Record<NewsletterList, boolean>).then(
      (r) => (setSettings(r), setSaved(true)),
      (err) => setProblem(codeOf(err)),
    );
  };
  return (
    <section class="section" aria-labelledby="nl-defaults">
      <h2 id="nl-defaults">{s.defaultsTitle}</h2>
      <p>{s.defaultsIntro}</p>
      {settings && (
        <form onSubmit={save}>
          {newsletterLists.map((l) => (
            <label class="choice" key={l}>
              <input
                type="checkbox"
                disabled={!props.editable}
                checked={!!settings.defaults[l]}
                onChange={(e) => setSettings({ defaults: { ...settings.defaults, [l]: (e.currentTarget as HTMLInputElement).checked } })}
              />{' '}
              {s.subscribeNew(s.listNames[l])}
            </label>
          ))}
          {props.editable ? <button type="submit">{s.saveDefaults}</button> : <p class="muted">{s.defaultsReadOnly}</p>}
        </form>
      )}
      <Done show={saved} text={s.saved} />
      <Problem lang={props.lang} code={problem} />
    </section>
  );
}

function Suppressions(props: { lang: Lang }) {
  const s = strings[props.lang].nl2;
  const [items, setItems] = useState<Suppression[]>([]);
  const [next, setNext] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();
  const load = (cursor?: string) =>
    audienceApi.suppressions(cursor).then(
      (p) => {
        setItems((old) => (cursor ? [...old, ...p.items] : p.items));
        setNext(p.next || undefined);
      },
      (e) => setProblem(codeOf(e)),
    );
  useEffect(() => void load(), []);
  const remove = (email: string) =>
    audienceApi.unsuppress(email).then(
      () => (setDone(email), setItems((old) => old.filter((x) => x.email !== email))),
      (e) => setProblem(codeOf(e)),
    );
  return (
    <section class="section" aria-labelledby="nl-suppressions">
      <h2 id="nl-suppressions">{s.suppressionsTitle}</h2>
      <p>{s.suppressionsIntro}</p>
      {items.length === 0 && !problem && <p class="muted">{s.noSuppressions}</p>}
      <ul class="list">
        {items.map((x) => (
          <li key={x.email}>
            <span class="wrap">{s.suppressedAt(x.email, s.reasons[x.reason] ?? x.reason, formatDate(props.lang, x.at))}</span>{' '}
            <button type="button" class="secondary" onClick={() => remove(x.email)}>
              {s.unsuppress(x.email)}
            </button>
          </li>
        ))}
      </ul>
      {next && (
        <button type="button" class="secondary" onClick={() => load(next)}>
          {s.more}
        </button>
      )}
      <Done show={!!done} text={done ? s.unsuppressed(done) : ''} />
      <Problem lang={props.lang} code={problem} />
    </section>
  );
}
