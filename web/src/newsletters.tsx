// The newsletters' pages for marketers and admins (issue 13, writing): every newsletter
// with the recurring digests, the branding and the sending settings, and one newsletter's
// editor with its audience (the segment's live count), its live preview as a chosen
// member, a test send to oneself, and its scheduling and sending.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, Digest, DigestInput, Newsletter, NewsletterBranding, NewsletterInput, NewsletterList, NewsletterPreview, NewsletterVersion, newslettersApi, SendingStatus } from './api';
import { AudienceBuilder } from './audience';
import { errorText, formatDate, formatDateTime, Lang, strings } from './i18n';
import { inZone } from './newsletter-results';
import { NewsletterSending, SendingSettingsForm } from './newsletter-send';
import { MemberPicker, Picked } from './pickers';
import { useFocusHeading } from './signin';
import { codeOf, Done, fieldAttrs, FormProblem, Label, LoadProblem, problemOf, RequiredNote } from './ui';

type Nav = (path: string) => void;
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;
const blockKinds = ['top_posts', 'unanswered', 'ideas', 'campaigns', 'announcements'];
const langCodes = ['en', 'fr'];

function go(navigate: Nav, path: string) {
  return (e: Event) => {
    e.preventDefault();
    navigate(path);
  };
}

// say is a problem code's sentence: the newsletters' own, else the app's.
export function say(lang: Lang, code: string): string {
  return strings[lang].nl.errors[code] ?? errorText(strings[lang], code);
}

// loadCode is the code a page that did not load shows: the app's own sentence for it,
// or its not-found sentence for the newsletters' not-found codes.
export const loadCode = (code: string) => (strings.en.errors[code] || !code.endsWith('_not_found') ? code : 'not_found');

// NlProblem shows a problem's sentence, announced.
function NlProblem(props: { lang: Lang; code?: string; id?: string }) {
  if (!props.code) return null;
  return (
    <p class="error" role="alert" id={props.id}>
      {say(props.lang, props.code)}
    </p>
  );
}

// Field is a labelled input with the sentence of its problem under it.
function Field(props: { lang: Lang; id: string; name: string; label: string; problem?: FormProblem; required?: boolean; children: preact.ComponentChildren }) {
  return (
    <>
      <Label for={props.id} required={props.required}>
        {props.label}
      </Label>
      {props.children}
      {props.problem?.field === props.name && (
        <p class="error field-error" role="alert" id={`${props.id}-error`}>
          {props.problem.code === 'missing_field' ? strings[props.lang].fillIn(props.label) : say(props.lang, props.problem.code)}
        </p>
      )}
    </>
  );
}

// NewslettersPage lists every newsletter, the digests and the branding.
export function NewslettersPage(props: { lang: Lang; navigate: Nav }) {
  const t = strings[props.lang].nl;
  const heading = useFocusHeading();
  const [list, setList] = useState<Newsletter[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const load = (cursor?: string) =>
    newslettersApi.list(cursor).then((p) => {
      setList((old) => (cursor ? [...(old ?? []), ...p.newsletters] : p.newsletters));
      setNext(p.next);
    }, (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, []);
  const subjectOf = (n: Newsletter) => (n.versions.find((v) => v.lang === props.lang) ?? n.versions.find((v) => v.lang === n.defaultLang))?.subject ?? '';
  return (
    <section class="newsletters">
      <h1 tabIndex={-1} ref={heading}>
        {t.title}
      </h1>
      <p class="actions">
        <a class="button" href="/newsletters/new" onClick={go(props.navigate, '/newsletters/new')}>
          {t.newNewsletter}
        </a>
        <a href="/newsletters/archive" onClick={go(props.navigate, '/newsletters/archive')}>
          {t.archiveLink}
        </a>
        <a href="/newsletters/audience" onClick={go(props.navigate, '/newsletters/audience')}>
          {strings[props.lang].nl2.audienceTitle}
        </a>
        <a href="/newsletters/calendar" onClick={go(props.navigate, '/newsletters/calendar')}>
          {strings[props.lang].nr.calendarTitle}
        </a>
      </p>
      <NlProblem lang={props.lang} code={error} />
      {list && list.length === 0 && <p class="muted">{t.noNewsletters}</p>}
      {list && list.length > 0 && (
        <ul class="list">
          {list.map((n) => (
            <li key={n.id}>
              <a href={`/newsletters/${n.id}`} onClick={go(props.navigate, `/newsletters/${n.id}`)}>
                {n.name}
              </a>{' '}
              <span class="badge">{t.states[n.state] ?? n.state}</span>
              <span class="muted wrap">
                {subjectOf(n)} · {t.lists[n.list] ?? n.list} · {formatDate(props.lang, n.updatedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" class="secondary" onClick={() => load(next)}>
          {t.more}
        </button>
      )}
      <Digests lang={props.lang} />
      <BrandingForm lang={props.lang} />
      <SendingSettingsForm lang={props.lang} />
    </section>
  );
}

// shownByField: the editor shows a problem of that field under its input.
const shownByField = (f?: string) =>
  !!f && (['name', 'list', 'defaultLang', 'periodDays'].includes(f) || /^versions\[\d+\]\.(subject|preheader|body|firstNameFallback)$/.test(f) || f.startsWith('blocks'));

const blankVersion = (lang: string): NewsletterVersion => ({ lang, subject: '', preheader: '', body: '', firstNameFallback: '' });

function inputOf(n?: Newsletter, lang: Lang = 'en'): NewsletterInput {
  if (!n) {
    return {
      name: '', defaultLang: lang, versions: [blankVersion(lang)], blocks: [{ kind: 'top_posts', limit: 5 }], periodDays: 7, archive: true,
      list: 'digest', segment: { spaceIds: [], roles: [], languages: [] },
    };
  }
  return {
    name: n.name, defaultLang: n.defaultLang, versions: n.versions.map((v) => ({ ...blankVersion(v.lang), ...v })), blocks: n.blocks,
    periodDays: n.periodDays ?? 7, archive: !!n.archive, list: n.list, segment: n.segment,
  };
}

// problemsOf is every wrong field of a refused save (problem+json `fields`: the API
// checks a newsletter whole), or the one problem of any other refusal.
function problemsOf(err: unknown): FormProblem[] {
  if (err instanceof ApiError && err.fields && err.fields.length > 0) return err.fields.map((f) => ({ code: f.code, field: f.field }));
  return [problemOf(err)];
}

// NewsletterEditor is one newsletter's editor ("new": a new one) with its live preview.
export function NewsletterEditor(props: { lang: Lang; id: string; navigate: Nav; me: Picked }) {
  const s = strings[props.lang];
  const t = s.nl;
  const heading = useFocusHeading();
  const isNew = props.id === 'new';
  const [n, setN] = useState<Newsletter>();
  const [form, setForm] = useState<NewsletterInput>(inputOf(undefined, props.lang));
  const [loadError, setLoadError] = useState<string>();
  // problems: every wrong field of the last save (the API's `fields`, else its one
  // problem), each shown under its field at once (finding 13).
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const pf = (field: string) => problems.find((p) => p.field === field);
  const blocksProblem = problems.find((p) => p.field?.startsWith('blocks'));
  const [saved, setSaved] = useState(false);
  const [dupProblem, setDupProblem] = useState<string>();
  // shown is the state the editor shows: the sending's status reads it when it changes.
  const shown = useRef<string>();
  shown.current = n?.state;
  useEffect(() => {
    if (isNew) return;
    newslettersApi.get(props.id).then((got) => {
      setN(got);
      setForm(inputOf(got));
    }, (err) => setLoadError(codeOf(err)));
  }, [props.id]);
  if (loadError) return <LoadProblem lang={props.lang} code={loadCode(loadError)} navigate={props.navigate} />;
  if (!isNew && !n) return null;
  const editable = isNew || n!.state === 'draft';
  const set = (patch: Partial<NewsletterInput>) => {
    setSaved(false);
    setProblems([]);
    setForm({ ...form, ...patch });
  };
  const setVersion = (i: number, patch: Partial<NewsletterVersion>) => set({ versions: form.versions.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
  const toggleBlock = (kind: string, on: boolean) =>
    set({ blocks: on ? [...form.blocks, { kind, limit: 5 }] : form.blocks.filter((b) => b.kind !== kind) });
  const setLimit = (kind: string, limit: number) => set({ blocks: form.blocks.map((b) => (b.kind === kind ? { ...b, limit } : b)) });
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    try {
      const got = isNew ? await newslettersApi.create(form) : await newslettersApi.update(n!.id, form, n!.updatedAt);
      setProblems([]);
      setSaved(true);
      if (isNew) props.navigate(`/newsletters/${got.id}`);
      else setN(got);
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };
  // duplicate makes a new draft of the loaded newsletter (its saved writing, list and
  // audience, named "Copy of …") and opens it.
  const duplicate = async () => {
    const from = inputOf(n!);
    setDupProblem(undefined);
    try {
      const got = await newslettersApi.create({ ...from, name: t.copyOf(from.name).slice(0, 120) });
      props.navigate(`/newsletters/${got.id}`);
    } catch (err) {
      setDupProblem(codeOf(err));
    }
  };
  const remove = async () => {
    try {
      await newslettersApi.remove(n!.id);
      props.navigate('/newsletters');
    } catch (err) {
      setProblems([problemOf(err)]);
    }
  };
  // followState reads the newsletter again when its sending moved it to another state:
  // the form is editable in a draft only.
  const followState = (st: SendingStatus) => {
    if (shown.current && st.state !== shown.current) {
      shown.current = st.state;
      setSaved(false);
      newslettersApi.get(props.id).then(setN, () => undefined);
    }
  };
  const missingLangs = langCodes.filter((l) => !form.versions.some((v) => v.lang === l));
  return (
    <section class="newsletter-editor">
      <p>
        <a href="/newsletters" onClick={go(props.navigate, '/newsletters')}>
          {t.backToList}
        </a>
      </p>
      <h1 tabIndex={-1} ref={heading}>
        {isNew ? t.newTitle : n!.name}
      </h1>
      {n && (
        <div class="nl-editor-head">
          <span class="badge">{t.states[n.state] ?? n.state}</span>
          <button type="button" class="secondary" onClick={duplicate} aria-describedby="nl-duplicate-hint">
            {t.duplicate}
          </button>
          <span class="muted" id="nl-duplicate-hint">
            {t.duplicateHint}
          </span>
        </div>
      )}
      <NlProblem lang={props.lang} code={dupProblem} />
      {!editable && <p class="nl-frozen">{t.notEditableBy[n!.state] ?? t.notEditable}</p>}
      <div class="nl-columns">
        <form class="form" onSubmit={submit} noValidate>
          <fieldset disabled={!editable} class="plain">
            <RequiredNote lang={props.lang} />
            <Field lang={props.lang} id="nl-name" name="name" label={t.fieldName} problem={pf('name')} required>
              <input id="nl-name" required maxLength={120} value={form.name} onInput={(e) => set({ name: val(e) })} {...fieldAttrs(pf('name'), 'name', 'nl-name')} />
            </Field>
            <Field lang={props.lang} id="nl-list" name="list" label={t.fieldList} problem={pf('list')}>
              <select id="nl-list" value={form.list} onChange={(e) => set({ list: val(e) })}>
                {Object.entries(t.lists).map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </select>
            </Field>
            <p class="muted">{t.audienceNote}</p>
            <AudienceBuilder lang={props.lang} id="nl-audience" list={form.list as NewsletterList} segment={form.segment} onChange={(segment) => set({ segment })} />
            {form.versions.map((v, i) => {
              const id = `nl-v${i}`;
              const f = (name: string) => `versions[${i}].${name}`;
              return (
                <fieldset key={v.lang} lang={v.lang}>
                  <legend>{t.version(t.languages[v.lang] ?? v.lang)}</legend>
                  <Field lang={props.lang} id={`${id}-subject`} name={f('subject')} label={t.fieldSubject} problem={pf(f('subject'))} required>
                    <input id={`${id}-subject`} required maxLength={150} value={v.subject} onInput={(e) => setVersion(i, { subject: val(e) })} {...fieldAttrs(pf(f('subject')), f('subject'), `${id}-subject`)} />
                  </Field>
                  <Field lang={props.lang} id={`${id}-pre`} name={f('preheader')} label={t.fieldPreheader} problem={pf(f('preheader'))}>
                    <input id={`${id}-pre`} maxLength={200} value={v.preheader ?? ''} onInput={(e) => setVersion(i, { preheader: val(e) })} {...fieldAttrs(pf(f('preheader')), f('preheader'), `${id}-pre`)} />
                  </Field>
                  <Field lang={props.lang} id={`${id}-body`} name={f('body')} label={t.fieldBody} problem={pf(f('body'))}>
                    <textarea id={`${id}-body`} rows={10} value={v.body} aria-describedby={`${id}-hint`}
                      onInput={(e) => setVersion(i, { body: (e.currentTarget as HTMLTextAreaElement).value })} {...fieldAttrs(pf(f('body')), f('body'), `${id}-body`)} />
                  </Field>
                  <p class="muted" id={`${id}-hint`}>
                    {t.bodyHintBefore} <code>{'{{first_name}}'}</code> {t.bodyHintAfter}
                  </p>
                  <Field lang={props.lang} id={`${id}-fb`} name={f('firstNameFallback')} label={t.fieldFallback} problem={pf(f('firstNameFallback'))}>
                    <input id={`${id}-fb`} maxLength={40} value={v.firstNameFallback ?? ''} onInput={(e) => setVersion(i, { firstNameFallback: val(e) })} {...fieldAttrs(pf(f('firstNameFallback')), f('firstNameFallback'), `${id}-fb`)} />
                  </Field>
                  {form.versions.length > 1 && (
                    <button type="button" class="secondary" onClick={() => set({
                        versions: form.versions.filter((_, j) => j !== i),
                        defaultLang: v.lang === form.defaultLang ? form.versions.find((_, j) => j !== i)!.lang : form.defaultLang,
                      })}>
                      {t.removeVersion}
                    </button>
                  )}
                </fieldset>
              );
            })}
            {missingLangs.map((l) => (
              <button key={l} type="button" class="secondary" onClick={() => set({ versions: [...form.versions, blankVersion(l)] })}>
                {t.addVersion(t.languages[l] ?? l)}
              </button>
            ))}
            {form.versions.length > 1 && (
              <Field lang={props.lang} id="nl-lang" name="defaultLang" label={t.fieldDefaultLang} problem={pf('defaultLang')}>
                <select id="nl-lang" value={form.defaultLang} onChange={(e) => set({ defaultLang: val(e) })}>
                  {form.versions.map((v) => (
                    <option key={v.lang} value={v.lang}>
                      {t.languages[v.lang] ?? v.lang}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            <fieldset id="nl-blocks" {...fieldAttrs(blocksProblem && { ...blocksProblem, field: 'blocks' }, 'blocks', 'nl-blocks')}>
              <legend>{t.blocksLegend}</legend>
              {blockKinds.map((kind) => {
                const b = form.blocks.find((x) => x.kind === kind);
                return (
                  <div key={kind} class="nl-block-choice">
                    <label class="check">
                      <input type="checkbox" checked={!!b} onChange={(e) => toggleBlock(kind, (e.currentTarget as HTMLInputElement).checked)} /> {t.blocks[kind]}
                    </label>
                    {b && (
                      <label class="inline">
                        <span class="visually-hidden">{t.blockItems(t.blocks[kind])}</span>
                        <input type="number" min={1} max={10} inputMode="numeric" value={b.limit ?? 5} onInput={(e) => setLimit(kind, Number(val(e)))} />
                      </label>
                    )}
                  </div>
                );
              })}
            </fieldset>
            {blocksProblem && <NlProblem lang={props.lang} code={blocksProblem.code} id="nl-blocks-error" />}
            <Field lang={props.lang} id="nl-period" name="periodDays" label={t.fieldPeriod} problem={pf('periodDays')}>
              <input id="nl-period" type="number" min={1} max={31} inputMode="numeric" value={form.periodDays ?? 7} onInput={(e) => set({ periodDays: Number(val(e)) })} {...fieldAttrs(pf('periodDays'), 'periodDays', 'nl-period')} />
            </Field>
            <p>
              <label class="check">
                <input type="checkbox" checked={!!form.archive} onChange={(e) => set({ archive: (e.currentTarget as HTMLInputElement).checked })} /> {t.fieldArchive}
              </label>
            </p>
            {problems
              .filter((p, i) => !shownByField(p.field) && problems.findIndex((q) => q.code === p.code) === i)
              .map((p) => (
                <NlProblem key={p.code} lang={props.lang} code={p.code} />
              ))}
            <div class="actions">
              <button type="submit">{t.save}</button>
              {n && n.state === 'draft' && (
                <button type="button" class="secondary" onClick={remove}>
                  {t.remove}
                </button>
              )}
            </div>
            <Done show={saved} text={t.saved} />
          </fieldset>
        </form>
        <PreviewPane lang={props.lang} form={form} id={n?.id} me={props.me} />
      </div>
      {n && <NewsletterSending lang={props.lang} id={n.id} onChange={followState} />}
      {n && n.state !== 'draft' && (
        <p>
          <a href={`/newsletters/${n.id}/results`} onClick={go(props.navigate, `/newsletters/${n.id}/results`)}>
            {strings[props.lang].nr.resultsTitle}
          </a>
        </p>
      )}
    </section>
  );
}

// PreviewPane shows the newsletter as a chosen member would receive it, updated as the
// form changes, and sends a test to oneself.
function PreviewPane(props: { lang: Lang; form: NewsletterInput; id?: string; me: Picked }) {
  const t = strings[props.lang].nl;
  const [member, setMember] = useState<Picked>(props.me);
  const [preview, setPreview] = useState<NewsletterPreview>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string>();
  const [testProblem, setTestProblem] = useState<string>();
  const seq = useRef(0);
  const f = props.form;
  useEffect(() => {
    const mine = ++seq.current;
    setBusy(true);
    const timer = setTimeout(() => {
      const writing = { name: f.name || '-', defaultLang: f.defaultLang, versions: f.versions, blocks: f.blocks, periodDays: f.periodDays, archive: f.archive };
      newslettersApi.preview(writing, member.id, props.id).then((p) => {
        if (mine !== seq.current) return;
        setPreview(p);
        setProblem(undefined);
        setBusy(false);
      }, (err) => {
        if (mine !== seq.current) return;
        setProblem(err instanceof ApiError ? err.code : 'internal');
        setBusy(false);
      });
    }, 500);
    return () => clearTimeout(timer);
  }, [JSON.stringify(f), member.id, props.id]);
  const test = async () => {
    setSent(undefined);
    setTestProblem(undefined);
    try {
      const r = await newslettersApi.test(props.id!, member.id === props.me.id ? '' : member.id);
      setSent(r.to);
    } catch (err) {
      setTestProblem(codeOf(err));
    }
  };
  return (
    <aside class="nl-preview-pane" aria-labelledby="nl-preview-title">
      <h2 id="nl-preview-title">{t.previewTitle}</h2>
      <MemberPicker lang={props.lang} id="nl-preview-member" label={t.previewAs} onPick={setMember} />
      <p class="muted">{t.previewingAs(member.name)}</p>
      <p class="muted" aria-live="polite">
        {busy ? t.previewLoading : ''}
      </p>
      {problem && <p class="muted">{say(props.lang, problem)}</p>}
      {preview && !problem && (
        <>
          {preview.withheld > 0 && <p class="muted">{t.withheld(preview.withheld)}</p>}
          {preview.empty ? (
            <p class="muted">{t.emptyDigest}</p>
          ) : (
            <>
              <dl class="nl-envelope">
                <dt>{t.previewSubject}</dt>
                <dd>{preview.subject}</dd>
                {preview.preheader && (
                  <>
                    <dt>{t.previewPreheader}</dt>
                    <dd>{preview.preheader}</dd>
                  </>
                )}
              </dl>
              {/* The server's rendering of sanitized Markdown and escaped community titles. */}
              <div class="nl-preview" lang={preview.lang} dangerouslySetInnerHTML={{ __html: preview.page }} />
              <details>
                <summary>{t.textVersion}</summary>
                <pre class="nl-text">{preview.text.replace(/__UNSUBSCRIBE_URL__/g, '…')}</pre>
              </details>
            </>
          )}
        </>
      )}
      <h3>{t.testTitle}</h3>
      <p class="muted">{t.testHint}</p>
      {props.id ? (
        <button type="button" class="secondary" onClick={test}>
          {t.testButton}
        </button>
      ) : (
        <p class="muted">{t.saveFirst}</p>
      )}
      <Done show={!!sent} text={sent ? t.testSent(sent) : ''} />
      <NlProblem lang={props.lang} code={testProblem} />
    </aside>
  );
}

// Digests: the weekly and the monthly digest, on or off, with their day and hour.
function Digests(props: { lang: Lang }) {
  const t = strings[props.lang].nl;
  const [list, setList] = useState<Digest[]>();
  useEffect(() => {
    newslettersApi.digests().then((r) => setList(r.digests), () => setList([]));
  }, []);
  return (
    <section aria-labelledby="nl-digests-title">
      <h2 id="nl-digests-title">{t.digestsTitle}</h2>
      <p class="muted">{t.digestsHint}</p>
      {list?.map((d) => <DigestForm key={d.id} lang={props.lang} digest={d} />)}
    </section>
  );
}

// DigestForm is one digest's settings; its next issue is said on the digest's own clock,
// its zone named (finding 15: the browser's zone contradicted the hour set below).
function DigestForm(props: { lang: Lang; digest: Digest }) {
  const t = strings[props.lang].nl;
  const d0 = props.digest;
  const [d, setD] = useState<Digest>(d0);
  const [form, setForm] = useState<DigestInput>({
    enabled: d0.enabled, weekday: d0.weekday, monthDay: d0.monthDay || 1, hour: d0.hour, timeZone: d0.timeZone || 'UTC',
    writing: {
      name: d0.name || t.digestNames[d0.id], defaultLang: d0.defaultLang || props.lang,
      versions: d0.versions.length ? d0.versions : [{ lang: props.lang, subject: t.digestNames[d0.id], body: '' }],
      blocks: d0.blocks.length ? d0.blocks : [{ kind: 'top_posts', limit: 5 }, { kind: 'unanswered', limit: 5 }],
    },
    segment: d0.segment,
  });
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const pf = (field: string) => problems.find((p) => p.field === field);
  const digestFields = ['weekday', 'monthDay', 'hour', 'timeZone', 'versions[0].subject'];
  const [saved, setSaved] = useState(false);
  const id = `dg-${d0.id}`;
  const set = (patch: Partial<DigestInput>) => {
    setSaved(false);
    setForm({ ...form, ...patch });
  };
  const subject = form.writing.versions[0]?.subject ?? '';
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      setD(await newslettersApi.saveDigest(d0.id, form));
      setProblems([]);
      setSaved(true);
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };
  const toggle = (kind: string, on: boolean) =>
    set({ writing: { ...form.writing, blocks: on ? [...form.writing.blocks, { kind, limit: 5 }] : form.writing.blocks.filter((b) => b.kind !== kind) } });
  return (
    <form class="form digest-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t.digestNames[d0.id]}</h3>
      <p class="muted">{d.enabled && d.nextAt ? t.nextIssue(d.timeZone ? `${inZone(props.lang, d.nextAt, d.timeZone, { dateStyle: 'full', timeStyle: 'short' })} (${d.timeZone})` : formatDateTime(props.lang, d.nextAt)) : t.digestOff}</p>
      <label class="check">
        <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: (e.currentTarget as HTMLInputElement).checked })} /> {t.digestOn}
      </label>
      {d0.id === 'weekly' ? (
        <Field lang={props.lang} id={`${id}-day`} name="weekday" label={t.fieldWeekday} problem={pf('weekday')}>
          <select id={`${id}-day`} value={form.weekday} onChange={(e) => set({ weekday: Number(val(e)) })}>
            {t.weekdays.map((name, i) => (
              <option key={i} value={i}>
                {name}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <Field lang={props.lang} id={`${id}-mday`} name="monthDay" label={t.fieldMonthDay} problem={pf('monthDay')}>
          <input id={`${id}-mday`} type="number" min={1} max={28} inputMode="numeric" value={form.monthDay} onInput={(e) => set({ monthDay: Number(val(e)) })} />
        </Field>
      )}
      <Field lang={props.lang} id={`${id}-hour`} name="hour" label={t.fieldHour} problem={pf('hour')}>
        <input id={`${id}-hour`} type="number" min={0} max={23} inputMode="numeric" value={form.hour} onInput={(e) => set({ hour: Number(val(e)) })} {...fieldAttrs(pf('hour'), 'hour', `${id}-hour`)} />
      </Field>
      <Field lang={props.lang} id={`${id}-tz`} name="timeZone" label={t.fieldTimeZone} problem={pf('timeZone')}>
        <input id={`${id}-tz`} maxLength={64} value={form.timeZone} onInput={(e) => set({ timeZone: val(e) })} />
      </Field>
      <Field lang={props.lang} id={`${id}-subject`} name="versions[0].subject" label={t.fieldSubject} problem={pf('versions[0].subject')} required>
        <input id={`${id}-subject`} required maxLength={150} value={subject}
          onInput={(e) => set({ writing: { ...form.writing, versions: form.writing.versions.map((v, i) => (i === 0 ? { ...v, subject: val(e) } : v)) } })} />
      </Field>
      <fieldset>
        <legend>{t.blocksLegend}</legend>
        {blockKinds.map((kind) => (
          <label key={kind} class="check">
            <input type="checkbox" checked={form.writing.blocks.some((b) => b.kind === kind)} onChange={(e) => toggle(kind, (e.currentTarget as HTMLInputElement).checked)} /> {t.blocks[kind]}
          </label>
        ))}
      </fieldset>
      {problems
        .filter((p, i) => !digestFields.includes(p.field ?? '') && problems.findIndex((q) => q.code === p.code) === i)
        .map((p) => (
          <NlProblem key={p.code} lang={props.lang} code={p.code} />
        ))}
      <button type="submit">{t.saveDigest}</button>
      <Done show={saved} text={t.saved} />
    </form>
  );
}

// BrandingForm sets the community's name, colour, logo and footer in newsletters.
function BrandingForm(props: { lang: Lang }) {
  const t = strings[props.lang].nl;
  const [b, setB] = useState<NewsletterBranding>();
  const [problem, setProblem] = useState<FormProblem>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    newslettersApi.branding().then(setB, () => undefined);
  }, []);
  if (!b) return null;
  const set = (patch: Partial<NewsletterBranding>) => {
    setSaved(false);
    setB({ ...b, ...patch });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      setB(await newslettersApi.saveBranding(b));
      setProblem(undefined);
      setSaved(true);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <section aria-labelledby="nl-brand-title">
      <h2 id="nl-brand-title">{t.brandingTitle}</h2>
      <form class="form" onSubmit={submit} noValidate>
        <Field lang={props.lang} id="br-name" name="communityName" label={t.fieldCommunityName} problem={problem} required>
          <input id="br-name" required maxLength={80} value={b.communityName} onInput={(e) => set({ communityName: val(e) })} {...fieldAttrs(problem, 'communityName', 'br-name')} />
        </Field>
        <Field lang={props.lang} id="br-color" name="color" label={t.fieldColor} problem={problem}>
          <input id="br-color" type="color" value={b.color} onInput={(e) => set({ color: val(e) })} {...fieldAttrs(problem, 'color', 'br-color')} />
        </Field>
        <Field lang={props.lang} id="br-logo" name="logoUrl" label={t.fieldLogo} problem={problem}>
          <input id="br-logo" type="url" maxLength={500} value={b.logoUrl ?? ''} onInput={(e) => set({ logoUrl: val(e) })} {...fieldAttrs(problem, 'logoUrl', 'br-logo')} />
        </Field>
        <Field lang={props.lang} id="br-footer" name="footer" label={t.fieldFooter} problem={problem}>
          <input id="br-footer" maxLength={300} value={b.footer ?? ''} onInput={(e) => set({ footer: val(e) })} {...fieldAttrs(problem, 'footer', 'br-footer')} />
        </Field>
        {problem && !['communityName', 'color', 'logoUrl', 'footer'].includes(problem.field ?? '') && <NlProblem lang={props.lang} code={problem.code} />}
        <button type="submit">{t.saveBranding}</button>
        <Done show={saved} text={t.saved} />
      </form>
    </section>
  );
}
