// The members' campaign pages (issue 12, r2): the campaigns running for them, and a
// campaign with its challenges, their progress, the proof form, their proofs with the
// reviewer's answer, and the trial offer.
import { useEffect, useState } from 'preact/hooks';
import { api, Campaign, campaignsApi, CampaignSummary, CampaignView, Gift, Submission } from './api';
import { formatDate, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, LoadProblem, missing, Problem, problemOf } from './ui';

type Nav = (path: string) => void;
const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

function go(navigate: Nav, path: string) {
  return (e: Event) => {
    e.preventDefault();
    navigate(path);
  };
}

// CampaignList is the campaigns running for the member (live or paused, their audience).
export function CampaignList(props: { lang: Lang; navigate: Nav; manage: boolean }) {
  const s = strings[props.lang];
  const c = s.campaigns;
  const heading = useFocusHeading();
  const [list, setList] = useState<CampaignSummary[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    campaignsApi.live().then((r) => setList(r.campaigns), (err) => setError(codeOf(err)));
  }, []);
  return (
    <section class="campaigns">
      <h1 tabIndex={-1} ref={heading}>
        {c.title}
      </h1>
      <p>{c.intro}</p>
      {props.manage && (
        <p>
          <a href="/campaigns/manage" onClick={go(props.navigate, '/campaigns/manage')}>
            {c.manageTitle}
          </a>
        </p>
      )}
      <Problem lang={props.lang} code={error} />
      {list && list.length === 0 && <p class="muted">{c.none}</p>}
      {list && list.length > 0 && (
        <ul class="list">
          {list.map((k) => (
            <li key={k.id}>
              <a href={`/campaigns/${k.id}`} onClick={go(props.navigate, `/campaigns/${k.id}`)}>
                {k.title}
              </a>{' '}
              <span class="badge">{c.states[k.state] ?? k.state}</span> <span class="muted">{c.ends(formatDate(props.lang, k.endsAt))}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// ProofForm sends (or sends again) a proof for a challenge.
function ProofForm(props: { lang: Lang; campaign: Campaign; challengeId: string; resubmit?: Submission; onSent: () => void }) {
  const s = strings[props.lang];
  const c = s.campaigns;
  const idp = `proof-${props.challengeId}`;
  const [url, setUrl] = useState(props.resubmit?.url ?? '');
  const [text, setText] = useState(props.resubmit?.text ?? '');
  const [problem, setProblem] = useState<FormProblem>();
  const [sent, setSent] = useState(false);
  const [shot, setShot] = useState<string | undefined>(props.resubmit?.screenshotKey);
  const pick = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      setShot(await campaignsApi.upload('proof_screenshot', file));
    } catch (err) {
      setProblem(problemOf(err, { reward_image_type: 'screenshotKey', reward_image_too_large: 'screenshotKey', upload_failed: 'screenshotKey' }));
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = missing([['url', url]]);
    setProblem(empty);
    setSent(false);
    if (empty) return;
    try {
      if (props.resubmit) await campaignsApi.resubmit(props.resubmit.id, url, text, shot);
      else await campaignsApi.submit(props.campaign.id, props.challengeId, url, text, shot);
      setSent(true);
      setUrl('');
      setText('');
      props.onSent();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <form class="form" onSubmit={submit} noValidate>
      <Label for={`${idp}-url`} required>
        {c.proofUrl}
      </Label>
      <input id={`${idp}-url`} type="url" inputMode="url" required value={url} onInput={(e) => setUrl(val(e))} placeholder={c.proofUrlHint} {...fieldAttrs(problem, 'url', `${idp}-url`)} />
      <FieldProblem lang={props.lang} problem={problem} field="url" id={`${idp}-url`} label={c.proofUrl} />
      <label for={`${idp}-text`}>{c.proofText}</label>
      <textarea id={`${idp}-text`} rows={3} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} {...fieldAttrs(problem, 'text', `${idp}-text`)} />
      <FieldProblem lang={props.lang} problem={problem} field="text" id={`${idp}-text`} />
      <label for={`${idp}-shot`}>{c.screenshot}</label>
      <input id={`${idp}-shot`} type="file" accept="image/png,image/jpeg,image/webp" onChange={pick} {...fieldAttrs(problem, 'screenshotKey', `${idp}-shot`)} />
      {shot && <p class="muted">{c.screenshotReady}</p>}
      <FieldProblem lang={props.lang} problem={problem} field="screenshotKey" id={`${idp}-shot`} />
      <p class="muted">
        {c.disclosure} {s.noticeQuote(props.campaign.disclosure)}
      </p>
      <FormLevelProblem lang={props.lang} problem={problem} fields={['url', 'text', 'screenshotKey']} />
      <button type="submit">{props.resubmit ? c.resend : c.send}</button>
      <Done show={sent} text={c.sent} />
    </form>
  );
}

// CampaignPage is one campaign as the member sees it.
export function CampaignPage(props: { lang: Lang; id: string; navigate: Nav }) {
  const s = strings[props.lang];
  const c = s.campaigns;
  const heading = useFocusHeading();
  const [view, setView] = useState<CampaignView>();
  const [error, setError] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [motivation, setMotivation] = useState('');
  const [gifts, setGifts] = useState<Gift[]>([]);
  const load = () => campaignsApi.get(props.id).then(setView, (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
    // The gifts the campaign pays for, as the catalogue offers them to this reader (none
    // once the campaign is over).
    api.campaignGifts(props.id).then((p) => setGifts(p.gifts), () => setGifts([]));
    // The report's "saw": the page tells it was opened (a GET writes nothing).
    campaignsApi.seen(props.id).catch(() => undefined);
  }, [props.id]);
  if (error) return <LoadProblem lang={props.lang} code={error} navigate={props.navigate} />;
  if (!view) return null;
  const k = view.campaign;
  const me = view.me;
  const act = (p: Promise<unknown>) => {
    setActionError(undefined);
    p.then(load, (err) => setActionError(codeOf(err)));
  };
  return (
    <article class="campaign">
      <p>
        <a href="/campaigns" onClick={go(props.navigate, '/campaigns')}>
          {c.back}
        </a>
      </p>
      <h1 tabIndex={-1} ref={heading}>
        {k.title}
      </h1>
      <p>
        <span class="badge">{c.states[k.state] ?? k.state}</span> <span class="muted">{c.ends(formatDate(props.lang, k.endsAt))}</span>
      </p>
      {k.imageKey && <img class="campaign-image" src={`/api/campaigns/${encodeURIComponent(k.id)}/image`} alt="" />}
      <div class="body" dangerouslySetInnerHTML={{ __html: k.html }} />
      {view.manage && <p class="muted">{c.staffNote}</p>}
      {!view.manage && view.staff && <p class="muted">{c.staffNoPart}</p>}
      {!view.manage && k.state !== 'live' && <p class="muted">{c.notRunning}</p>}
      {view.canTakePart && !me.joined && (
        <button type="button" onClick={() => act(campaignsApi.join(k.id))}>
          {c.join}
        </button>
      )}
      {me.joined && <p class="ok">{c.joined}</p>}
      <Problem lang={props.lang} code={actionError} />
      {k.challenges.length > 0 && (
        <section aria-labelledby="challenges-title">
          <h2 id="challenges-title">{c.challenges}</h2>
          <ul class="list challenges">
            {k.challenges.map((ch) => {
              const done = me.completions[ch.id] ?? 0;
              const pending = me.submissions.some((sub) => sub.challengeId === ch.id && (sub.status === 'pending' || sub.status === 'changes_requested'));
              return (
                <li key={ch.id}>
                  <h3>{ch.title}</h3>
                  <p>
                    <span class="badge">{c.points(ch.points)}</span> <span class="muted">{c.completions(done, ch.maxCompletions)}</span>
                  </p>
                  {ch.instructions && <p>{ch.instructions}</p>}
                  {ch.kind === 'auto' && (
                    <p class="muted">
                      {c.actions[ch.action ?? ''] ?? ''}
                      {ch.spaceId ? ` (${ch.spaceName ? c.inSpace(ch.spaceName) : c.inOneSpace})` : ''} · {c.automatic}
                      {me.joined && ch.count && done < ch.maxCompletions ? ` ${c.progress((me.progress[ch.id] ?? 0) % ch.count, ch.count)}` : ''}
                    </p>
                  )}
                  {done >= ch.maxCompletions && <p class="ok">{c.maxReached}</p>}
                  {ch.kind === 'proof' && view.canTakePart && done < ch.maxCompletions && !pending && (
                    <ProofForm lang={props.lang} campaign={k} challengeId={ch.id} onSent={load} />
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {me.submissions.length > 0 && (
        <section aria-labelledby="mine-title">
          <h2 id="mine-title">{c.mine}</h2>
          <ul class="list">
            {me.submissions.map((sub) => (
              <li key={sub.id}>
                <p>
                  <strong>{sub.challengeTitle}</strong> <span class="badge">{c.statuses[sub.status] ?? sub.status}</span>
                </p>
                <p class="break">
                  <a href={sub.url} rel="nofollow noopener noreferrer" target="_blank">
                    {sub.url}
                  </a>
                </p>
                <p class="muted">{s.noticeQuote(sub.disclosure)}</p>
                {sub.reason && <p>{c.reason(sub.reason)}</p>}
                {sub.status === 'changes_requested' && view.canTakePart && (
                  <ProofForm lang={props.lang} campaign={k} challengeId={sub.challengeId} resubmit={sub} onSent={load} />
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {gifts.length > 0 && (
        <section aria-labelledby="gifts-title">
          <h2 id="gifts-title">{c.gifts}</h2>
          <p>{c.giftsIntro}</p>
          <ul class="list">
            {gifts.map((g) => (
              <li key={g.id}>
                <strong>{g.name}</strong> <span class="badge">{strings[props.lang].catalogue.cost(g.cost)}</span>
              </li>
            ))}
          </ul>
          <p>
            <a href="/rewards/catalogue" onClick={go(props.navigate, '/rewards/catalogue')}>
              {c.toCatalogue}
            </a>
          </p>
        </section>
      )}
      {k.trial && (
        <section aria-labelledby="trial-title">
          <h2 id="trial-title">{c.trial}</h2>
          <p>{k.trial.offer}</p>
          <p class="muted">{k.trial.slotsLeft > 0 ? c.slotsLeft(k.trial.slotsLeft) : strings[props.lang].g3.trialClosed}</p>
          {me.trial && <p class={me.trial.status === 'declined' ? undefined : 'ok'}>{me.trial.noSlots ? strings[props.lang].g3.trialFull : (c.trialStatuses[me.trial.status] ?? me.trial.status)}</p>}
          {me.trial?.instructions && (
            <>
              <h3>{c.instructions}</h3>
              <p class="break">{me.trial.instructions}</p>
            </>
          )}
          {!me.trial && view.canTakePart && k.trial.slotsLeft > 0 && (
            <form
              class="form"
              onSubmit={(e) => {
                e.preventDefault();
                act(campaignsApi.apply(k.id, motivation));
              }}
            >
              <label for="trial-motivation">{c.motivation}</label>
              <textarea id="trial-motivation" rows={3} value={motivation} onInput={(e) => setMotivation((e.currentTarget as HTMLTextAreaElement).value)} />
              <button type="submit">{c.apply}</button>
            </form>
          )}
        </section>
      )}
    </article>
  );
}
