// The marketers' campaign pages (issue 12, r2): every campaign, and one campaign's
// editor with its schedule (publish, pause, resume, end), the proofs to review, the
// trial applications and the report.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, Campaign, CampaignInput, campaignsApi, CampaignReport, CampaignSummary, ChallengeInput, Submission, TrialApplication } from './api';
import { formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, LoadProblem, Problem, problemOf, RequiredNote } from './ui';
import { Checks, SpaceChecks, SpacePicker } from './pickers';

type Nav = (path: string) => void;
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function go(navigate: Nav, path: string) {
  return (e: Event) => {
    e.preventDefault();
    navigate(path);
  };
}

// local is a time as a datetime-local input shows it (the browser's time zone).
function local(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// CampaignsAdmin lists every campaign for those who run them.
export function CampaignsAdmin(props: { lang: Lang; navigate: Nav }) {
  const c = strings[props.lang].campaigns;
  const heading = useFocusHeading();
  const [list, setList] = useState<CampaignSummary[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    campaignsApi.all().then((r) => setList(r.campaigns), (err) => setError(codeOf(err)));
  }, []);
  return (
    <section class="campaigns-admin">
      <h1 tabIndex={-1} ref={heading}>
        {c.manageTitle}
      </h1>
      <p>
        <a class="button" href="/campaigns/manage/new" onClick={go(props.navigate, '/campaigns/manage/new')}>
          {c.newCampaign}
        </a>
      </p>
      <Problem lang={props.lang} code={error} />
      {list && (
        <ul class="list">
          {list.map((k) => (
            <li key={k.id}>
              <a href={`/campaigns/manage/${k.id}`} onClick={go(props.navigate, `/campaigns/manage/${k.id}`)}>
                {k.title}
              </a>{' '}
              <span class="badge">{c.states[k.state] ?? k.state}</span>{' '}
              <span class="muted">
                {c.starts(formatDate(props.lang, k.startsAt))} · {c.ends(formatDate(props.lang, k.endsAt))}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const blankChallenge = (): ChallengeInput => ({ kind: 'proof', title: '', instructions: '', points: 100, maxCompletions: 1 });

function inputOf(k?: Campaign): CampaignInput {
  if (!k) {
    const start = new Date(Date.now() + 3600e3);
    const end = new Date(start.getTime() + 30 * 24 * 3600e3);
    return {
      title: '', description: '', disclosure: '', audience: { kind: 'everyone', spaceIds: [], roles: [] },
      startsAt: start.toISOString(), endsAt: end.toISOString(), pointsBudget: 1000, giftBudget: 0, challenges: [blankChallenge()],
    };
  }
  return {
    title: k.title, description: k.description, disclosure: k.disclosure, imageKey: k.imageKey || undefined,
    audience: k.audience ?? { kind: 'everyone', spaceIds: [], roles: [] }, startsAt: k.startsAt, endsAt: k.endsAt,
    pointsBudget: k.pointsBudget ?? 0, giftBudget: k.giftBudget ?? 0,
    challenges: k.challenges.map((ch) => ({ kind: ch.kind, title: ch.title, instructions: ch.instructions, points: ch.points, maxCompletions: ch.maxCompletions,
      action: ch.action, spaceId: ch.spaceId, count: ch.count, needsScreenshot: ch.needsScreenshot })),
    trial: k.trial ? { offer: k.trial.offer, instructions: k.trial.instructions ?? '', slots: k.trial.slots } : undefined,
  };
}

// problemsOf is every wrong field of a refused save (the API checks the form whole:
// problem+json fields), or the one problem of any other refusal.
function problemsOf(err: unknown): FormProblem[] {
  if (err instanceof ApiError && err.fields && err.fields.length > 0) return err.fields.map((f) => ({ code: f.code, field: f.field }));
  return [problemOf(err)];
}

// memberRoles are the roles an audience may name: those of members (staff take no
// part in campaigns, and the API refuses an audience of staff roles).
const memberRoles = ['member'];

// Editor writes a campaign's fields: every field's problem is shown next to it at once.
// A started campaign's frozen fields (title, audience, start, challenges, the trial's
// offer and instructions) are read-only, with the sentence that says so above the form.
function Editor(props: { lang: Lang; campaign?: Campaign; onSaved: (k: Campaign) => void }) {
  const s = strings[props.lang];
  const c = s.campaigns;
  const [form, setForm] = useState<CampaignInput>(inputOf(props.campaign));
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const pf = (f: string) => problems.find((p) => p.field === f);
  const frozen = !!props.campaign && (props.campaign.state === 'live' || props.campaign.state === 'paused');
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<CampaignInput>) => setForm({ ...form, ...patch });
  const setChallenge = (i: number, patch: Partial<ChallengeInput>) => set({ challenges: form.challenges.map((ch, j) => (j === i ? { ...ch, ...patch } : ch)) });
  const pickImage = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      set({ imageKey: await campaignsApi.upload('campaign_image', file) });
    } catch (err) {
      setProblems([problemOf(err, { reward_image_type: 'imageKey', reward_image_too_large: 'imageKey', upload_failed: 'imageKey' })]);
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    try {
      const k = props.campaign ? await campaignsApi.update(props.campaign.id, form) : await campaignsApi.create(form);
      setProblems([]);
      setSaved(true);
      props.onSaved(k);
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };
  const field = (name: string, id: string, label: string, input: preact.ComponentChildren, required = false) => (
    <>
      <Label for={id} required={required}>
        {label}
      </Label>
      {input}
      <FieldProblem lang={props.lang} problem={pf(name)} field={name} id={id} label={label} />
    </>
  );
  const fields = ['title', 'imageKey', 'description', 'disclosure', 'startsAt', 'endsAt', 'pointsBudget', 'giftBudget', 'audience', 'audience.roles', 'challenges', 'trial.offer', 'trial.instructions', 'trial.slots'];
  form.challenges.forEach((_, i) => ['kind', 'title', 'instructions', 'points', 'maxCompletions', 'action', 'count', 'spaceId'].forEach((f) => fields.push(`challenges[${i}].${f}`)));
  return (
    <form class="form campaign-editor" onSubmit={submit} noValidate>
      {frozen && (
        <p class="note" id="c-frozen">
          {s.g3.frozen}
        </p>
      )}
      <RequiredNote lang={props.lang} />
      {field('title', 'c-title', c.fieldTitle, <input id="c-title" required readOnly={frozen} aria-describedby={frozen ? 'c-frozen' : undefined} value={form.title} onInput={(e) => set({ title: val(e) })} {...fieldAttrs(pf('title'), 'title', 'c-title')} />, true)}
      {field('description', 'c-desc', c.fieldDescription,
        <textarea id="c-desc" rows={5} value={form.description} onInput={(e) => set({ description: (e.currentTarget as HTMLTextAreaElement).value })} {...fieldAttrs(pf('description'), 'description', 'c-desc')} />)}
      <label for="c-image">{c.fieldImage}</label>
      <input id="c-image" type="file" accept="image/png,image/jpeg,image/webp" onChange={pickImage} {...fieldAttrs(pf('imageKey'), 'imageKey', 'c-image')} />
      {form.imageKey && <p class="muted">{c.imageReady}</p>}
      <FieldProblem lang={props.lang} problem={pf('imageKey')} field="imageKey" id="c-image" />
      {field('disclosure', 'c-disc', c.fieldDisclosure, <input id="c-disc" required value={form.disclosure} onInput={(e) => set({ disclosure: val(e) })} {...fieldAttrs(pf('disclosure'), 'disclosure', 'c-disc')} />, true)}
      {field('startsAt', 'c-start', c.fieldStarts,
        <input id="c-start" type="datetime-local" required readOnly={frozen} value={form.startsAt ? local(form.startsAt) : ''} onInput={(e) => set({ startsAt: new Date(val(e)).toISOString() })} {...fieldAttrs(pf('startsAt'), 'startsAt', 'c-start')} />, true)}
      {field('endsAt', 'c-end', c.fieldEnds,
        <input id="c-end" type="datetime-local" required value={form.endsAt ? local(form.endsAt) : ''} onInput={(e) => set({ endsAt: new Date(val(e)).toISOString() })} {...fieldAttrs(pf('endsAt'), 'endsAt', 'c-end')} />, true)}
      {field('pointsBudget', 'c-pb', c.fieldPointsBudget,
        <input id="c-pb" type="number" min={0} inputMode="numeric" value={form.pointsBudget} onInput={(e) => set({ pointsBudget: Number(val(e)) })} {...fieldAttrs(pf('pointsBudget'), 'pointsBudget', 'c-pb')} />)}
      {field('giftBudget', 'c-gb', c.fieldGiftBudget,
        <input id="c-gb" type="number" min={0} inputMode="numeric" value={form.giftBudget} onInput={(e) => set({ giftBudget: Number(val(e)) })} {...fieldAttrs(pf('giftBudget'), 'giftBudget', 'c-gb')} />)}
      {field('audience', 'c-aud', c.fieldAudience,
        <select id="c-aud" disabled={frozen} value={form.audience.kind} onChange={(e) => set({ audience: { ...form.audience, kind: val(e) } })}>
          {['everyone', 'spaces', 'roles'].map((a) => (
            <option key={a} value={a}>
              {c.audiences[a]}
            </option>
          ))}
        </select>)}
      {form.audience.kind === 'spaces' && (
        <SpaceChecks lang={props.lang} id="c-spaces" attrs={{ disabled: frozen }} legend={c.fieldSpaces} value={form.audience.spaceIds} onChange={(ids) => set({ audience: { ...form.audience, spaceIds: ids } })} />
      )}
      {form.audience.kind === 'roles' && (
        <>
          <Checks id="c-roles" legend={c.fieldRoles} attrs={{ disabled: frozen, 'aria-describedby': 'c-roles-hint' }}
            options={Object.entries(c.audienceRoles).filter(([id]) => memberRoles.includes(id) || form.audience.roles.includes(id)).map(([id, name]) => ({ id, name }))}
            value={form.audience.roles} onChange={(roles) => set({ audience: { ...form.audience, roles } })} />
          <p id="c-roles-hint" class="muted">
            {s.g3.rolesHint}
          </p>
          <FieldProblem lang={props.lang} problem={pf('audience.roles')} field="audience.roles" id="c-roles" />
        </>
      )}
      {form.challenges.map((ch, i) => {
        const id = `ch${i}`;
        const f = (name: string) => `challenges[${i}].${name}`;
        return (
          <fieldset key={i} disabled={frozen}>
            <legend>{c.challenge(i + 1)}</legend>
            {field(f('kind'), `${id}-kind`, c.fieldKind,
              <select id={`${id}-kind`} value={ch.kind} onChange={(e) => setChallenge(i, { kind: val(e), ...(val(e) === 'auto' ? { action: 'answer', count: 3 } : {}) })}>
                {['proof', 'auto'].map((k) => (
                  <option key={k} value={k}>
                    {c.kinds[k]}
                  </option>
                ))}
              </select>)}
            {field(f('title'), `${id}-title`, c.fieldChallengeTitle, <input id={`${id}-title`} required value={ch.title} onInput={(e) => setChallenge(i, { title: val(e) })} {...fieldAttrs(pf(f('title')), f('title'), `${id}-title`)} />, true)}
            {field(f('instructions'), `${id}-instr`, c.fieldInstructions,
              <textarea id={`${id}-instr`} rows={2} value={ch.instructions ?? ''} onInput={(e) => setChallenge(i, { instructions: (e.currentTarget as HTMLTextAreaElement).value })} />)}
            {field(f('points'), `${id}-points`, c.fieldPoints,
              <input id={`${id}-points`} type="number" min={0} inputMode="numeric" value={ch.points} onInput={(e) => setChallenge(i, { points: Number(val(e)) })} {...fieldAttrs(pf(f('points')), f('points'), `${id}-points`)} />)}
            {field(f('maxCompletions'), `${id}-max`, c.fieldMax,
              <input id={`${id}-max`} type="number" min={1} inputMode="numeric" value={ch.maxCompletions} onInput={(e) => setChallenge(i, { maxCompletions: Number(val(e)) })} {...fieldAttrs(pf(f('maxCompletions')), f('maxCompletions'), `${id}-max`)} />)}
            {ch.kind === 'auto' && (
              <>
                {field(f('action'), `${id}-action`, c.fieldAction,
                  <select id={`${id}-action`} value={ch.action ?? 'answer'} onChange={(e) => setChallenge(i, { action: val(e) })}>
                    {Object.keys(c.actions).map((a) => (
                      <option key={a} value={a}>
                        {c.actions[a]}
                      </option>
                    ))}
                  </select>)}
                {field(f('count'), `${id}-count`, c.fieldCount,
                  <input id={`${id}-count`} type="number" min={1} inputMode="numeric" value={ch.count ?? 1} onInput={(e) => setChallenge(i, { count: Number(val(e)) })} {...fieldAttrs(pf(f('count')), f('count'), `${id}-count`)} />)}
                {field(f('spaceId'), `${id}-space`, c.fieldSpace, <SpacePicker lang={props.lang} id={`${id}-space`} value={ch.spaceId ?? ''} onChange={(spaceId) => setChallenge(i, { spaceId })} attrs={fieldAttrs(pf(f('spaceId')), f('spaceId'), `${id}-space`)} />)}
              </>
            )}
            <button type="button" class="secondary" onClick={() => set({ challenges: form.challenges.filter((_, j) => j !== i) })}>
              {c.removeChallenge}
            </button>
          </fieldset>
        );
      })}
      <button type="button" class="secondary" disabled={frozen} onClick={() => set({ challenges: [...form.challenges, blankChallenge()] })}>
        {c.addChallenge}
      </button>
      <p>
        <label>
          <input type="checkbox" disabled={frozen} checked={!!form.trial} onChange={(e) => set({ trial: (e.currentTarget as HTMLInputElement).checked ? { offer: '', instructions: '', slots: 10 } : undefined })} /> {c.withTrial}
        </label>
      </p>
      {form.trial && (
        <fieldset>
          <legend>{c.trial}</legend>
          {field('trial.offer', 't-offer', c.fieldOffer,
            <textarea id="t-offer" rows={2} required readOnly={frozen} value={form.trial.offer} onInput={(e) => set({ trial: { ...form.trial!, offer: (e.currentTarget as HTMLTextAreaElement).value } })} {...fieldAttrs(pf('trial.offer'), 'trial.offer', 't-offer')} />, true)}
          {field('trial.instructions', 't-instr', c.fieldTrialInstructions,
            <textarea id="t-instr" rows={2} required readOnly={frozen} value={form.trial.instructions} onInput={(e) => set({ trial: { ...form.trial!, instructions: (e.currentTarget as HTMLTextAreaElement).value } })} {...fieldAttrs(pf('trial.instructions'), 'trial.instructions', 't-instr')} />, true)}
          {field('trial.slots', 't-slots', c.fieldSlots,
            <input id="t-slots" type="number" min={1} inputMode="numeric" value={form.trial.slots} onInput={(e) => set({ trial: { ...form.trial!, slots: Number(val(e)) } })} {...fieldAttrs(pf('trial.slots'), 'trial.slots', 't-slots')} />, true)}
        </fieldset>
      )}
      {problems.map((p, i) => (
        <FormLevelProblem key={i} lang={props.lang} problem={p} fields={fields} />
      ))}
      <button type="submit">{c.save}</button>
      <Done show={saved} text={c.saved} />
    </form>
  );
}

// Review is the campaign's queue of proofs.
function Review(props: { lang: Lang; id: string; onChange: () => void }) {
  const c = strings[props.lang].campaigns;
  const [list, setList] = useState<Submission[]>();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const load = () => campaignsApi.queue(props.id).then((q) => setList(q.submissions), (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, [props.id]);
  const decide = (sub: Submission, decision: string) => {
    setError(undefined);
    campaignsApi.review(sub.id, decision, reasons[sub.id] ?? '').then(() => {
      load();
      props.onChange();
    }, (err) => setError(codeOf(err)));
  };
  return (
    <section aria-labelledby="review-title">
      <h2 id="review-title">{c.reviewTitle}</h2>
      <Problem lang={props.lang} code={error} />
      {list && list.length === 0 && <p class="muted">{c.noProofs}</p>}
      <ul class="list">
        {list?.map((sub) => (
          <li key={sub.id}>
            <p>
              <strong>{sub.challengeTitle}</strong> <span class="muted">{c.by(strings[props.lang].person(sub.memberName, sub.memberDeleted))}</span>
            </p>
            <p class="break">
              <a href={sub.url} rel="nofollow noopener noreferrer" target="_blank">
                {sub.url}
              </a>
            </p>
            {sub.text && <p>{sub.text}</p>}
            {sub.screenshotKey && (
              <p>
                <a href={`/api/submissions/${encodeURIComponent(sub.id)}/screenshot`} target="_blank" rel="noopener">
                  {c.screenshotLink}
                </a>
              </p>
            )}
            <p class="muted">“{sub.disclosure}”</p>
            <label for={`reason-${sub.id}`}>{c.reviewReason}</label>
            <input id={`reason-${sub.id}`} value={reasons[sub.id] ?? ''} onInput={(e) => setReasons({ ...reasons, [sub.id]: val(e) })} />
            <div class="actions">
              <button type="button" onClick={() => decide(sub, 'approve')}>
                {c.approve}
              </button>
              <button type="button" class="secondary" onClick={() => decide(sub, 'changes')}>
                {c.askChanges}
              </button>
              <button type="button" class="secondary" onClick={() => decide(sub, 'reject')}>
                {c.reject}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

// Trials is the campaign's trial applications to decide.
function Trials(props: { lang: Lang; id: string; slotsLeft: number; onChange: () => void }) {
  const c = strings[props.lang].campaigns;
  const [list, setList] = useState<TrialApplication[]>();
  const [error, setError] = useState<string>();
  const load = () => campaignsApi.applications(props.id).then((r) => setList(r.applications), (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, [props.id]);
  const decide = (a: TrialApplication, approve: boolean) => {
    setError(undefined);
    campaignsApi.decide(props.id, a.memberId, approve, '').then(() => {
      load();
      props.onChange();
    }, (err) => setError(codeOf(err)));
  };
  return (
    <section aria-labelledby="apps-title">
      <h2 id="apps-title">{c.applicationsTitle}</h2>
      <Problem lang={props.lang} code={error} />
      {list && list.length === 0 && <p class="muted">{c.noApplications}</p>}
      <ul class="list">
        {list?.map((a) => (
          <li key={a.memberId}>
            <p>
              <strong>{strings[props.lang].person(a.memberName, a.memberDeleted)}</strong>
            </p>
            {a.motivation && <p>{a.motivation}</p>}
            {props.slotsLeft <= 0 && <p class="muted">{c.noSlotLeft}</p>}
            <div class="actions">
              {props.slotsLeft > 0 && (
                <button type="button" onClick={() => decide(a, true)}>
                  {c.approve}
                </button>
              )}
              <button type="button" class="secondary" onClick={() => decide(a, false)}>
                {c.decline}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

// Report is the campaign's funnel and cost.
function Report(props: { lang: Lang; id: string; version: number }) {
  const s = strings[props.lang];
  const c = s.campaigns;
  const [r, setR] = useState<CampaignReport>();
  useEffect(() => {
    campaignsApi.report(props.id).then(setR, () => undefined);
  }, [props.id, props.version]);
  if (!r) return null;
  const funnel = r.funnel as unknown as Record<string, number>;
  const cost = r.cost as unknown as Record<string, number>;
  return (
    <section aria-labelledby="report-title">
      <h2 id="report-title">{c.reportTitle}</h2>
      <p class="muted">{s.g3.funnelNote}</p>
      <dl class="report">
        {Object.keys(c.funnel).map((k) => (
          <div key={k}>
            <dt>{c.funnel[k]}</dt>
            <dd>{funnel[k] ?? 0}</dd>
          </div>
        ))}
        {Object.keys(c.costs).map((k) => (
          <div key={k}>
            <dt>{c.costs[k]}</dt>
            <dd>{cost[k] ?? 0}</dd>
          </div>
        ))}
        {(
          [
            [s.g3.proofsSent, r.proofsSent],
            [s.g3.proofsApproved, r.proofsApproved],
            [s.g3.takenBack, r.takenBack],
            [s.g3.pointsTakenBack, r.cost.pointsTakenBack],
            [s.g3.pointsNet, r.cost.pointsNet],
          ] as [string, number][]
        ).map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{n ?? 0}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

// CampaignAdmin is one campaign for those who run it ("new": a new one).
export function CampaignAdmin(props: { lang: Lang; id: string; navigate: Nav }) {
  const c = strings[props.lang].campaigns;
  const heading = useFocusHeading();
  const isNew = props.id === 'new';
  const [k, setK] = useState<Campaign>();
  const [error, setError] = useState<string>();
  const [moveError, setMoveError] = useState<string>();
  // version moves on every change made on this page (a review, a trial decision, a
  // save, a move): the report and the trial's slots are read again.
  const [version, setVersion] = useState(0);
  const reload = () => {
    campaignsApi.get(props.id).then((v) => setK(v.campaign), () => undefined);
    setVersion((n) => n + 1);
  };
  useEffect(() => {
    if (!isNew) campaignsApi.get(props.id).then((v) => setK(v.campaign), (err) => setError(codeOf(err)));
  }, [props.id]);
  if (error) return <LoadProblem lang={props.lang} code={error} navigate={props.navigate} />;
  if (!isNew && !k) return null;
  const moves: Record<string, string[]> = { draft: ['publish'], scheduled: ['unpublish', 'end'], live: ['pause', 'end'], paused: ['resume', 'end'], ended: [] };
  const move = (action: string) => {
    setMoveError(undefined);
    campaignsApi.move(k!.id, action).then((moved) => {
      setK(moved);
      setVersion((n) => n + 1);
    }, (err) => setMoveError(codeOf(err)));
  };
  return (
    <section class="campaign-admin">
      <p>
        <a href="/campaigns/manage" onClick={go(props.navigate, '/campaigns/manage')}>
          {c.manageTitle}
        </a>
      </p>
      <h1 tabIndex={-1} ref={heading}>
        {isNew ? c.newTitle : k!.title}
      </h1>
      {k && (
        <>
          <p>
            <span class="badge">{c.states[k.state] ?? k.state}</span>{' '}
            <span class="muted">
              {c.starts(formatDate(props.lang, k.startsAt))} · {c.ends(formatDate(props.lang, k.endsAt))}
            </span>
          </p>
          <div class="actions">
            {(moves[k.state] ?? []).map((m) => (
              <button key={m} type="button" class={m === 'end' ? 'secondary' : undefined} onClick={() => move(m)}>
                {c.moves[m]}
              </button>
            ))}
          </div>
          <Problem lang={props.lang} code={moveError} />
        </>
      )}
      {/* Keyed by the campaign, not its updatedAt: a save keeps the editor and its "Saved". */}
      <Editor key={k?.id ?? 'new'} lang={props.lang} campaign={k} onSaved={(saved) => (isNew ? props.navigate(`/campaigns/manage/${saved.id}`) : (setK(saved), setVersion((n) => n + 1)))} />
      {k && k.state !== 'draft' && (
        <>
          <Review lang={props.lang} id={k.id} onChange={reload} />
          {k.trial && <Trials lang={props.lang} id={k.id} slotsLeft={k.trial.slotsLeft} onChange={reload} />}
          <Report lang={props.lang} id={k.id} version={version} />
        </>
      )}
    </section>
  );
}
